//===- Scratch.h - Per-thread working buffers ---------------------*- C++ -*-===//
//
// Private to the runtime library. The product kernels keep thread_local
// buffers that only ever grow, so a thread allocates once per run rather
// than once per block.
//
//===----------------------------------------------------------------------===//

#ifndef CIM_RUNTIME_LIB_SCRATCH_H
#define CIM_RUNTIME_LIB_SCRATCH_H

#include <cstdint>
#include <vector>

namespace cim::runtime::detail {

/// `buffer` grown to at least `size` elements; its data.
template <typename T> T *scratch(std::vector<T> &buffer, int64_t size) {
  if (buffer.size() < static_cast<size_t>(size))
    buffer.resize(static_cast<size_t>(size));
  return buffer.data();
}

} // namespace cim::runtime::detail

#endif // CIM_RUNTIME_LIB_SCRATCH_H

//===- OneDnnGemm.cpp - Exact int8 products on the CPU's matrix engine ------===//

#include "OneDnnGemm.h"

#include <oneapi/dnnl/dnnl.h>
#include <oneapi/dnnl/dnnl.hpp>
#include <omp.h>

#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <tuple>
#include <vector>

using namespace cim::runtime;
using namespace cim::runtime::detail;

namespace {

dnnl::engine &cpu() {
  static dnnl::engine engine(dnnl::engine::kind::cpu, 0);
  return engine;
}

/// A matmul for one shape and set of strides, with its scratchpad supplied
/// by each caller: a primitive with its own scratchpad must not run on two
/// threads at once.
struct Matmul {
  dnnl::memory::desc a, b, c;
  dnnl::matmul::primitive_desc descriptor;
  dnnl::matmul primitive;
};

using Shape = std::tuple<int64_t, int64_t, int64_t, int64_t, int64_t, int64_t>;

/// oneDNN runs a call on omp_get_max_threads() threads, a number some of
/// its kernels fix when they are made; the simulator's own threads make
/// and call them, one each.
void serialOnThisThread() {
  thread_local const bool serial = (omp_set_num_threads(1), true);
  (void)serial;
}

Matmul makeMatmul(const Shape &shape) {
  serialOnThisThread();
  using dt = dnnl::memory::data_type;
  const auto [m, k, n, lda, ldb, ldc] = shape;
  Matmul mm;
  mm.a = dnnl::memory::desc({m, k}, dt::s8, {lda, 1});
  mm.b = dnnl::memory::desc({k, n}, dt::s8, {ldb, 1});
  mm.c = dnnl::memory::desc({m, n}, dt::s32, {ldc, 1});
  dnnl::primitive_attr attributes;
  attributes.set_scratchpad_mode(dnnl::scratchpad_mode::user);
  mm.descriptor = dnnl::matmul::primitive_desc(
      dnnl::matmul::desc(mm.a, mm.b, mm.c), attributes, cpu());
  mm.primitive = dnnl::matmul(mm.descriptor);
  return mm;
}

/// Matmuls by shape, made once each (a crossbar program has a handful of
/// block shapes, and making one compiles a kernel).
const Matmul &matmulFor(const Shape &shape) {
  static std::mutex mutex;
  static std::map<Shape, std::unique_ptr<Matmul>> made;
  std::lock_guard<std::mutex> lock(mutex);
  std::unique_ptr<Matmul> &entry = made[shape];
  if (!entry)
    entry = std::make_unique<Matmul>(makeMatmul(shape));
  return *entry;
}

} // namespace

bool detail::int8GemmIsFast() {
  static const bool fast = [] {
    try {
      const Matmul &mm = matmulFor({256, 128, 128, 128, 128, 128});
      const char *impl = mm.descriptor.impl_info_str();
      return impl && std::strstr(impl, "amx") != nullptr;
    } catch (const dnnl::error &) {
      return false;
    }
  }();
  return fast;
}

bool detail::int8Gemm(const int8_t *a, int64_t m, int64_t k, int64_t lda,
                      const int8_t *b, int64_t n, int64_t ldb, int32_t *c,
                      int64_t ldc) {
  serialOnThisThread();
  try {
    const Matmul &mm = matmulFor({m, k, n, lda, ldb, ldc});
    thread_local dnnl::stream stream(cpu());
    thread_local std::vector<uint8_t> scratch;
    const dnnl::memory::desc scratchDesc = mm.descriptor.scratchpad_desc();
    if (scratch.size() < scratchDesc.get_size())
      scratch.resize(scratchDesc.get_size());
    dnnl::memory am(mm.a, cpu(), const_cast<int8_t *>(a));
    dnnl::memory bm(mm.b, cpu(), const_cast<int8_t *>(b));
    dnnl::memory cm(mm.c, cpu(), c);
    dnnl::memory sm(scratchDesc, cpu(), scratch.data());
    mm.primitive.execute(stream, {{DNNL_ARG_SRC, am},
                                  {DNNL_ARG_WEIGHTS, bm},
                                  {DNNL_ARG_DST, cm},
                                  {DNNL_ARG_SCRATCHPAD, sm}});
    stream.wait();
    return true;
  } catch (const dnnl::error &) {
    return false;
  }
}

bool detail::floatGemm(int64_t m, int64_t n, int64_t k, const float *a,
                       int64_t lda, const float *b, int64_t ldb, float *c,
                       int64_t ldc) {
  serialOnThisThread();
  // dnnl_sgemm is row-major, as the simulator's operands are.
  return dnnl_sgemm('N', 'N', m, n, k, 1.0f, a, lda, b, ldb, 0.0f, c, ldc) ==
         dnnl_success;
}

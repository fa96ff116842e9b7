//===- Elements.h - Storage for a tensor's elements ---------------*- C++ -*-===//
//
// The vector type that holds a tensor's elements in the simulator, and its
// comparisons with plain vectors.
//
//===----------------------------------------------------------------------===//

#ifndef CIM_RUNTIME_ELEMENTS_H
#define CIM_RUNTIME_ELEMENTS_H

#include <algorithm>
#include <memory>
#include <new>
#include <utility>
#include <vector>

namespace cim::runtime {

/// std::allocator, except that a resize leaves the new elements
/// uninitialised: the simulator sizes a value and then writes every
/// element, and zero-filling first would be one more serial pass over its
/// largest buffers. Explicit values (`assign(n, 0)`, `resize(n, 0)`) still
/// fill.
template <typename T> struct UninitializedAllocator : std::allocator<T> {
  template <typename U> struct rebind {
    using other = UninitializedAllocator<U>;
  };
  UninitializedAllocator() noexcept = default;
  template <typename U>
  UninitializedAllocator(const UninitializedAllocator<U> &) noexcept {}
  template <typename U> void construct(U *p) noexcept {
    ::new (static_cast<void *>(p)) U;
  }
  template <typename U, typename... Args>
  void construct(U *p, Args &&...args) {
    ::new (static_cast<void *>(p)) U(std::forward<Args>(args)...);
  }
};

/// A tensor's elements.
template <typename T>
using Elements = std::vector<T, UninitializedAllocator<T>>;

/// Elements compare with plain vectors element by element (found by
/// argument-dependent lookup, so tests can compare with literals).
// Element by element, across widths too (an f32 tensor's floats against
// the doubles a host or test holds: equal when each double is the float).
template <typename T, typename U>
bool operator==(const Elements<T> &a, const std::vector<U> &b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end());
}
template <typename T, typename U>
bool operator==(const std::vector<U> &a, const Elements<T> &b) {
  return b == a;
}
template <typename T, typename U>
bool operator!=(const Elements<T> &a, const std::vector<U> &b) {
  return !(a == b);
}
template <typename T, typename U>
bool operator!=(const std::vector<U> &a, const Elements<T> &b) {
  return !(b == a);
}

} // namespace cim::runtime

#endif // CIM_RUNTIME_ELEMENTS_H

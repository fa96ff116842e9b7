//===- VectorClones.h - Hot loops compiled per vector width -------*- C++ -*-===//
//
// Private to the runtime library. The simulator's hot loops are plain loops
// the compiler vectorizes; a function marked CIM_VECTOR_CLONES is compiled
// once per x86-64 level (AVX-512, AVX2, baseline) and the widest the CPU has
// is picked when the program starts (GCC's function multi-versioning), so
// one portable binary runs them at the machine's width. Elsewhere it is
// empty.
//
//===----------------------------------------------------------------------===//

#ifndef CIM_RUNTIME_LIB_VECTORCLONES_H
#define CIM_RUNTIME_LIB_VECTORCLONES_H

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define CIM_VECTOR_CLONES                                                      \
  __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3",            \
                               "default")))
#else
#define CIM_VECTOR_CLONES
#endif

#endif // CIM_RUNTIME_LIB_VECTORCLONES_H

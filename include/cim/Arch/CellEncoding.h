//===- CellEncoding.h - Weights to cell levels and back ----------*- C++ -*-===//
//
// The exact integer semantics of storing signed W-bit weights in cells of b
// bits (see #cim.encoding in docs/dialects/CIMDialect.md). Plain C++ shared
// by the compiler (cim-encode-cells, the cim.recombine folder) and the
// runtime, so both compute the same bits.
//
//===----------------------------------------------------------------------===//

#ifndef CIM_ARCH_CELLENCODING_H
#define CIM_ARCH_CELLENCODING_H

#include "cim/Arch/ArchSpec.h"

#include <cstdint>

namespace cim::arch {

struct CellEncoding {
  SignedEncoding scheme = SignedEncoding::Differential;
  int64_t weightBits = 8;
  int64_t bitsPerCell = 1;
  int64_t slices = 1;
  /// Differential only: G+ and G- in two columns (false: one unit cell
  /// holds both and its level is signed).
  bool pairedColumns = true;

  /// The encoding an arch uses at its default weight precision.
  static CellEncoding forArch(const ArchSpec &spec);
  static CellEncoding forArch(const ArchSpec &spec, int64_t weightBits);

  int64_t columnsPerWeight() const { return slices * (pairedColumns ? 2 : 1); }
  int64_t referenceColumns() const {
    return scheme == SignedEncoding::Offset ? 1 : 0;
  }
  /// Level every row of the offset reference column holds.
  int64_t referenceLevel() const;
  /// Largest |w| the encoding represents exactly.
  int64_t maxMagnitude() const;
  /// Whether levels can be negative (differential inside one unit cell).
  bool signedLevels() const {
    return scheme == SignedEncoding::Differential && !pairedColumns;
  }

  /// Writes the columnsPerWeight() levels of weight `w`, in column order.
  void encode(int64_t w, int64_t *levels) const;
  /// Sum over rows of input * w, from the sums of the weight's columns
  /// (columnsPerWeight() of them) and, for offset, the reference column's.
  int64_t recombine(const int64_t *columnSums, int64_t referenceSum) const;
};

/// Slices `scheme` needs for `weightBits`-bit weights in `bitsPerCell`-bit
/// cells.
int64_t requiredSlices(SignedEncoding scheme, int64_t weightBits,
                       int64_t bitsPerCell);

} // namespace cim::arch

#endif // CIM_ARCH_CELLENCODING_H

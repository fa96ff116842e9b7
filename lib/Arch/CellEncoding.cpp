//===- CellEncoding.cpp - Weights to cell levels and back -------------------===//

#include "cim/Arch/CellEncoding.h"

#include <cstdlib>

using namespace cim::arch;

static int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

int64_t cim::arch::requiredSlices(SignedEncoding scheme, int64_t weightBits,
                                  int64_t bitsPerCell) {
  const int64_t magnitudeBits = weightBits > 1 ? weightBits - 1 : 1;
  switch (scheme) {
  case SignedEncoding::Differential:
    return ceilDiv(magnitudeBits, bitsPerCell);
  case SignedEncoding::Offset:
    return ceilDiv(weightBits, bitsPerCell);
  case SignedEncoding::TwosComplement:
    return ceilDiv(magnitudeBits, bitsPerCell) + 1;
  }
  return 0;
}

CellEncoding CellEncoding::forArch(const ArchSpec &spec) {
  return forArch(spec, spec.precision.weightBits);
}

CellEncoding CellEncoding::forArch(const ArchSpec &spec, int64_t weightBits) {
  CellEncoding encoding;
  encoding.scheme = spec.array.cell.signedEncoding;
  encoding.weightBits = weightBits;
  encoding.bitsPerCell = spec.array.cell.bits;
  encoding.slices =
      requiredSlices(encoding.scheme, weightBits, encoding.bitsPerCell);
  encoding.pairedColumns = encoding.scheme == SignedEncoding::Differential &&
                           !spec.array.cell.differentialInCell;
  return encoding;
}

int64_t CellEncoding::referenceLevel() const {
  // 2^(W-1) has one non-zero digit, in the top slice.
  return int64_t(1) << (weightBits - 1 - bitsPerCell * (slices - 1));
}

int64_t CellEncoding::maxMagnitude() const {
  // Symmetric narrow range: what the quantiser produces.
  return (int64_t(1) << (weightBits - 1)) - 1;
}

void CellEncoding::encode(int64_t w, int64_t *levels) const {
  const int64_t mask = (int64_t(1) << bitsPerCell) - 1;
  auto digit = [&](int64_t value, int64_t s) {
    return (value >> (bitsPerCell * s)) & mask;
  };
  switch (scheme) {
  case SignedEncoding::Differential: {
    const int64_t magnitude = std::llabs(w);
    for (int64_t s = 0; s < slices; ++s) {
      const int64_t d = digit(magnitude, s);
      if (pairedColumns) {
        levels[2 * s] = w > 0 ? d : 0;
        levels[2 * s + 1] = w < 0 ? d : 0;
      } else {
        levels[s] = w < 0 ? -d : d;
      }
    }
    return;
  }
  case SignedEncoding::Offset: {
    const int64_t u = w + (int64_t(1) << (weightBits - 1));
    for (int64_t s = 0; s < slices; ++s)
      levels[s] = digit(u, s);
    return;
  }
  case SignedEncoding::TwosComplement: {
    const int64_t low = w & ((int64_t(1) << (weightBits - 1)) - 1);
    for (int64_t s = 0; s + 1 < slices; ++s)
      levels[s] = digit(low, s);
    levels[slices - 1] = w < 0 ? 1 : 0;
    return;
  }
  }
}

int64_t CellEncoding::recombine(const int64_t *columnSums,
                                int64_t referenceSum) const {
  int64_t y = 0;
  switch (scheme) {
  case SignedEncoding::Differential:
    for (int64_t s = 0; s < slices; ++s) {
      const int64_t slice = pairedColumns
                                ? columnSums[2 * s] - columnSums[2 * s + 1]
                                : columnSums[s];
      y += slice * (int64_t(1) << (bitsPerCell * s));
    }
    return y;
  case SignedEncoding::Offset:
    for (int64_t s = 0; s < slices; ++s)
      y += columnSums[s] * (int64_t(1) << (bitsPerCell * s));
    return y - referenceSum * (int64_t(1) << (bitsPerCell * (slices - 1)));
  case SignedEncoding::TwosComplement:
    for (int64_t s = 0; s + 1 < slices; ++s)
      y += columnSums[s] * (int64_t(1) << (bitsPerCell * s));
    return y - columnSums[slices - 1] * (int64_t(1) << (weightBits - 1));
  }
  return 0;
}

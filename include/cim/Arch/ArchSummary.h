//===- ArchSummary.h - Human and JSON summaries of a machine -----*- C++ -*-===//

#ifndef CIM_ARCH_ARCHSUMMARY_H
#define CIM_ARCH_ARCHSUMMARY_H

#include "cim/Arch/ArchSpec.h"

#include <string>

namespace cim::arch {

/// A one-screen summary: hierarchy, array geometry, converters, capacity and
/// peak throughput at the default precisions.
std::string renderSummaryText(const ArchSpec &spec);

/// The same figures as a JSON object (stable keys; see docs/arch.md).
std::string renderSummaryJson(const ArchSpec &spec);

} // namespace cim::arch

#endif // CIM_ARCH_ARCHSUMMARY_H

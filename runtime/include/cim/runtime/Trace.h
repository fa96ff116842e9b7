//===- Trace.h - A run's timeline in Chrome's trace event format -*- C++
//-*-===//
//
// The instructions of one run as a trace that chrome://tracing and Perfetto
// open: one process per chip (and one for chip-to-chip links), one track
// per core and per link, and each instruction, and each link a transfer
// holds, a complete ("X") event at its simulated time named after its ONNX
// node. Instructions of one core that overlap (its arrays, ADCs and vector
// unit work in parallel) go on extra lanes of that core, because trace
// viewers draw only nested events on one track correctly.
//
//===----------------------------------------------------------------------===//

#ifndef CIM_RUNTIME_TRACE_H
#define CIM_RUNTIME_TRACE_H

#include "cim/runtime/Report.h"

#include <string>

namespace cim::runtime {

/// `report.timeline` as Chrome trace JSON; cycles become microseconds at
/// `clockGHz`. Identical reports render to identical bytes.
std::string renderChromeTrace(const Report &report, double clockGHz);

} // namespace cim::runtime

#endif // CIM_RUNTIME_TRACE_H

//===- StepThread.h - Steps run in order on a thread of their own -*- C++ -*-===//
//
// Private to the runtime library. The simulator's schedule (which
// instruction issues when, on which unit and link) does not depend on the
// values computed, so the values can follow it on another thread: the
// schedule pushes each issued instruction here and goes on while the values
// are computed, in exactly the order they were pushed. The bookkeeping of a
// run then overlaps its arithmetic instead of leaving the other threads idle.
//
//===----------------------------------------------------------------------===//

#ifndef CIM_RUNTIME_LIB_STEPTHREAD_H
#define CIM_RUNTIME_LIB_STEPTHREAD_H

#include "cim/runtime/Status.h"

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace cim::runtime::detail {

/// One issued instruction: its core, its index in the core's stream and
/// its start cycle.
struct Step {
  size_t core;
  size_t index;
  int64_t start;
};

class StepThread {
public:
  /// Starts the thread; it calls `run` on each pushed step, in order,
  /// until one fails (the rest are then dropped).
  explicit StepThread(std::function<Status(const Step &)> run);
  /// Joins the thread (finish() not called: the steps left are dropped).
  ~StepThread();
  StepThread(const StepThread &) = delete;
  StepThread &operator=(const StepThread &) = delete;

  void push(const Step &step);
  /// Whether a step has failed (the caller may stop pushing).
  bool failed() const { return failure.load(std::memory_order_relaxed); }
  /// Waits for every pushed step, joins the thread and returns the first
  /// failure; rethrows an exception a step threw.
  Status finish();

private:
  void loop();

  std::function<Status(const Step &)> run;
  std::mutex mutex;
  std::condition_variable wake;
  /// Steps pushed and not yet taken; the thread takes them all at once.
  std::vector<Step> pending;
  bool closing = false, sleeping = false;
  std::atomic<bool> failure{false};
  Status status = Status::ok();
  std::exception_ptr thrown;
  std::thread thread;
};

} // namespace cim::runtime::detail

#endif // CIM_RUNTIME_LIB_STEPTHREAD_H

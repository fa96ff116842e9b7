//===- WorkerPool.h - Threads for the simulator's data-parallel loops -*- C++ -*-===//
//
// Private to the runtime library. The simulator's timing is a sequential list
// schedule, but the products it computes are data-parallel: the rows of one
// crossbar product are independent. parallelFor splits such a loop into
// contiguous ranges run on the pool's threads and the caller. Each range is
// computed by exactly the code a single thread would run, so results do not
// depend on the thread count.
//
//===----------------------------------------------------------------------===//

#ifndef CIM_RUNTIME_LIB_WORKERPOOL_H
#define CIM_RUNTIME_LIB_WORKERPOOL_H

#include <atomic>
#include <condition_variable>
#include <exception>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace cim::runtime::detail {

class WorkerPool {
public:
  /// `threads` in all, the caller included (1: no extra thread); fewer if
  /// the system refuses a thread. Workers spin briefly between jobs, so
  /// more threads than cores slow it down.
  explicit WorkerPool(int64_t threads);
  ~WorkerPool();
  WorkerPool(const WorkerPool &) = delete;
  WorkerPool &operator=(const WorkerPool &) = delete;

  int64_t threads() const { return static_cast<int64_t>(workers.size()) + 1; }

  /// Runs body(begin, end) over [0, n) in at most threads() ranges of at
  /// least `grain` iterations; returns when every range is done, and
  /// rethrows the first exception a range threw. Not re-entrant.
  void parallelFor(int64_t n, int64_t grain,
                   const std::function<void(int64_t, int64_t)> &body);

  /// The threads this process may run on (its CPU affinity where the
  /// system tells it, else the hardware's count), at least 1.
  static int64_t availableThreads();

private:
  void work(size_t index);

  std::vector<std::thread> workers;
  /// The current job: its body and ranges (worker i runs range i), set
  /// before `generation` is bumped.
  const std::function<void(int64_t, int64_t)> *body = nullptr;
  std::vector<std::pair<int64_t, int64_t>> ranges;
  /// Jobs come in quick succession (two per crossbar product) and a
  /// sleeping thread takes tens of microseconds to wake, so a worker spins
  /// a little while on `generation` before it sleeps on `wake`.
  std::atomic<uint64_t> generation{0};
  std::atomic<int64_t> pending{0};
  std::atomic<bool> stopping{false};
  std::mutex mutex;
  std::condition_variable wake;
  /// The first exception a worker's range threw in the current job.
  std::exception_ptr failure;
};

} // namespace cim::runtime::detail

#endif // CIM_RUNTIME_LIB_WORKERPOOL_H

//===- WorkerPool.cpp - Threads for the simulator's data-parallel loops ---===//

#include "WorkerPool.h"

#include <algorithm>
#include <chrono>
#include <system_error>

#ifdef __linux__
#include <sched.h>
#endif

using namespace cim::runtime::detail;

namespace {

/// How long an idle worker spins before it sleeps.
constexpr std::chrono::microseconds kSpin(200);

void relax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#endif
}

} // namespace

WorkerPool::WorkerPool(int64_t threads) {
  for (int64_t t = 1; t < threads; ++t) {
    try {
      workers.emplace_back([this, t] { work(static_cast<size_t>(t)); });
    } catch (const std::system_error &) {
      break; // no more threads to be had: run with those there are
    }
  }
}

int64_t WorkerPool::availableThreads() {
#ifdef __linux__
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof(set), &set) == 0)
    return std::max<int64_t>(1, CPU_COUNT(&set));
#endif
  return std::max<int64_t>(1, std::thread::hardware_concurrency());
}

WorkerPool::~WorkerPool() {
  stopping.store(true);
  {
    std::lock_guard<std::mutex> lock(mutex);
  }
  wake.notify_all();
  for (std::thread &worker : workers)
    worker.join();
}

void WorkerPool::work(size_t index) {
  uint64_t seen = 0;
  while (true) {
    auto until = std::chrono::steady_clock::now() + kSpin;
    uint64_t current;
    for (int64_t spins = 1;
         (current = generation.load(std::memory_order_acquire)) == seen &&
         !stopping.load(std::memory_order_relaxed);
         ++spins) {
      relax();
      if (spins % 256 == 0 && std::chrono::steady_clock::now() > until) {
        std::unique_lock<std::mutex> lock(mutex);
        wake.wait(lock, [&] {
          return stopping.load() || generation.load() != seen;
        });
        until = std::chrono::steady_clock::now() + kSpin;
      }
    }
    if (stopping.load())
      return;
    seen = current;
    if (index < ranges.size()) {
      try {
        (*body)(ranges[index].first, ranges[index].second);
      } catch (...) {
        std::lock_guard<std::mutex> lock(mutex);
        if (!failure)
          failure = std::current_exception();
      }
    }
    pending.fetch_sub(1, std::memory_order_acq_rel);
  }
}

void WorkerPool::parallelFor(
    int64_t n, int64_t grain,
    const std::function<void(int64_t, int64_t)> &job) {
  const int64_t parts = std::min<int64_t>(
      threads(), std::max<int64_t>(1, n / std::max<int64_t>(grain, 1)));
  if (parts <= 1) {
    if (n > 0)
      job(0, n);
    return;
  }
  // Workers read the job only after they see the new generation, and the
  // previous job is finished (pending was 0), so nobody reads these now.
  ranges.clear();
  for (int64_t p = 0; p < parts; ++p)
    ranges.push_back({n * p / parts, n * (p + 1) / parts});
  body = &job;
  // Every worker reports, those without a range too: none still reads
  // `ranges` when the next job rewrites it.
  pending.store(static_cast<int64_t>(workers.size()),
                std::memory_order_relaxed);
  generation.fetch_add(1, std::memory_order_release);
  {
    // A worker deciding to sleep holds the mutex while it checks the
    // generation: taking it here means it either saw the new one or is
    // already waiting for this notification.
    std::lock_guard<std::mutex> lock(mutex);
  }
  wake.notify_all();
  // The caller takes range 0; workers 1 .. parts-1 the others. Whatever
  // happens to range 0, the workers are waited for: they read `job`.
  std::exception_ptr own;
  try {
    job(ranges[0].first, ranges[0].second);
  } catch (...) {
    own = std::current_exception();
  }
  for (int64_t spins = 1; pending.load(std::memory_order_acquire) > 0;
       ++spins) {
    relax();
    // A worker without a core of its own (more threads than CPUs) needs
    // this one's.
    if (spins % 1024 == 0)
      std::this_thread::yield();
  }
  std::exception_ptr first = own ? own : failure;
  failure = nullptr;
  if (first)
    std::rethrow_exception(first);
}

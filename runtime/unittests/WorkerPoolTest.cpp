//===- WorkerPoolTest.cpp - The simulator's threads split loops exactly ---===//
//
// Every crossbar product's rows run through WorkerPool::parallelFor, so an
// index visited twice or never, a range that overlaps another, or a job
// that returns before its workers finish would corrupt results silently,
// and a worker that misses its wake-up would hang the simulator. The pool
// hands out jobs in quick succession and lets idle workers sleep, so both
// back-to-back jobs and jobs after a pause are checked.
//
//===----------------------------------------------------------------------===//

#include "../lib/WorkerPool.h"

#include <gtest/gtest.h>

#ifdef __linux__
#include <sched.h>
#endif

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

using namespace cim::runtime::detail;

namespace {

/// Aborts the test binary when its scope does not end within `limit`: a
/// worker that misses its wake-up hangs parallelFor or the destructor, and
/// this turns the hang into a prompt failure.
class Watchdog {
public:
  Watchdog(const char *what, std::chrono::seconds limit)
      : thread([this, what, limit] {
          std::unique_lock<std::mutex> lock(mutex);
          if (!done.wait_for(lock, limit, [this] { return finished; })) {
            std::fprintf(stderr, "%s: no progress in %lld s\n", what,
                         static_cast<long long>(limit.count()));
            std::abort();
          }
        }) {}
  ~Watchdog() {
    {
      std::lock_guard<std::mutex> lock(mutex);
      finished = true;
    }
    done.notify_one();
    thread.join();
  }

private:
  std::mutex mutex;
  std::condition_variable done;
  bool finished = false;
  std::thread thread;
};

/// What one parallelFor did: the ranges it ran and the threads that ran
/// them.
struct Visits {
  std::mutex mutex;
  std::vector<std::pair<int64_t, int64_t>> ranges;
  std::vector<std::thread::id> threads;
};

TEST(RuntimeWorkerPool, VisitsEveryIndexOnceInContiguousRanges) {
  Watchdog watchdog("VisitsEveryIndexOnceInContiguousRanges",
                    std::chrono::seconds(30));
  for (int64_t threads : {1, 2, 4}) {
    WorkerPool pool(threads);
    ASSERT_EQ(pool.threads(), threads);
    for (int64_t n : {0, 1, 5, 1000})
      for (int64_t grain : {1, 8, 5000}) {
        const std::string what = std::to_string(threads) + " threads, n " +
                                 std::to_string(n) + ", grain " +
                                 std::to_string(grain);
        std::unique_ptr<std::atomic<int>[]> counts(new std::atomic<int>[n]);
        for (int64_t i = 0; i < n; ++i)
          counts[i] = 0;
        Visits visits;
        pool.parallelFor(n, grain, [&](int64_t begin, int64_t end) {
          for (int64_t i = begin; i < end; ++i)
            counts[i].fetch_add(1);
          std::lock_guard<std::mutex> lock(visits.mutex);
          visits.ranges.push_back({begin, end});
          visits.threads.push_back(std::this_thread::get_id());
        });
        for (int64_t i = 0; i < n; ++i)
          ASSERT_EQ(counts[i].load(), 1) << what << ", index " << i;
        if (n == 0) {
          EXPECT_TRUE(visits.ranges.empty()) << what;
          continue;
        }
        // At most one range per thread, every thread busy when there is
        // work for all, ranges of at least `grain` when there are several.
        const int64_t parts = static_cast<int64_t>(visits.ranges.size());
        EXPECT_LE(parts, threads) << what;
        if (n >= threads * grain) {
          EXPECT_EQ(parts, threads) << what;
        }
        std::sort(visits.ranges.begin(), visits.ranges.end());
        EXPECT_EQ(visits.ranges.front().first, 0) << what;
        EXPECT_EQ(visits.ranges.back().second, n) << what;
        for (size_t r = 0; r < visits.ranges.size(); ++r) {
          EXPECT_LT(visits.ranges[r].first, visits.ranges[r].second) << what;
          if (parts > 1) {
            EXPECT_GE(visits.ranges[r].second - visits.ranges[r].first, grain)
                << what;
          }
          if (r + 1 < visits.ranges.size()) {
            EXPECT_EQ(visits.ranges[r].second, visits.ranges[r + 1].first)
                << what;
          }
        }
        // Each range on its own thread, the caller's among them.
        const std::set<std::thread::id> distinct(visits.threads.begin(),
                                                 visits.threads.end());
        EXPECT_EQ(static_cast<int64_t>(distinct.size()), parts) << what;
        EXPECT_EQ(distinct.count(std::this_thread::get_id()), 1u) << what;
      }
  }
}

TEST(RuntimeWorkerPool, ManyJobsInARowAllComplete) {
  // Jobs of varying sizes back to back (workers still spinning), and now
  // and then after a pause long enough for the workers to sleep: each must
  // see every index before parallelFor returns. A lost wake-up would hang
  // (the watchdog aborts). More threads than the machine's cores make each
  // job wait for preempted workers, hence fewer jobs on the larger pool.
  Watchdog watchdog("ManyJobsInARowAllComplete", std::chrono::seconds(30));
  for (auto [threads, jobs] :
       {std::pair<int64_t, int64_t>{2, 2000}, {4, 500}}) {
    WorkerPool pool(threads);
    int64_t wrong = 0, firstWrong = -1;
    for (int64_t job = 0; job < jobs; ++job) {
      if (job % 50 == 49)
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
      const int64_t n = 1 + job * 37 % 500;
      std::atomic<int64_t> sum{0}, visited{0};
      pool.parallelFor(n, 1 + job % 3, [&](int64_t begin, int64_t end) {
        int64_t s = 0;
        for (int64_t i = begin; i < end; ++i)
          s += i + job;
        sum.fetch_add(s);
        visited.fetch_add(end - begin);
      });
      // Read right after the return: late workers would leave these short.
      if (sum.load() != n * (n - 1) / 2 + n * job || visited.load() != n) {
        ++wrong;
        if (firstWrong < 0)
          firstWrong = job;
      }
    }
    EXPECT_EQ(wrong, 0) << threads << " threads, first at job " << firstWrong;
  }
}

TEST(RuntimeWorkerPool, DestructsCleanly) {
  // Never used; used and then idle long enough to sleep; used and
  // destroyed at once (workers still spinning). Each joins its workers.
  Watchdog watchdog("DestructsCleanly", std::chrono::seconds(30));
  { WorkerPool unused(4); }
  for (bool pause : {true, false}) {
    std::atomic<int64_t> sum{0};
    {
      WorkerPool pool(4);
      pool.parallelFor(100, 1, [&](int64_t begin, int64_t end) {
        for (int64_t i = begin; i < end; ++i)
          sum.fetch_add(i);
      });
      if (pause)
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    EXPECT_EQ(sum.load(), 4950) << (pause ? "after a pause" : "at once");
  }
  // A pool of one thread has no workers: the caller runs everything.
  WorkerPool alone(1);
  EXPECT_EQ(alone.threads(), 1);
  std::thread::id ran;
  alone.parallelFor(1000, 1, [&](int64_t begin, int64_t end) {
    EXPECT_EQ(begin, 0);
    EXPECT_EQ(end, 1000);
    ran = std::this_thread::get_id();
  });
  EXPECT_EQ(ran, std::this_thread::get_id());
}

// A range that throws, on the caller or on a worker, is rethrown by
// parallelFor after every range finished; the pool stays usable.
TEST(RuntimeWorkerPool, ExceptionsReachTheCaller) {
  WorkerPool pool(2);
  ASSERT_EQ(pool.threads(), 2);
  for (int64_t failing : {0, 1}) {
    std::atomic<int64_t> finished{0};
    try {
      pool.parallelFor(2, 1, [&](int64_t begin, int64_t) {
        if (begin == failing)
          throw std::runtime_error("range " + std::to_string(begin));
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        ++finished;
      });
      ADD_FAILURE() << "no exception for range " << failing;
    } catch (const std::runtime_error &e) {
      EXPECT_EQ(std::string(e.what()), "range " + std::to_string(failing));
      // The other range ran to its end before parallelFor returned.
      EXPECT_EQ(finished.load(), 1);
    }
  }
  std::atomic<int64_t> sum{0};
  pool.parallelFor(100, 1, [&](int64_t b, int64_t e) {
    for (int64_t i = b; i < e; ++i)
      sum += i;
  });
  EXPECT_EQ(sum.load(), 4950);
}

// The default thread count follows the CPUs the process may run on: pinned
// to one CPU, one thread.
TEST(RuntimeWorkerPool, AvailableThreadsFollowsTheAffinity) {
#ifdef __linux__
  cpu_set_t saved, one;
  ASSERT_EQ(sched_getaffinity(0, sizeof(saved), &saved), 0);
  const int first = [&] {
    for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu)
      if (CPU_ISSET(cpu, &saved))
        return cpu;
    return 0;
  }();
  CPU_ZERO(&one);
  CPU_SET(first, &one);
  ASSERT_EQ(sched_setaffinity(0, sizeof(one), &one), 0);
  const int64_t pinned = WorkerPool::availableThreads();
  ASSERT_EQ(sched_setaffinity(0, sizeof(saved), &saved), 0);
  EXPECT_EQ(pinned, 1);
  EXPECT_EQ(WorkerPool::availableThreads(), CPU_COUNT(&saved));
#else
  EXPECT_GE(WorkerPool::availableThreads(), 1);
#endif
}

} // namespace

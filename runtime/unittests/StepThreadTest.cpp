//===- StepThreadTest.cpp - Steps in order on their own thread ------------===//

#include "../lib/StepThread.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>
#include <vector>

using namespace cim::runtime;
using namespace cim::runtime::detail;

namespace {

// Steps pushed faster than they run, and slower, all run once, in order,
// on a thread that is not the caller's.
TEST(StepThread, RunsEveryStepInPushOrder) {
  std::vector<size_t> seen;
  std::thread::id runner;
  StepThread steps([&](const Step &step) {
    seen.push_back(step.index);
    runner = std::this_thread::get_id();
    return Status::ok();
  });
  for (size_t i = 0; i < 5000; ++i) {
    steps.push({0, i, static_cast<int64_t>(i)});
    if (i % 1000 == 0)
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  ASSERT_TRUE(steps.finish().isOk());
  ASSERT_EQ(seen.size(), 5000u);
  for (size_t i = 0; i < seen.size(); ++i)
    ASSERT_EQ(seen[i], i);
  EXPECT_NE(runner, std::this_thread::get_id());
}

// The first failure is what finish returns; nothing after it runs.
TEST(StepThread, AFailureDropsTheStepsAfterIt) {
  std::vector<size_t> seen;
  StepThread steps([&](const Step &step) {
    seen.push_back(step.index);
    return step.index == 7 ? Status::error("step 7 failed") : Status::ok();
  });
  for (size_t i = 0; i < 100; ++i)
    steps.push({0, i, 0});
  const Status status = steps.finish();
  ASSERT_FALSE(status.isOk());
  EXPECT_EQ(status.message(), "step 7 failed");
  EXPECT_TRUE(steps.failed());
  EXPECT_EQ(seen.size(), 8u);
}

TEST(StepThread, FinishRethrowsWhatAStepThrew) {
  StepThread steps([](const Step &step) -> Status {
    if (step.index == 2)
      throw std::runtime_error("thrown by step 2");
    return Status::ok();
  });
  for (size_t i = 0; i < 4; ++i)
    steps.push({0, i, 0});
  EXPECT_THROW(
      {
        try {
          (void)steps.finish();
        } catch (const std::runtime_error &e) {
          EXPECT_STREQ(e.what(), "thrown by step 2");
          throw;
        }
      },
      std::runtime_error);
}

// A run abandoned without finish (an early return) waits for the step
// under way before the thread goes: it may use what the caller frees next.
TEST(StepThread, DestroyedUnfinishedItWaitsForTheStepUnderWay) {
  std::atomic<bool> started{false}, finished{false};
  {
    StepThread steps([&](const Step &) {
      started = true;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      finished = true;
      return Status::ok();
    });
    steps.push({0, 0, 0});
    while (!started)
      std::this_thread::yield();
  }
  EXPECT_TRUE(finished);
}

} // namespace

//===- StepThread.cpp - Steps run in order on a thread of their own -------===//

#include "StepThread.h"

#include <utility>

using namespace cim::runtime;
using namespace cim::runtime::detail;

StepThread::StepThread(std::function<Status(const Step &)> runStep)
    : run(std::move(runStep)), thread([this] { loop(); }) {}

StepThread::~StepThread() {
  if (!thread.joinable())
    return;
  failure.store(true);
  {
    std::lock_guard<std::mutex> lock(mutex);
    closing = true;
  }
  wake.notify_one();
  thread.join();
}

void StepThread::push(const Step &step) {
  bool notify;
  {
    std::lock_guard<std::mutex> lock(mutex);
    pending.push_back(step);
    notify = sleeping;
  }
  // A thread still busy takes the step with the next batch: no wake-up
  // (a system call) per step.
  if (notify)
    wake.notify_one();
}

void StepThread::loop() {
  std::vector<Step> batch;
  while (true) {
    {
      std::unique_lock<std::mutex> lock(mutex);
      sleeping = true;
      wake.wait(lock, [&] { return closing || !pending.empty(); });
      sleeping = false;
      if (pending.empty())
        return; // closing, and every step taken
      batch.swap(pending);
    }
    for (const Step &step : batch) {
      if (failure.load(std::memory_order_relaxed))
        break; // the rest are dropped
      try {
        Status s = run(step);
        if (!s) {
          status = std::move(s);
          failure.store(true);
        }
      } catch (...) {
        thrown = std::current_exception();
        failure.store(true);
      }
    }
    batch.clear();
  }
}

Status StepThread::finish() {
  {
    std::lock_guard<std::mutex> lock(mutex);
    closing = true;
  }
  wake.notify_one();
  thread.join();
  if (thrown)
    std::rethrow_exception(thrown);
  return status;
}

//===- ProgressBar.h - A run's progress on stderr ---------------*- C++ -*-===//
//
// Long simulations show how far they are: a one-line bar on stderr,
// redrawn in place. In `Auto` mode it appears only on a terminal and only
// once the run has taken longer than a couple of seconds, so short runs and
// logs stay clean; `Always` draws it from the start (tests use it).
//
//===----------------------------------------------------------------------===//

#ifndef CIM_RUN_PROGRESSBAR_H
#define CIM_RUN_PROGRESSBAR_H

#include <chrono>
#include <cstdint>

namespace cim::run {

class ProgressBar {
public:
  enum class Mode { Auto, Always, Never };

  explicit ProgressBar(Mode mode);

  /// `done` of `total` instructions have run. Cheap when nothing is drawn.
  void update(int64_t done, int64_t total);
  /// Ends the line if a bar was drawn.
  void finish();

private:
  using Clock = std::chrono::steady_clock;
  void draw(int64_t done, int64_t total);

  bool enabled;
  bool delayed;
  bool drawn = false;
  Clock::time_point startTime;
  Clock::time_point lastDraw;
  int64_t lastDone = 0, lastTotal = 0, drawnDone = -1;
};

} // namespace cim::run

#endif // CIM_RUN_PROGRESSBAR_H

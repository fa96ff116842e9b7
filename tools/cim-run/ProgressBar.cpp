//===- ProgressBar.cpp - A run's progress on stderr -----------------------===//

#include "ProgressBar.h"

#include <cstdio>
#include <string>
#include <unistd.h>

using namespace cim::run;

namespace {
/// How long a run goes before Auto mode shows the bar.
constexpr std::chrono::milliseconds kDelay(2000);
/// At most this often a redraw: drawing is slower than an instruction.
constexpr std::chrono::milliseconds kRedrawInterval(100);
constexpr int kWidth = 30;
} // namespace

ProgressBar::ProgressBar(Mode mode)
    : enabled(mode == Mode::Always ||
              (mode == Mode::Auto && isatty(fileno(stderr)))),
      delayed(mode == Mode::Auto), startTime(Clock::now()),
      lastDraw(startTime - kRedrawInterval) {}

void ProgressBar::update(int64_t done, int64_t total) {
  if (!enabled)
    return;
  lastDone = done;
  lastTotal = total;
  // Reading the clock on every instruction would cost more than the
  // instruction itself on small ones.
  if (done % 64 != 0 && done != total)
    return;
  const Clock::time_point now = Clock::now();
  if (delayed && now - startTime < kDelay)
    return;
  if (now - lastDraw < kRedrawInterval && done != total)
    return;
  lastDraw = now;
  draw(done, total);
}

void ProgressBar::draw(int64_t done, int64_t total) {
  const double fraction =
      total > 0 ? static_cast<double>(done) / static_cast<double>(total) : 1;
  const int filled = static_cast<int>(fraction * kWidth);
  std::string bar(static_cast<size_t>(filled), '=');
  if (filled < kWidth)
    bar += '>';
  bar.resize(kWidth, ' ');
  const double seconds =
      std::chrono::duration<double>(Clock::now() - startTime).count();
  std::fprintf(stderr, "\rcim-run: [%s] %3d%% %lld/%lld instructions, %.1f s",
               bar.c_str(), static_cast<int>(fraction * 100),
               static_cast<long long>(done), static_cast<long long>(total),
               seconds);
  std::fflush(stderr);
  drawn = true;
  drawnDone = done;
}

void ProgressBar::finish() {
  if (!drawn)
    return;
  if (drawnDone != lastDone)
    draw(lastDone, lastTotal);
  std::fputc('\n', stderr);
}

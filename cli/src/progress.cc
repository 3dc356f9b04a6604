#include "progress.h"

#include <csignal>
#include <cstdio>
#include <sstream>

#include <unistd.h>

namespace chartscan::cli {
namespace {

std::atomic<bool> g_cancel{false};

extern "C" void OnInterrupt(int) {
  g_cancel.store(true);
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
}

}  // namespace

void InstallInterruptHandler() {
  std::signal(SIGINT, OnInterrupt);
  std::signal(SIGTERM, OnInterrupt);
}

void RestoreInterruptHandler() {
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
}

std::atomic<bool>& InterruptFlag() { return g_cancel; }

std::string Duration(double seconds) {
  char buf[32];
  const int s = static_cast<int>(seconds + 0.5);
  if (s >= 3600) {
    std::snprintf(buf, sizeof buf, "%dh%02dm", s / 3600, (s / 60) % 60);
  } else if (s >= 60) {
    std::snprintf(buf, sizeof buf, "%dm%02ds", s / 60, s % 60);
  } else {
    std::snprintf(buf, sizeof buf, "%.1fs", seconds);
  }
  return buf;
}

ProgressPrinter::ProgressPrinter(bool enabled)
    : enabled_(enabled), tty_(::isatty(STDERR_FILENO) == 1) {}

void ProgressPrinter::operator()(const pipeline::Progress& p) {
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  const double since = std::chrono::duration<double>(now - last_).count();
  if (since < (tty_ ? 0.25 : 10.0) && p.pages_done < p.pages_known) return;
  last_ = now;
  const double rate = p.seconds > 0 ? p.pages_done * 60.0 / p.seconds : 0;
  std::ostringstream line;
  line << "  " << p.pages_done << "/" << p.pages_known << " pages";
  if (p.files_known > 0) line << " (" << p.files_done << "/" << p.files_known << " files)";
  char r[32];
  std::snprintf(r, sizeof r, "  %.1f pages/min", rate);
  line << r;
  if (rate > 0 && p.pages_known > p.pages_done) {
    line << "  ~" << Duration((p.pages_known - p.pages_done) * 60.0 / rate) << " left";
  }
  if (p.failures > 0) line << "  " << p.failures << " failed";
  if (tty_) {
    std::fprintf(stderr, "\r%-78s", line.str().c_str());
    dirty_ = true;
  } else {
    std::fprintf(stderr, "%s\n", line.str().c_str());
  }
  std::fflush(stderr);
}

void ProgressPrinter::Clear() {
  if (dirty_) std::fprintf(stderr, "\r%-78s\r", "");
  dirty_ = false;
}

}  // namespace chartscan::cli

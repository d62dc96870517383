#include "driver/ui/console_progress_bar.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace centella {
namespace {

int TerminalColumns(int fd) {
  struct winsize ws {};
  if (::ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return ws.ws_col;
  int columns = 0;
  const char* env = std::getenv("COLUMNS");
  if (env != nullptr && absl::SimpleAtoi(env, &columns) && columns > 0) return columns;
  return 80;
}

void WriteAll(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // a progress bar is not worth failing for
    bytes.remove_prefix(static_cast<size_t>(n));
  }
}

}  // namespace

std::unique_ptr<ConsoleProgressBar> ConsoleProgressBar::ForTerminal(int fd) {
  if (::isatty(fd) != 1) return nullptr;
  ConsoleProgressBarOptions options;
  options.width = TerminalColumns(fd);
  auto bar = std::make_unique<ConsoleProgressBar>(
      RealClock(), [fd](std::string_view bytes) { WriteAll(fd, bytes); }, options);
  bar->StartRefresher();
  return bar;
}

ConsoleProgressBar::ConsoleProgressBar(Clock& clock, Sink sink, ConsoleProgressBarOptions options)
    : clock_(clock), sink_(std::move(sink)), options_(options) {}

ConsoleProgressBar::~ConsoleProgressBar() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  if (refresher_.joinable()) refresher_.join();
  absl::MutexLock lock(&mu_);
  Show("");
}

void ConsoleProgressBar::StartRefresher() {
  refresher_ = std::thread([this] {
    while (true) {
      {
        absl::MutexLock lock(&mu_);
        if (mu_.AwaitWithTimeout(absl::Condition(&stopping_), options_.update_interval)) return;
      }
      Refresh();
    }
  });
}

void ConsoleProgressBar::Refresh() {
  absl::MutexLock lock(&mu_);
  const absl::Time now = clock_.Now();
  if (now - last_draw_ < options_.update_interval) return;
  Show(Render(now));
}

std::string ConsoleProgressBar::Render(absl::Time now) const {
  std::vector<std::pair<int, const StageProgress*>> visible;
  for (const auto& [id, stage] : stages_) {
    if (static_cast<int>(visible.size()) == options_.max_stages) break;
    if (now - stage.submitted >= options_.first_delay) visible.emplace_back(id, &stage);
  }
  if (visible.empty()) return "";
  const int per_stage = options_.width / static_cast<int>(visible.size());
  std::string line;
  for (const auto& [id, stage] : visible) {
    const std::string header = absl::StrCat("[Stage ", id, ":");
    const std::string tailer =
        absl::StrCat("(", stage->completed, " + ", stage->running, ") / ", stage->total, "]");
    const int bar_width = per_stage - static_cast<int>(header.size() + tailer.size());
    line += header;
    if (bar_width > 0) {
      // "=" for the completed share, then ">" as its head (unless all is complete).
      int64_t done = stage->total > 0 ? int64_t{bar_width} * stage->completed / stage->total : 0;
      const int filled = static_cast<int>(std::clamp<int64_t>(done, 0, bar_width));
      line.append(filled, '=');
      if (filled < bar_width) {
        line.push_back('>');
        line.append(bar_width - filled - 1, ' ');
      }
    }
    line += tailer;
  }
  return line;
}

void ConsoleProgressBar::Show(const std::string& line) {
  if (line == on_screen_) return;
  std::string out = "\r" + line;
  if (line.size() < on_screen_.size()) out.append(on_screen_.size() - line.size(), ' ');
  out += "\r";
  sink_(out);
  on_screen_ = line;
  last_draw_ = clock_.Now();
}

void ConsoleProgressBar::RedrawAfterRemoval() {
  if (on_screen_.empty()) return;  // nothing to take away; Refresh() draws what is new
  Show(Render(clock_.Now()));
}

void ConsoleProgressBar::OnJobStart(int job_id, const std::string& description) {
  absl::MutexLock lock(&mu_);
  ++active_jobs_;
}

void ConsoleProgressBar::OnJobEnd(int job_id, bool succeeded) {
  absl::MutexLock lock(&mu_);
  active_jobs_ = std::max(0, active_jobs_ - 1);
  // A failed job's stages end without OnStageCompleted; map stages belong to no job, so
  // they are dropped once no job is left to need them.
  std::erase_if(stages_, [&](const auto& entry) {
    return entry.second.job_id == job_id || active_jobs_ == 0;
  });
  RedrawAfterRemoval();
}

void ConsoleProgressBar::OnStageSubmitted(const StageInfo& stage) {
  absl::MutexLock lock(&mu_);
  StageProgress& p = stages_[stage.stage_id];
  p = StageProgress{};
  p.attempt = stage.attempt;
  p.job_id = stage.job_id;
  p.total = stage.num_tasks;
  p.submitted = clock_.Now();
}

void ConsoleProgressBar::OnStageCompleted(const StageInfo& stage) {
  absl::MutexLock lock(&mu_);
  if (stages_.erase(stage.stage_id) > 0) RedrawAfterRemoval();
}

void ConsoleProgressBar::OnTaskStart(const v1::TaskDescriptor& task,
                                     const std::string& executor_id) {
  absl::MutexLock lock(&mu_);
  auto it = stages_.find(task.stage_id());
  if (it == stages_.end() || it->second.attempt != task.stage_attempt()) return;
  ++it->second.running;
}

void ConsoleProgressBar::OnTaskEnd(const v1::TaskResult& result) {
  absl::MutexLock lock(&mu_);
  auto it = stages_.find(result.stage_id());
  if (it == stages_.end() || it->second.attempt != result.stage_attempt()) return;
  StageProgress& p = it->second;
  p.running = std::max(0, p.running - 1);
  if (result.state() == v1::TASK_STATE_FINISHED) p.completed = std::min(p.total, p.completed + 1);
}

}  // namespace centella

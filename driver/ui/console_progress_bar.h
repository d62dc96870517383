// ConsoleProgressBar: the driver's one-line view of running stages on a terminal, as
// Spark's console progress bar draws it:
//
//   [Stage 3:=======>                  (12 + 2) / 40][Stage 4:>          (0 + 1) / 10]
//
// "(completed + running) / total" tasks of the stage's current attempt; the bar shows the
// completed share. Up to `max_stages` stages (lowest ids first) share the width. A stage
// appears only once it has run for `first_delay`, so short stages never flash by.
//
// Lifecycle of what is on screen:
//
//   nothing ──Refresh(), a stage older than first_delay──▶ bar
//   bar ──Refresh(), text changed, ≥ update_interval since last draw──▶ bar (redrawn)
//   bar ──a stage ends (completed, or its job ended)──▶ bar without it, or cleared
//   bar ──destruction──▶ cleared
//
// Every draw is "\r" + line + "\r" (the cursor stays in column 0, so a log line printed
// meanwhile overwrites the bar instead of being glued to it); a clear overwrites the
// line with spaces. A line shorter than the one it replaces is padded with spaces.
//
// Time comes from the injected Clock, output goes to the injected sink: tests drive both.
// StartRefresher() adds a thread that calls Refresh() every update_interval (paced in
// real time; what is drawn still depends on the clock alone).
//
// Thread safety: listener callbacks (the scheduler's loop thread), Refresh() and the
// refresher may run concurrently; the sink is called under a lock, never concurrently.
#ifndef CENTELLA_DRIVER_UI_CONSOLE_PROGRESS_BAR_H_
#define CENTELLA_DRIVER_UI_CONSOLE_PROGRESS_BAR_H_

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/clock/clock.h"
#include "driver/dag/scheduler_listener.h"

namespace centella {

struct ConsoleProgressBarOptions {
  // Columns of the terminal; stages shown side by side share them.
  int width = 80;
  // Least time between two draws by Refresh().
  absl::Duration update_interval = absl::Milliseconds(200);
  // How long a stage runs before it is shown.
  absl::Duration first_delay = absl::Milliseconds(500);
  // Most stages shown at once.
  int max_stages = 3;
};

class ConsoleProgressBar final : public SchedulerListener {
 public:
  // Receives every byte to write to the terminal.
  using Sink = std::function<void(std::string_view)>;

  // `clock` must outlive the bar.
  ConsoleProgressBar(Clock& clock, Sink sink, ConsoleProgressBarOptions options = {});
  // Stops the refresher and clears the bar.
  ~ConsoleProgressBar() override;

  // The bar a driver draws on the terminal at `fd` (its stderr): the real clock, the
  // terminal's width (else $COLUMNS, else 80), writes to `fd`, refresher started. Null
  // when `fd` is not a terminal (output to a file or a pipe gets no bar).
  static std::unique_ptr<ConsoleProgressBar> ForTerminal(int fd);

  ConsoleProgressBar(const ConsoleProgressBar&) = delete;
  ConsoleProgressBar& operator=(const ConsoleProgressBar&) = delete;

  // Starts the thread that calls Refresh() periodically. At most once.
  void StartRefresher() ABSL_LOCKS_EXCLUDED(mu_);

  // Draws the bar if it changed and the last draw is at least update_interval old.
  void Refresh() ABSL_LOCKS_EXCLUDED(mu_);

  void OnJobStart(int job_id, const std::string& description) override ABSL_LOCKS_EXCLUDED(mu_);
  void OnJobEnd(int job_id, bool succeeded) override ABSL_LOCKS_EXCLUDED(mu_);
  void OnStageSubmitted(const StageInfo& stage) override ABSL_LOCKS_EXCLUDED(mu_);
  void OnStageCompleted(const StageInfo& stage) override ABSL_LOCKS_EXCLUDED(mu_);
  void OnTaskStart(const v1::TaskDescriptor& task, const std::string& executor_id) override
      ABSL_LOCKS_EXCLUDED(mu_);
  void OnTaskEnd(const v1::TaskResult& result) override ABSL_LOCKS_EXCLUDED(mu_);

 private:
  struct StageProgress {
    int attempt = 0;
    int job_id = -1;
    int total = 0;
    int completed = 0;
    int running = 0;
    absl::Time submitted;
  };

  // The line for the stages visible at `now` ("" when none is).
  std::string Render(absl::Time now) const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Puts `line` on screen ("" clears it) unless it is already there.
  void Show(const std::string& line) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // After a stage went away: shows the rest at once, whatever update_interval says.
  void RedrawAfterRemoval() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  Clock& clock_;
  const Sink sink_;
  const ConsoleProgressBarOptions options_;

  absl::Mutex mu_;
  std::map<int, StageProgress> stages_ ABSL_GUARDED_BY(mu_);  // active, by stage id
  int active_jobs_ ABSL_GUARDED_BY(mu_) = 0;
  std::string on_screen_ ABSL_GUARDED_BY(mu_);  // the line drawn last; "" when clear
  absl::Time last_draw_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread refresher_;
};

}  // namespace centella

#endif  // CENTELLA_DRIVER_UI_CONSOLE_PROGRESS_BAR_H_

#include "executor/daemon/child_supervisor.h"

#include <utility>

#include "common/logging/logger.h"

namespace centella {
namespace {

std::shared_ptr<spdlog::logger> Log() {
  static auto log = GetLogger("executor-daemon");
  return log;
}

}  // namespace

ChildSupervisor::ChildSupervisor(SupervisorDeps deps, std::string child_kind,
                                 const std::string& thread_prefix, int launch_threads)
    : deps_(std::move(deps)),
      child_kind_(std::move(child_kind)),
      reports_(1, thread_prefix + "-reports"),
      launches_(launch_threads, thread_prefix + "-launches"),
      loop_(thread_prefix + "-supervisor", *deps_.clock) {}

void ChildSupervisor::Stop(absl::FunctionRef<void()> last_on_loop) {
  {
    absl::MutexLock lock(&liveness_->mu);
    liveness_->alive = false;
  }
  launches_.Shutdown();
  absl::Status stopped = loop_.RunAndWait<absl::Status>([&] {
    last_on_loop();
    return absl::OkStatus();
  });
  (void)stopped;  // the loop is ours and still running: it cannot refuse
  reports_.Shutdown();
  loop_.Stop();
}

void ChildSupervisor::RunOnLoop(absl::FunctionRef<void()> fn) {
  absl::Status s = loop_.RunAndWait<absl::Status>([&] {
    fn();
    return absl::OkStatus();
  });
  (void)s;  // Unavailable only when the loop is stopping
}

void ChildSupervisor::WatchExit(pid_t pid, std::function<void(const ProcessExit&)> on_exit) {
  absl::Status s = deps_.reaper->Watch(
      pid, [this, liveness = liveness_, on_exit = std::move(on_exit)](const ProcessExit& exit) {
        absl::MutexLock lock(&liveness->mu);
        if (liveness->alive) loop_.Post([on_exit, exit] { on_exit(exit); });
      });
  if (!s.ok()) Log()->error("cannot watch {} pid {}: {}", child_kind_, pid, s.ToString());
}

absl::Duration ChildSupervisor::KillGrace(int64_t grace_period_ms) const {
  return grace_period_ms > 0 ? absl::Milliseconds(grace_period_ms) : deps_.default_kill_grace;
}

}  // namespace centella

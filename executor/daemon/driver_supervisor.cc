#include "executor/daemon/driver_supervisor.h"

#include <signal.h>

#include <algorithm>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "common/logging/logger.h"
#include "common/status/status_macros.h"
#include "executor/daemon/process_launcher.h"

namespace centella {
namespace {

constexpr absl::Duration kMaxRestartBackoff = absl::Minutes(1);
// A run longer than this counts as healthy: the next failure restarts after 1 s again.
constexpr absl::Duration kHealthyRun = absl::Minutes(1);

std::shared_ptr<spdlog::logger> Log() {
  static auto log = GetLogger("executor-daemon");
  return log;
}

}  // namespace

DriverSupervisor::DriverSupervisor(SupervisorDeps deps)
    : ChildSupervisor(std::move(deps), "driver", "driver", /*launch_threads=*/1) {}

DriverSupervisor::~DriverSupervisor() {
  Stop([this] {
    for (auto& [id, record] : records_) {
      if (!IsTerminal(record.state) && record.pid > 0) SignalProcessGroup(record.pid, SIGKILL);
    }
  });
}

bool DriverSupervisor::IsTerminal(v1::DriverState state) {
  return state == v1::DRIVER_STATE_FINISHED || state == v1::DRIVER_STATE_FAILED ||
         state == v1::DRIVER_STATE_KILLED || state == v1::DRIVER_STATE_ERROR;
}

absl::StatusOr<v1::LaunchDriverResponse> DriverSupervisor::Launch(
    const v1::LaunchDriverRequest& request) {
  RETURN_IF_ERROR(WorkDirLayout::CheckId(request.driver_id(), "driver_id"));
  return loop().RunAndWait<absl::StatusOr<v1::LaunchDriverResponse>>([&] {
    v1::LaunchDriverResponse response;
    auto [it, inserted] = records_.try_emplace(request.driver_id());
    response.set_started(inserted);
    if (inserted) {
      it->second.request = request;
      StartAttempt(request.driver_id());
    }
    return response;
  });
}

void DriverSupervisor::StartAttempt(const std::string& driver_id) {
  Record& record = records_.at(driver_id);
  ++record.launches;
  OnLaunchPool([this, driver_id, request = record.request] {
    absl::StatusOr<pid_t> pid = Spawn(request);
    pid_t watched = pid.ok() ? *pid : 0;
    loop().Post([this, driver_id, pid = std::move(pid)]() mutable {
      OnSpawned(driver_id, std::move(pid));
    });
    if (watched == 0) return;
    WatchExit(watched, [this, driver_id](const ProcessExit& exit) { OnExit(driver_id, exit); });
  });
}

absl::StatusOr<pid_t> DriverSupervisor::Spawn(const v1::LaunchDriverRequest& request) {
  ASSIGN_OR_RETURN(std::string binary, binaries().Get(request.description().binary_hash()));
  const std::string dir = layout().DriverDir(request.driver_id());
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return absl::InternalError(absl::StrCat("cannot create ", dir, ": ", ec.message()));
  ProcessSpec spec;
  spec.executable = binary;
  spec.argv.push_back(binary);
  for (const std::string& arg : request.description().args()) spec.argv.push_back(arg);
  ASSIGN_OR_RETURN(spec.env, DriverEnvironment(request, identity()));
  spec.working_dir = dir;
  spec.stdout_path = dir + "/stdout";
  spec.stderr_path = dir + "/stderr";
  spec.memory_limit_bytes = AddressSpaceLimitFor(request.description().resources().memory_bytes());
  return SpawnProcess(spec);
}

void DriverSupervisor::OnSpawned(const std::string& driver_id, absl::StatusOr<pid_t> pid) {
  auto it = records_.find(driver_id);
  if (it == records_.end()) return;
  Record& record = it->second;
  if (!pid.ok()) {
    SetState(driver_id, record, v1::DRIVER_STATE_ERROR, nullptr,
             absl::StrCat("cannot start the driver: ", pid.status().message()));
    return;
  }
  record.pid = *pid;
  record.started = clock().Now();
  Log()->info("started driver {} as pid {} (launch {})", driver_id, *pid, record.launches);
  SetState(driver_id, record, v1::DRIVER_STATE_RUNNING, nullptr,
           absl::StrCat("pid ", *pid, ", launch ", record.launches));
  if (record.kill_requested) SignalProcessGroup(record.pid, SIGKILL);
}

void DriverSupervisor::OnExit(const std::string& driver_id, const ProcessExit& exit) {
  auto it = records_.find(driver_id);
  if (it == records_.end() || it->second.pid != exit.pid) return;
  Record& record = it->second;
  record.pid = 0;
  std::string message = exit.Describe();
  Log()->info("driver {} (pid {}) ended: {}", driver_id, exit.pid, message);
  if (record.kill_requested) {
    SetState(driver_id, record, v1::DRIVER_STATE_KILLED, &exit, message);
  } else if (exit.exit_code == 0) {
    SetState(driver_id, record, v1::DRIVER_STATE_FINISHED, &exit, message);
  } else if (record.request.description().supervise()) {
    if (clock().Now() - record.started > kHealthyRun) {
      record.restart_backoff = absl::Seconds(1);
    }
    absl::Duration delay = record.restart_backoff;
    record.restart_backoff = std::min(record.restart_backoff * 2, kMaxRestartBackoff);
    SetState(driver_id, record, v1::DRIVER_STATE_RELAUNCHING, &exit,
             absl::StrCat(message, "; restarting in ", absl::FormatDuration(delay)));
    loop().PostAfter(delay, [this, driver_id] {
      auto it = records_.find(driver_id);
      if (it == records_.end() || it->second.kill_requested ||
          it->second.state != v1::DRIVER_STATE_RELAUNCHING) {
        return;
      }
      StartAttempt(driver_id);
    });
  } else {
    SetState(driver_id, record, v1::DRIVER_STATE_FAILED, &exit, message);
  }
}

void DriverSupervisor::SetState(const std::string& driver_id, Record& record, v1::DriverState state,
                                const ProcessExit* exit, std::string message) {
  record.state = state;
  v1::DriverStateChangedRequest change;
  change.set_daemon_id(identity().daemon_id);
  change.set_driver_id(driver_id);
  change.set_state(state);
  if (exit != nullptr && exit->exit_code.has_value()) change.set_exit_code(*exit->exit_code);
  if (exit != nullptr && exit->signal.has_value()) change.set_signal(*exit->signal);
  change.set_message(std::move(message));
  change.set_time_unix_ms(absl::ToUnixMillis(clock().Now()));
  const bool terminal = IsTerminal(state);
  if (terminal) {
    record.final_report = change;
    record.report_in_flight = true;
  }
  OnReportThread([this, change = std::move(change), terminal] {
    absl::Status s = manager().DriverStateChanged(change);
    if (!s.ok()) {
      Log()->warn("cannot report driver {} {} to the manager: {}", change.driver_id(),
                  v1::DriverState_Name(change.state()), s.ToString());
    }
    if (!terminal) return;
    loop().Post([this, id = change.driver_id(), ok = s.ok()] {
      auto it = records_.find(id);
      if (it == records_.end()) return;
      it->second.report_in_flight = false;
      if (ok) it->second.reported = true;
    });
  });
}

absl::StatusOr<v1::KillDriverProcessResponse> DriverSupervisor::Kill(
    const v1::KillDriverProcessRequest& request) {
  return loop().RunAndWait<absl::StatusOr<v1::KillDriverProcessResponse>>([&] {
    v1::KillDriverProcessResponse response;
    auto it = records_.find(request.driver_id());
    if (it == records_.end() || IsTerminal(it->second.state)) {
      response.set_was_running(false);
      return response;
    }
    Record& record = it->second;
    record.kill_requested = true;
    response.set_was_running(true);
    if (record.pid == 0) {
      // Waiting for a restart (or still spawning): nothing to signal.
      if (record.state == v1::DRIVER_STATE_RELAUNCHING) {
        SetState(request.driver_id(), record, v1::DRIVER_STATE_KILLED, nullptr,
                 "killed while waiting to restart");
      }
      return response;
    }
    const pid_t pid = record.pid;
    SignalProcessGroup(pid, SIGTERM);
    const absl::Duration grace = KillGrace(request.grace_period_ms());
    loop().PostAfter(grace, [this, id = request.driver_id(), pid] {
      auto it = records_.find(id);
      if (it != records_.end() && it->second.pid == pid) SignalProcessGroup(pid, SIGKILL);
    });
    return response;
  });
}

std::vector<v1::DaemonDriver> DriverSupervisor::Snapshot() {
  std::vector<v1::DaemonDriver> out;
  RunOnLoop([&] {
    for (const auto& [id, record] : records_) {
      if (IsTerminal(record.state) && record.reported) continue;
      v1::DaemonDriver& d = out.emplace_back();
      d.set_driver_id(id);
      *d.mutable_resources() = record.request.description().resources();
      d.set_state(record.state);
      d.set_pid(record.pid);
    }
  });
  return out;
}

std::vector<std::string> DriverSupervisor::Running() {
  std::vector<std::string> out;
  RunOnLoop([&] {
    for (const auto& [id, record] : records_) {
      if (!IsTerminal(record.state)) out.push_back(id);
    }
  });
  return out;
}

void DriverSupervisor::MarkReported(const std::vector<v1::DaemonDriver>& reported) {
  RunOnLoop([&] {
    for (const v1::DaemonDriver& d : reported) {
      auto it = records_.find(d.driver_id());
      if (it != records_.end() && IsTerminal(d.state()) && it->second.state == d.state()) {
        it->second.reported = true;
      }
    }
  });
}

void DriverSupervisor::RetryPendingReports() {
  loop().Post([this] {
    for (auto& [id, record] : records_) {
      if (!IsTerminal(record.state) || record.reported || record.report_in_flight) continue;
      v1::DriverStateChangedRequest change = record.final_report;
      ProcessExit exit;
      if (change.has_exit_code()) exit.exit_code = change.exit_code();
      if (change.has_signal()) exit.signal = change.signal();
      SetState(id, record, change.state(), &exit, change.message());
    }
  });
}

}  // namespace centella

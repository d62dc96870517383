#include "executor/daemon/executor_supervisor.h"

#include <signal.h>

#include <filesystem>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "common/logging/logger.h"
#include "common/status/status_macros.h"
#include "executor/daemon/process_launcher.h"

namespace centella {
namespace {

constexpr int kStderrTailBytes = 2048;

std::shared_ptr<spdlog::logger> Log() {
  static auto log = GetLogger("executor-daemon");
  return log;
}

int64_t UnixMillis(Clock& clock) { return absl::ToUnixMillis(clock.Now()); }

absl::Status MakeDirs(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return absl::InternalError(absl::StrCat("cannot create ", dir, ": ", ec.message()));
  return absl::OkStatus();
}

// The end of an executor's stderr: usually says why it died.
std::string StderrTail(const std::string& path) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) return "";
  std::streamoff size = in.tellg();
  std::streamoff start = std::max<std::streamoff>(0, size - kStderrTailBytes);
  in.seekg(start);
  std::string tail(static_cast<size_t>(size - start), '\0');
  in.read(tail.data(), static_cast<std::streamsize>(tail.size()));
  return tail;
}

// Bytes of the regular files under `dir`.
int64_t DirectoryBytes(const std::string& dir) {
  int64_t total = 0;
  std::error_code ec;
  for (auto it = std::filesystem::recursive_directory_iterator(dir, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    std::error_code size_ec;
    if (it->is_regular_file(size_ec)) {
      uintmax_t size = it->file_size(size_ec);
      if (!size_ec) total += static_cast<int64_t>(size);
    }
  }
  return total;
}

}  // namespace

ExecutorSupervisor::ExecutorSupervisor(SupervisorDeps deps)
    : ChildSupervisor(std::move(deps), "executor", "exec", /*launch_threads=*/2) {}

ExecutorSupervisor::~ExecutorSupervisor() {
  Stop([this] {
    for (auto& [key, record] : records_) {
      if (!IsTerminal(record.state) && record.pid > 0) {
        Log()->info("stopping executor {}/{} (pid {}): the daemon is shutting down", key.first,
                    key.second, record.pid);
        SignalProcessGroup(record.pid, SIGKILL);
      }
    }
  });
}

bool ExecutorSupervisor::IsTerminal(v1::ExecutorState state) {
  return state != v1::EXECUTOR_STATE_LAUNCHING && state != v1::EXECUTOR_STATE_RUNNING;
}

absl::StatusOr<v1::LaunchExecutorResponse> ExecutorSupervisor::Launch(
    const v1::LaunchExecutorRequest& request) {
  RETURN_IF_ERROR(WorkDirLayout::CheckId(request.app_id(), "app_id"));
  RETURN_IF_ERROR(WorkDirLayout::CheckId(request.executor_id(), "executor_id"));
  if (request.resources().cores() < 0 || request.resources().memory_bytes() < 0) {
    return absl::InvalidArgumentError("negative cores or memory in LaunchExecutor");
  }
  return loop().RunAndWait<absl::StatusOr<v1::LaunchExecutorResponse>>([&] {
    v1::LaunchExecutorResponse response;
    Key key(request.app_id(), request.executor_id());
    auto [it, inserted] = records_.try_emplace(key);
    if (!inserted) {
      Log()->info("executor {}/{} already launched; not starting it again", key.first, key.second);
      response.set_started(false);
      return response;
    }
    it->second.request = request;
    OnLaunchPool([this, key, request] { Start(key, request); });
    response.set_started(true);
    return response;
  });
}

void ExecutorSupervisor::Start(Key key, v1::LaunchExecutorRequest request) {
  absl::StatusOr<pid_t> pid = Spawn(request);
  // Post before Watch: the exit of a child that dies at once is then handled after its
  // spawn, in loop order.
  pid_t watched = pid.ok() ? *pid : 0;
  loop().Post([this, key, pid = std::move(pid)]() mutable { OnSpawned(key, std::move(pid)); });
  if (watched == 0) return;
  WatchExit(watched, [this, key](const ProcessExit& exit) { OnExit(key, exit); });
}

absl::StatusOr<pid_t> ExecutorSupervisor::Spawn(const v1::LaunchExecutorRequest& request) {
  ASSIGN_OR_RETURN(std::string binary, binaries().Get(request.binary_hash()));
  const std::string dir = layout().ExecutorDir(request.app_id(), request.executor_id());
  const std::string shuffle_dir = layout().ShuffleDir(request.app_id());
  RETURN_IF_ERROR(MakeDirs(dir + "/local"));
  RETURN_IF_ERROR(MakeDirs(shuffle_dir));
  ProcessSpec spec;
  spec.executable = binary;
  spec.argv = {binary};
  ASSIGN_OR_RETURN(spec.env, ExecutorEnvironment(request, identity(), shuffle_dir));
  spec.working_dir = dir;
  spec.stdout_path = dir + "/stdout";
  spec.stderr_path = dir + "/stderr";
  spec.memory_limit_bytes = AddressSpaceLimitFor(request.resources().memory_bytes());
  return SpawnProcess(spec);
}

void ExecutorSupervisor::OnSpawned(const Key& key, absl::StatusOr<pid_t> pid) {
  auto it = records_.find(key);
  if (it == records_.end()) {
    // Its application was cleaned up while it was starting.
    if (pid.ok()) SignalProcessGroup(*pid, SIGKILL);
    return;
  }
  Record& record = it->second;
  if (!pid.ok()) {
    Log()->error("cannot launch executor {}/{}: {}", key.first, key.second,
                 pid.status().ToString());
    Finish(record, v1::EXECUTOR_STATE_FAILED, std::nullopt, std::nullopt,
           absl::StrCat("launch failed: ", pid.status().message()));
    SendFinalReport(key, record);
    return;
  }
  record.pid = *pid;
  Log()->info("started executor {}/{} as pid {} ({} cores, {} bytes)", key.first, key.second, *pid,
              record.request.resources().cores(), record.request.resources().memory_bytes());
  if (record.kill_requested) SendKill(key, record, default_kill_grace());
}

void ExecutorSupervisor::OnExit(const Key& key, const ProcessExit& exit) {
  auto it = records_.find(key);
  if (it == records_.end() || it->second.pid != exit.pid) return;
  Record& record = it->second;
  v1::ExecutorState state = record.kill_requested ? v1::EXECUTOR_STATE_KILLED
                            : exit.exit_code == 0 ? v1::EXECUTOR_STATE_EXITED
                                                  : v1::EXECUTOR_STATE_FAILED;
  std::string message = exit.Describe();
  if (record.kill_requested && !record.kill_reason.empty()) {
    absl::StrAppend(&message, "; killed: ", record.kill_reason);
  }
  Log()->info("executor {}/{} (pid {}) ended: {} -> {}", key.first, key.second, exit.pid, message,
              v1::ExecutorState_Name(state));
  Finish(record, state, exit.exit_code, exit.signal, std::move(message));
  SendFinalReport(key, record);
}

void ExecutorSupervisor::Finish(Record& record, v1::ExecutorState state,
                                std::optional<int> exit_code, std::optional<int> signal,
                                std::string message) {
  record.state = state;
  v1::ExecutorStateChangedRequest& report = record.final_report;
  report.set_daemon_id(identity().daemon_id);
  report.set_app_id(record.request.app_id());
  report.set_executor_id(record.request.executor_id());
  report.set_state(state);
  if (exit_code.has_value()) report.set_exit_code(*exit_code);
  if (signal.has_value()) report.set_signal(*signal);
  report.set_message(std::move(message));
  report.set_time_unix_ms(UnixMillis(clock()));
}

void ExecutorSupervisor::SendFinalReport(const Key& key, Record& record) {
  if (record.reported || record.report_in_flight) return;
  record.report_in_flight = true;
  Report(record.final_report, key);
}

void ExecutorSupervisor::Report(v1::ExecutorStateChangedRequest change,
                                std::optional<Key> terminal_key) {
  const std::string stderr_path =
      layout().ExecutorDir(change.app_id(), change.executor_id()) + "/stderr";
  OnReportThread([this, change = std::move(change), terminal_key, stderr_path]() mutable {
    if (change.state() == v1::EXECUTOR_STATE_FAILED) {
      std::string tail = StderrTail(stderr_path);
      if (!tail.empty()) absl::StrAppend(change.mutable_message(), "; stderr tail:\n", tail);
    }
    absl::Status s = manager().ExecutorStateChanged(change);
    if (!s.ok()) {
      Log()->warn("cannot report executor {}/{} {} to the manager ({}); will retry",
                  change.app_id(), change.executor_id(), v1::ExecutorState_Name(change.state()),
                  s.ToString());
    }
    if (!terminal_key.has_value()) return;
    loop().Post([this, key = *terminal_key, ok = s.ok()] {
      auto it = records_.find(key);
      if (it == records_.end()) return;
      it->second.report_in_flight = false;
      if (ok) it->second.reported = true;
    });
  });
}

void ExecutorSupervisor::SendKill(const Key& key, Record& record, absl::Duration grace) {
  if (record.pid <= 0) return;  // OnSpawned sends it once the pid is known
  const pid_t pid = record.pid;
  SignalProcessGroup(pid, SIGTERM);
  loop().PostAfter(grace, [this, key, pid] {
    auto it = records_.find(key);
    if (it == records_.end() || it->second.pid != pid || IsTerminal(it->second.state)) return;
    Log()->warn("executor {}/{} (pid {}) ignored SIGTERM; sending SIGKILL", key.first, key.second,
                pid);
    SignalProcessGroup(pid, SIGKILL);
  });
}

absl::StatusOr<v1::KillExecutorResponse> ExecutorSupervisor::Kill(
    const v1::KillExecutorRequest& request) {
  return loop().RunAndWait<absl::StatusOr<v1::KillExecutorResponse>>([&] {
    v1::KillExecutorResponse response;
    auto it = records_.find(Key(request.app_id(), request.executor_id()));
    if (it == records_.end() || IsTerminal(it->second.state)) {
      response.set_was_running(false);
      return response;
    }
    Record& record = it->second;
    Log()->info("killing executor {}/{} (pid {}): {}", request.app_id(), request.executor_id(),
                record.pid, request.reason());
    const bool first = !record.kill_requested;
    record.kill_requested = true;
    record.kill_reason = request.reason();
    const absl::Duration grace = KillGrace(request.grace_period_ms());
    if (first) SendKill(it->first, record, grace);
    response.set_was_running(true);
    return response;
  });
}

absl::StatusOr<v1::CleanupApplicationResponse> ExecutorSupervisor::Cleanup(
    const std::string& app_id) {
  RETURN_IF_ERROR(WorkDirLayout::CheckId(app_id, "app_id"));
  RETURN_IF_ERROR(loop().RunAndWait<absl::Status>([&] {
    for (auto it = records_.lower_bound(Key(app_id, ""));
         it != records_.end() && it->first.first == app_id;) {
      Record& record = it->second;
      if (!IsTerminal(record.state)) {
        // The application is over: no grace period for its executors.
        record.kill_requested = true;
        record.kill_reason = "application cleaned up";
        if (record.pid > 0) SignalProcessGroup(record.pid, SIGKILL);
        ++it;
      } else {
        it = records_.erase(it);
      }
    }
    return absl::OkStatus();
  }));
  // Deleting happens here, off the loop: an application's shuffle files can be large.
  const std::string dir = layout().AppDir(app_id);
  v1::CleanupApplicationResponse response;
  response.set_bytes_freed(DirectoryBytes(dir));
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  if (ec) return absl::InternalError(absl::StrCat("cannot delete ", dir, ": ", ec.message()));
  Log()->info("cleaned up application {}: {} bytes freed", app_id, response.bytes_freed());
  return response;
}

absl::StatusOr<v1::RegisterExecutorProcessResponse> ExecutorSupervisor::RegisterProcess(
    const v1::RegisterExecutorProcessRequest& request) {
  return loop().RunAndWait<absl::StatusOr<v1::RegisterExecutorProcessResponse>>(
      [&]() -> absl::StatusOr<v1::RegisterExecutorProcessResponse> {
        Key key(request.app_id(), request.executor_id());
        auto it = records_.find(key);
        if (it == records_.end()) {
          return absl::NotFoundError(absl::StrCat("executor ", key.first, "/", key.second,
                                                  " was not launched by this daemon"));
        }
        Record& record = it->second;
        if (IsTerminal(record.state)) {
          return absl::FailedPreconditionError(
              absl::StrCat("executor ", key.first, "/", key.second, " already ended (",
                           v1::ExecutorState_Name(record.state), ")"));
        }
        if (record.pid == 0) {
          return absl::UnavailableError("the daemon is still recording this launch; retry");
        }
        if (request.pid() != record.pid) {
          return absl::FailedPreconditionError(absl::StrCat("executor ", key.first, "/", key.second,
                                                            " runs as pid ", record.pid, ", not ",
                                                            request.pid()));
        }
        const bool first = record.state != v1::EXECUTOR_STATE_RUNNING;
        record.state = v1::EXECUTOR_STATE_RUNNING;
        record.executor_address = request.executor_address();
        if (first) {
          Log()->info("executor {}/{} is serving at {}", key.first, key.second,
                      request.executor_address());
          v1::ExecutorStateChangedRequest change;
          change.set_daemon_id(identity().daemon_id);
          change.set_app_id(key.first);
          change.set_executor_id(key.second);
          change.set_state(v1::EXECUTOR_STATE_RUNNING);
          change.set_message(absl::StrCat("serving at ", request.executor_address()));
          change.set_time_unix_ms(UnixMillis(clock()));
          Report(std::move(change), std::nullopt);
        }
        v1::RegisterExecutorProcessResponse response;
        response.set_daemon_id(identity().daemon_id);
        response.set_daemon_address(identity().address);
        response.set_host(identity().host);
        response.set_shuffle_dir(layout().ShuffleDir(key.first));
        response.add_local_dirs(layout().ExecutorDir(key.first, key.second) + "/local");
        return response;
      });
}

std::vector<v1::DaemonExecutor> ExecutorSupervisor::Snapshot() {
  std::vector<v1::DaemonExecutor> out;
  RunOnLoop([&] {
    for (const auto& [key, record] : records_) {
      if (IsTerminal(record.state) && record.reported) continue;
      v1::DaemonExecutor& e = out.emplace_back();
      e.set_app_id(key.first);
      e.set_executor_id(key.second);
      *e.mutable_resources() = record.request.resources();
      e.set_state(record.state);
      e.set_pid(record.pid);
    }
  });
  return out;
}

std::vector<v1::ExecutorRef> ExecutorSupervisor::Running() {
  std::vector<v1::ExecutorRef> out;
  RunOnLoop([&] {
    for (const auto& [key, record] : records_) {
      if (IsTerminal(record.state)) continue;
      v1::ExecutorRef& ref = out.emplace_back();
      ref.set_app_id(key.first);
      ref.set_executor_id(key.second);
    }
  });
  return out;
}

void ExecutorSupervisor::MarkReported(const std::vector<v1::DaemonExecutor>& reported) {
  RunOnLoop([&] {
    for (const v1::DaemonExecutor& e : reported) {
      auto it = records_.find(Key(e.app_id(), e.executor_id()));
      if (it != records_.end() && IsTerminal(e.state()) && it->second.state == e.state()) {
        it->second.reported = true;
      }
    }
  });
}

void ExecutorSupervisor::RetryPendingReports() {
  loop().Post([this] {
    for (auto& [key, record] : records_) {
      if (IsTerminal(record.state)) SendFinalReport(key, record);
    }
  });
}

}  // namespace centella

#include "executor/daemon/manager_session.h"

#include <sys/statvfs.h>

#include <algorithm>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common.pb.h"
#include "common/logging/logger.h"
#include "executor/daemon/driver_supervisor.h"

namespace centella {
namespace {

constexpr absl::Duration kFirstRetry = absl::Milliseconds(100);

std::shared_ptr<spdlog::logger> Log() {
  static auto log = GetLogger("executor-daemon");
  return log;
}

int64_t FreeDiskBytes(const std::string& dir) {
  struct statvfs st;
  if (::statvfs(dir.c_str(), &st) != 0) return 0;
  return static_cast<int64_t>(st.f_bavail) * static_cast<int64_t>(st.f_frsize);
}

// The manager answers a heartbeat from a daemon it does not know with an error rather
// than REREGISTER in some versions; both mean "register again".
bool MeansUnknownDaemon(const absl::Status& s) {
  return absl::IsNotFound(s) || absl::IsFailedPrecondition(s);
}

}  // namespace

ManagerSession::ManagerSession(ManagerSessionOptions options, ManagerClient* manager,
                               ExecutorSupervisor* executors, DriverSupervisor* drivers,
                               Clock& clock)
    : options_(std::move(options)),
      manager_(manager),
      executors_(executors),
      drivers_(drivers),
      clock_(clock),
      start_time_(clock.Now()),
      interval_(options_.heartbeat_interval),
      loop_("manager-session", clock) {}

ManagerSession::~ManagerSession() { Stop(); }

void ManagerSession::Start() {
  loop_.Post([this] { Tick(); });
}

void ManagerSession::Stop() { loop_.Stop(); }

absl::Status ManagerSession::CheckIncarnation(const std::string& incarnation) const {
  absl::MutexLock lock(&mu_);
  if (incarnation_.empty()) {
    return absl::FailedPreconditionError(
        "this daemon has not registered with a cluster manager yet; retry");
  }
  if (incarnation != incarnation_) {
    return absl::FailedPreconditionError(
        absl::StrCat("order from manager incarnation \"", incarnation,
                     "\" refused: this daemon is registered with \"", incarnation_, "\""));
  }
  return absl::OkStatus();
}

std::string ManagerSession::incarnation() const {
  absl::MutexLock lock(&mu_);
  return incarnation_;
}

void ManagerSession::Tick() {
  absl::Status s = registered_ ? Heartbeat() : Register();
  absl::Duration next = interval_;
  if (s.ok()) {
    backoff_ = absl::ZeroDuration();
  } else {
    // Retry sooner than the interval at first (a manager restart should be noticed
    // quickly), then back off so a long outage is not hammered.
    backoff_ = backoff_ == absl::ZeroDuration()
                   ? kFirstRetry
                   : std::min(backoff_ * 2, options_.max_retry_backoff);
    next = backoff_;
  }
  loop_.PostAfter(next, [this] { Tick(); });
}

absl::Status ManagerSession::Register() {
  v1::RegisterDaemonRequest request;
  request.set_protocol_version(v1::PROTOCOL_VERSION_CURRENT);
  request.set_daemon_id(options_.daemon_id);
  request.set_host(options_.host);
  request.set_address(options_.address);
  request.set_web_ui_port(0);
  *request.mutable_resources() = options_.resources;
  request.set_start_time_unix_ms(absl::ToUnixMillis(start_time_));
  std::vector<v1::DaemonExecutor> executors = executors_->Snapshot();
  for (const v1::DaemonExecutor& e : executors) *request.add_executors() = e;
  std::vector<v1::DaemonDriver> drivers;
  if (drivers_ != nullptr) drivers = drivers_->Snapshot();
  for (const v1::DaemonDriver& d : drivers) *request.add_drivers() = d;

  absl::StatusOr<v1::RegisterDaemonResponse> response = manager_->RegisterDaemon(request);
  if (!response.ok()) {
    if (backoff_ == absl::ZeroDuration()) {
      Log()->warn("cannot register with the cluster manager: {}; retrying",
                  response.status().ToString());
    }
    return response.status();
  }
  {
    absl::MutexLock lock(&mu_);
    incarnation_ = response->manager_incarnation();
  }
  registered_ = true;
  if (response->heartbeat_interval_ms() > 0) {
    interval_ = absl::Milliseconds(response->heartbeat_interval_ms());
  }
  Log()->info("registered as {} with manager incarnation {} ({} executors, {} drivers running)",
              options_.daemon_id, response->manager_incarnation(), executors.size(),
              drivers.size());
  executors_->MarkReported(executors);
  if (drivers_ != nullptr) drivers_->MarkReported(drivers);
  Obey(response->executors_to_kill(), response->drivers_to_kill(), response->apps_to_clean_up());
  return absl::OkStatus();
}

absl::Status ManagerSession::Heartbeat() {
  v1::DaemonHeartbeatRequest request;
  request.set_daemon_id(options_.daemon_id);
  request.set_manager_incarnation(incarnation());
  for (const v1::ExecutorRef& ref : executors_->Running()) *request.add_running_executors() = ref;
  if (drivers_ != nullptr) {
    for (const std::string& id : drivers_->Running()) request.add_running_drivers(id);
  }
  request.set_free_disk_bytes(FreeDiskBytes(options_.work_dir));

  absl::StatusOr<v1::DaemonHeartbeatResponse> response = manager_->DaemonHeartbeat(request);
  if (!response.ok() && MeansUnknownDaemon(response.status())) {
    Log()->info("the manager does not know this daemon ({}); registering again",
                response.status().ToString());
    registered_ = false;
    return Register();
  }
  if (!response.ok()) {
    if (backoff_ == absl::ZeroDuration()) {
      Log()->warn(
          "heartbeat to the cluster manager failed: {}; retrying (executors keep "
          "running)",
          response.status().ToString());
    }
    return response.status();
  }
  if (backoff_ != absl::ZeroDuration()) Log()->info("the cluster manager is reachable again");
  if (response->heartbeat_interval_ms() > 0) {
    interval_ = absl::Milliseconds(response->heartbeat_interval_ms());
  }
  Obey(response->executors_to_kill(), response->drivers_to_kill(), response->apps_to_clean_up());
  if (response->action() == v1::DAEMON_HEARTBEAT_ACTION_REREGISTER) {
    Log()->info(
        "the manager asks this daemon to register again (it restarted, or it declared this "
        "daemon lost)");
    registered_ = false;
    return Register();
  }
  executors_->RetryPendingReports();
  if (drivers_ != nullptr) drivers_->RetryPendingReports();
  return absl::OkStatus();
}

void ManagerSession::Obey(
    const google::protobuf::RepeatedPtrField<v1::ExecutorRef>& executors_to_kill,
    const google::protobuf::RepeatedPtrField<std::string>& drivers_to_kill,
    const google::protobuf::RepeatedPtrField<std::string>& apps_to_clean_up) {
  for (const v1::ExecutorRef& ref : executors_to_kill) {
    v1::KillExecutorRequest kill;
    kill.set_app_id(ref.app_id());
    kill.set_executor_id(ref.executor_id());
    kill.set_reason("the cluster manager does not expect this executor");
    absl::StatusOr<v1::KillExecutorResponse> r = executors_->Kill(kill);
    if (!r.ok())
      Log()->warn("cannot kill {}/{}: {}", ref.app_id(), ref.executor_id(), r.status().ToString());
  }
  for (const std::string& id : drivers_to_kill) {
    if (drivers_ == nullptr) break;
    v1::KillDriverProcessRequest kill;
    kill.set_driver_id(id);
    absl::StatusOr<v1::KillDriverProcessResponse> r = drivers_->Kill(kill);
    if (!r.ok()) Log()->warn("cannot kill driver {}: {}", id, r.status().ToString());
  }
  for (const std::string& app_id : apps_to_clean_up) {
    absl::StatusOr<v1::CleanupApplicationResponse> r = executors_->Cleanup(app_id);
    if (!r.ok()) Log()->warn("cannot clean up {}: {}", app_id, r.status().ToString());
  }
}

}  // namespace centella

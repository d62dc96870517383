// ClusterManager: construction, the loop plumbing, daemons and liveness. Applications are
// in cluster_manager_apps.cc, drivers in cluster_manager_drivers.cc, recovery in
// cluster_manager_recovery.cc.
#include "cluster-manager/cluster_manager.h"

#include <algorithm>
#include <random>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/logging/logger.h"
#include "common/status/status_macros.h"

namespace centella::cluster_manager {
namespace {

std::string RandomIncarnation() {
  std::random_device random;
  return absl::StrFormat("%08x%08x", random(), random());
}

// Ids become file names in the recovery directory and travel in paths on daemons.
absl::Status ValidateId(const std::string& what, const std::string& id) {
  if (id.empty() || id == "." || id == ".." || id.find('/') != std::string::npos ||
      id.size() > 200) {
    return absl::InvalidArgumentError(absl::StrCat("invalid ", what, " \"", id, "\""));
  }
  return absl::OkStatus();
}

bool IsTerminal(v1::ExecutorState state) {
  return state != v1::EXECUTOR_STATE_LAUNCHING && state != v1::EXECUTOR_STATE_RUNNING &&
         state != v1::EXECUTOR_STATE_UNSPECIFIED;
}

}  // namespace

ClusterManager::ClusterManager(ClusterManagerOptions options, Clock& clock, DaemonClient& daemons,
                               BinaryStore& binaries, Storage* recovery)
    : options_(std::move(options)),
      clock_(clock),
      daemons_(daemons),
      binaries_(binaries),
      incarnation_(RandomIncarnation()),
      advertised_address_(options_.advertised_address) {
  if (recovery != nullptr) recovery_store_.emplace(*recovery);
}

absl::StatusOr<std::unique_ptr<ClusterManager>> ClusterManager::Create(
    ClusterManagerOptions options, Clock& clock, DaemonClient& daemons, BinaryStore& binaries,
    Storage* recovery) {
  std::unique_ptr<ClusterManager> manager(
      new ClusterManager(std::move(options), clock, daemons, binaries, recovery));
  ClusterManager* m = manager.get();
  RETURN_IF_ERROR(m->RunOnLoop([m] { return m->LoadRecoveredState(); }));
  GetLogger("cluster-manager")
      ->info("cluster manager incarnation {} (worker timeout {}, {})", m->incarnation_,
             absl::FormatDuration(m->options_.worker_timeout),
             m->options_.spread_out ? "spreading executors out" : "packing executors");
  if (m->options_.check_interval > absl::ZeroDuration()) {
    m->ticker_ = std::thread([m] {
      while (!m->stop_ticker_.WaitForNotificationWithTimeout(m->options_.check_interval)) {
        m->PostOp([m] { m->CheckLivenessOnLoop(); });
      }
    });
  }
  return manager;
}

ClusterManager::~ClusterManager() { Shutdown(); }

void ClusterManager::Shutdown() {
  if (!stop_ticker_.HasBeenNotified()) stop_ticker_.Notify();
  if (ticker_.joinable()) ticker_.join();
  RunOnLoop([this] {
    shut_down_ = true;
    for (auto& [app_id, queues] : watchers_) {
      for (auto& queue : queues) queue->Close();
    }
    watchers_.clear();
    return absl::OkStatus();
  }).IgnoreError();
}

void ClusterManager::PostOp(absl::AnyInvocable<void()> fn) {
  loop_.Post([this, fn = std::move(fn)]() mutable {
    fn();
    FinishOp();
  });
}

void ClusterManager::FinishOp() {
  if (schedule_needed_ && !recovering_) {
    schedule_needed_ = false;
    Schedule();
  }
  PersistDirty();
  std::vector<absl::AnyInvocable<void()>> orders;
  orders.swap(outbox_);
  // After Shutdown the daemon client may be going away: no new orders.
  if (shut_down_) return;
  for (auto& order : orders) order();
}

void ClusterManager::PersistDirty() {
  if (!recovery_store_.has_value()) {
    dirty_apps_.clear();
    dirty_daemons_.clear();
    dirty_drivers_.clear();
    return;
  }
  auto log = GetLogger("cluster-manager");
  auto check = [&](absl::Status s) {
    // The manager keeps running without durable state rather than stopping the cluster;
    // the error says what a restart would forget.
    if (!s.ok()) log->error("recovery directory: {}", s.ToString());
  };
  for (const std::string& id : dirty_apps_) {
    ApplicationRecord* app = state_.FindApp(id);
    check(app != nullptr ? recovery_store_->SaveApp(*app) : recovery_store_->RemoveApp(id));
  }
  for (const std::string& id : dirty_daemons_) {
    DaemonRecord* daemon = state_.FindDaemon(id);
    check(daemon != nullptr ? recovery_store_->SaveDaemon(*daemon)
                            : recovery_store_->RemoveDaemon(id));
  }
  for (const std::string& id : dirty_drivers_) {
    DriverRecord* driver = state_.FindDriver(id);
    check(driver != nullptr ? recovery_store_->SaveDriver(*driver)
                            : recovery_store_->RemoveDriver(id));
  }
  dirty_apps_.clear();
  dirty_daemons_.clear();
  dirty_drivers_.clear();
}

void ClusterManager::SetAdvertisedAddress(std::string address) {
  RunOnLoop([this, &address] {
    advertised_address_ = std::move(address);
    return absl::OkStatus();
  }).IgnoreError();
}

void ClusterManager::Tick() {
  RunOnLoop([this] {
    CheckLivenessOnLoop();
    return absl::OkStatus();
  }).IgnoreError();
}

bool ClusterManager::recovering() {
  absl::StatusOr<bool> result = RunOnLoop([this] { return absl::StatusOr<bool>(recovering_); });
  return result.ok() && *result;
}

void ClusterManager::OnBinaryStored() {
  RunOnLoop([this] {
    RequestSchedule();
    return absl::OkStatus();
  }).IgnoreError();
}

int64_t ClusterManager::HeartbeatIntervalMs() const {
  return absl::ToInt64Milliseconds(std::max(
      absl::Milliseconds(10), std::min(options_.heartbeat_interval, options_.worker_timeout / 4)));
}

// --- daemons ---------------------------------------------------------------------------

absl::StatusOr<v1::RegisterDaemonResponse> ClusterManager::RegisterDaemon(
    const v1::RegisterDaemonRequest& req) {
  return RunOnLoop([this, &req] { return RegisterDaemonOnLoop(req); });
}

absl::StatusOr<v1::RegisterDaemonResponse> ClusterManager::RegisterDaemonOnLoop(
    const v1::RegisterDaemonRequest& req) {
  if (req.protocol_version() != v1::PROTOCOL_VERSION_CURRENT) {
    return absl::FailedPreconditionError(
        absl::StrCat("daemon speaks protocol version ", req.protocol_version(),
                     ", this manager speaks ", static_cast<int>(v1::PROTOCOL_VERSION_CURRENT)));
  }
  RETURN_IF_ERROR(ValidateId("daemon id", req.daemon_id()));
  if (req.address().empty()) return absl::InvalidArgumentError("daemon address is required");
  if (req.resources().cores() < 0 || req.resources().memory_bytes() < 0) {
    return absl::InvalidArgumentError("daemon resources must not be negative");
  }
  auto log = GetLogger("cluster-manager");
  // One entry per address: a daemon registering where another entry is registered
  // replaces it. The port is bound exclusively, so the process behind the old entry is
  // gone, and its books (executors, map output) are lost with it.
  std::vector<std::string> replaced;
  for (const auto& [id, other] : state_.daemons()) {
    if (id != req.daemon_id() && other.address == req.address()) replaced.push_back(id);
  }
  for (const std::string& id : replaced) {
    RemoveDaemon(id, absl::StrCat("replaced by daemon ", req.daemon_id(),
                                  " registering at the same address"));
  }
  DaemonRecord* daemon = state_.FindDaemon(req.daemon_id());
  const bool known = daemon != nullptr;
  const bool restarted = known && daemon->start_time_unix_ms != 0 &&
                         daemon->start_time_unix_ms != req.start_time_unix_ms();
  if (!known) {
    DaemonRecord fresh;
    fresh.daemon_id = req.daemon_id();
    daemon = &state_.AddDaemon(std::move(fresh));
  }
  // Re-registration replaces the entry in place, keeping what is booked on it: those
  // bookings are reconciled against what the daemon reports below.
  daemon->host =
      req.host().empty() ? req.address().substr(0, req.address().rfind(':')) : req.host();
  daemon->address = req.address();
  daemon->web_ui_port = req.web_ui_port();
  daemon->total = Resources::FromProto(req.resources());
  daemon->start_time_unix_ms = req.start_time_unix_ms();
  daemon->state = v1::DAEMON_STATE_ALIVE;
  daemon->last_heartbeat = clock_.Now();
  dirty_daemons_.insert(daemon->daemon_id);
  const std::string daemon_id = daemon->daemon_id;

  v1::RegisterDaemonResponse resp;
  resp.set_manager_incarnation(incarnation_);
  resp.set_heartbeat_interval_ms(HeartbeatIntervalMs());
  std::set<ExecutorKey> reported;
  std::set<std::string> cleanups;
  int adopted = 0;
  for (const v1::DaemonExecutor& e : req.executors()) {
    if (IsTerminal(e.state())) {
      // Already gone; its exit report follows. Its application may have ended while the
      // daemon could not be reached, and with it the chance to delete its files there.
      if (state_.FindApp(e.app_id()) == nullptr) cleanups.insert(e.app_id());
      continue;
    }
    ExecutorRecord* executor = state_.FindExecutor(e.app_id(), e.executor_id());
    if (executor != nullptr && executor->daemon_id == daemon_id) {
      executor->confirmed = true;
      if (e.state() == v1::EXECUTOR_STATE_RUNNING) executor->state = e.state();
      reported.insert({e.app_id(), e.executor_id()});
      dirty_apps_.insert(e.app_id());
      ++adopted;
      continue;
    }
    // No application expects it here (it ended while the manager was down, or the
    // executor was given up as lost): the daemon must stop it.
    v1::ExecutorRef* ref = resp.add_executors_to_kill();
    ref->set_app_id(e.app_id());
    ref->set_executor_id(e.executor_id());
    ApplicationRecord* app = state_.FindApp(e.app_id());
    if (app == nullptr) cleanups.insert(e.app_id());
  }
  // Booked here but not reported: the process is gone.
  std::vector<ExecutorKey> missing;
  for (const ExecutorKey& key : daemon->executors) {
    if (!reported.contains(key)) missing.push_back(key);
  }
  for (const auto& [app_id, executor_id] : missing) {
    RemoveExecutor(app_id, executor_id, v1::EXECUTOR_STATE_LOST,
                   absl::StrCat("not running on daemon ", daemon_id, " when it re-registered"),
                   /*kill_process=*/false, /*shuffle_files_lost=*/restarted);
  }
  std::set<std::string> reported_drivers;
  for (const v1::DaemonDriver& d : req.drivers()) {
    DriverRecord* driver = state_.FindDriver(d.driver_id());
    const bool expected = driver != nullptr && (driver->daemon_id == daemon_id ||
                                                driver->state == v1::DRIVER_STATE_UNKNOWN);
    if (!expected || d.state() != v1::DRIVER_STATE_RUNNING) {
      if (d.state() == v1::DRIVER_STATE_RUNNING) resp.add_drivers_to_kill(d.driver_id());
      continue;
    }
    if (driver->daemon_id != daemon_id) state_.BookDriver(*driver, *state_.FindDaemon(daemon_id));
    driver->state = v1::DRIVER_STATE_RUNNING;
    dirty_drivers_.insert(driver->driver_id);
    reported_drivers.insert(d.driver_id());
  }
  daemon = state_.FindDaemon(daemon_id);
  std::vector<std::string> gone_drivers;
  for (const std::string& id : daemon->drivers) {
    if (!reported_drivers.contains(id)) gone_drivers.push_back(id);
  }
  for (const std::string& id : gone_drivers) {
    if (DriverRecord* driver = state_.FindDriver(id); driver != nullptr) {
      DriverGone(*driver, v1::DRIVER_STATE_FAILED,
                 absl::StrCat("not running on daemon ", daemon_id, " when it re-registered"));
    }
  }
  cleanups.insert(daemon->pending_cleanups.begin(), daemon->pending_cleanups.end());
  daemon->pending_cleanups.clear();
  std::string lost_note;
  if (auto lost = lost_daemons_.find(daemon_id); lost != lost_daemons_.end()) {
    for (const std::string& app_id : lost->second.apps) {
      if (state_.FindApp(app_id) == nullptr) cleanups.insert(app_id);
    }
    lost_note = absl::StrCat("; it was declared lost ",
                             absl::FormatDuration(clock_.Now() - lost->second.lost_at), " ago");
    lost_daemons_.erase(lost);
  }
  for (const std::string& app_id : cleanups) resp.add_apps_to_clean_up(app_id);
  log->info("daemon {} {} at {} with {} ({} executors re-adopted, {} to kill, {} to clean up{})",
            daemon_id, known || !lost_note.empty() ? "re-registered" : "registered",
            daemon->address, DescribeResources(daemon->total), adopted,
            resp.executors_to_kill_size(), resp.apps_to_clean_up_size(), lost_note);
  RequestSchedule();
  MaybeCompleteRecovery(/*deadline_passed=*/false);
  return resp;
}

absl::StatusOr<v1::DaemonHeartbeatResponse> ClusterManager::DaemonHeartbeat(
    const v1::DaemonHeartbeatRequest& req) {
  return RunOnLoop(
      [this, &req] { return absl::StatusOr<v1::DaemonHeartbeatResponse>(HeartbeatOnLoop(req)); });
}

v1::DaemonHeartbeatResponse ClusterManager::HeartbeatOnLoop(const v1::DaemonHeartbeatRequest& req) {
  v1::DaemonHeartbeatResponse resp;
  DaemonRecord* daemon = state_.FindDaemon(req.daemon_id());
  if (daemon == nullptr || daemon->state != v1::DAEMON_STATE_ALIVE ||
      req.manager_incarnation() != incarnation_) {
    resp.set_action(v1::DAEMON_HEARTBEAT_ACTION_REREGISTER);
    return resp;
  }
  resp.set_action(v1::DAEMON_HEARTBEAT_ACTION_OK);
  daemon->last_heartbeat = clock_.Now();
  // Reconciliation (Spark's WorkerLatestState): whatever runs here unexpectedly is killed.
  std::set<std::string> cleanups;
  for (const v1::ExecutorRef& ref : req.running_executors()) {
    ExecutorRecord* executor = state_.FindExecutor(ref.app_id(), ref.executor_id());
    if (executor != nullptr && executor->daemon_id == daemon->daemon_id) continue;
    *resp.add_executors_to_kill() = ref;
    if (state_.FindApp(ref.app_id()) == nullptr) cleanups.insert(ref.app_id());
  }
  for (const std::string& id : req.running_drivers()) {
    DriverRecord* driver = state_.FindDriver(id);
    if (driver == nullptr || driver->daemon_id != daemon->daemon_id) resp.add_drivers_to_kill(id);
  }
  cleanups.insert(daemon->pending_cleanups.begin(), daemon->pending_cleanups.end());
  daemon->pending_cleanups.clear();
  for (const std::string& app_id : cleanups) resp.add_apps_to_clean_up(app_id);
  return resp;
}

absl::Status ClusterManager::ExecutorStateChanged(const v1::ExecutorStateChangedRequest& req) {
  return RunOnLoop([this, &req] { return ExecutorStateChangedOnLoop(req); });
}

void ClusterManager::CheckLivenessOnLoop() {
  const absl::Time now = clock_.Now();
  std::vector<std::pair<std::string, absl::Duration>> lost;
  for (const auto& [id, daemon] : state_.daemons()) {
    const absl::Duration silent = now - daemon.last_heartbeat;
    if (daemon.state == v1::DAEMON_STATE_ALIVE && silent > options_.worker_timeout) {
      lost.emplace_back(id, silent);
    }
  }
  for (const auto& [id, silent] : lost) {
    RemoveDaemon(
        id, absl::StrCat("no heartbeat for ", absl::FormatDuration(silent), " (worker timeout ",
                         absl::FormatDuration(options_.worker_timeout), ")"));
  }
  // A driver whose every WatchApplication stream has been closed for a worker timeout is
  // taken for dead: its application would otherwise hold its executors forever.
  std::vector<std::string> abandoned;
  for (const auto& [app_id, since] : unwatched_since_) {
    if (now - since > options_.worker_timeout) abandoned.push_back(app_id);
  }
  for (const std::string& app_id : abandoned) {
    unwatched_since_.erase(app_id);
    ApplicationRecord* app = state_.FindApp(app_id);
    if (app == nullptr || app->state == v1::APPLICATION_STATE_UNKNOWN) continue;
    EndApplication(app_id, v1::APPLICATION_STATE_FAILED,
                   absl::StrCat("driver at ", app->driver_address,
                                " lost: no WatchApplication "
                                "stream for ",
                                absl::FormatDuration(options_.worker_timeout)));
  }
  if (recovering_ && now >= recovery_deadline_) MaybeCompleteRecovery(/*deadline_passed=*/true);
}

void ClusterManager::RemoveDaemon(const std::string& daemon_id, const std::string& reason) {
  DaemonRecord* daemon = state_.FindDaemon(daemon_id);
  if (daemon == nullptr) return;
  GetLogger("cluster-manager")
      ->warn("daemon {} at {} lost: {}; {} executors and {} drivers on it are gone", daemon_id,
             daemon->address, reason, daemon->executors.size(), daemon->drivers.size());
  const std::string host = daemon->host;
  const std::string address = daemon->address;
  const std::vector<ExecutorKey> executors(daemon->executors.begin(), daemon->executors.end());
  const std::vector<std::string> drivers(daemon->drivers.begin(), daemon->drivers.end());
  for (const auto& [app_id, executor_id] : executors) {
    RemoveExecutor(app_id, executor_id, v1::EXECUTOR_STATE_LOST,
                   absl::StrCat("daemon ", daemon_id, " lost: ", reason),
                   /*kill_process=*/false, /*shuffle_files_lost=*/true);
  }
  // Every application may have map outputs there, from executors that ended earlier.
  v1::ApplicationEvent event;
  v1::DaemonRemoved* removed = event.mutable_daemon_removed();
  removed->set_daemon_id(daemon_id);
  removed->set_host(host);
  removed->set_daemon_address(address);
  removed->set_reason(reason);
  for (const auto& [app_id, app] : state_.apps()) Emit(app_id, event);
  for (const std::string& id : drivers) {
    if (DriverRecord* driver = state_.FindDriver(id); driver != nullptr) {
      DriverGone(*driver, v1::DRIVER_STATE_FAILED, absl::StrCat("daemon ", daemon_id, " lost"));
    }
  }
  state_.EraseDaemon(daemon_id);
  dirty_daemons_.insert(daemon_id);
  LostDaemon& lost = lost_daemons_[daemon_id];
  lost.lost_at = clock_.Now();
  for (const auto& [app_id, app] : state_.apps()) lost.apps.insert(app_id);
  if (lost_daemons_.size() > kMaxLostDaemons) {
    auto oldest = std::min_element(
        lost_daemons_.begin(), lost_daemons_.end(),
        [](const auto& a, const auto& b) { return a.second.lost_at < b.second.lost_at; });
    lost_daemons_.erase(oldest);
  }
  RequestSchedule();
}

}  // namespace centella::cluster_manager

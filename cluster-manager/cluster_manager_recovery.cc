// ClusterManager: reading state back after a restart, and ending the recovery period
// (Spark's Master.beginRecovery / completeRecovery).
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "cluster-manager/cluster_manager.h"
#include "common/logging/logger.h"
#include "common/status/status_macros.h"

namespace centella::cluster_manager {

absl::Status ClusterManager::LoadRecoveredState() {
  if (!recovery_store_.has_value()) return absl::OkStatus();
  ASSIGN_OR_RETURN(RecoveryStore::Loaded loaded, recovery_store_->Load());
  const absl::Time now = clock_.Now();
  // Daemons first, so that executors can be booked on them. Everything starts UNKNOWN
  // and counts as silent from now: it has one worker timeout to come back.
  for (DaemonRecord& daemon : loaded.daemons) {
    daemon.state = v1::DAEMON_STATE_UNKNOWN;
    daemon.last_heartbeat = now;
    state_.AddDaemon(std::move(daemon));
  }
  int executors = 0;
  for (ApplicationRecord& loaded_app : loaded.apps) {
    std::map<std::string, ExecutorRecord> recovered = std::move(loaded_app.executors);
    loaded_app.executors.clear();
    loaded_app.state = v1::APPLICATION_STATE_UNKNOWN;
    ApplicationRecord& app = state_.AddApp(std::move(loaded_app));
    for (auto& [id, e] : recovered) {
      DaemonRecord* daemon = state_.FindDaemon(e.daemon_id);
      if (daemon == nullptr) continue;  // its daemon was already gone: nothing to book
      ExecutorRecord& booked = state_.AddExecutor(app, *daemon, id, e.state);
      booked.resources = e.resources;
      booked.confirmed = false;
      ++executors;
    }
  }
  // AddExecutor booked app.per_executor(); re-book the recorded grants exactly.
  for (auto& [id, daemon] : state_.daemons()) {
    daemon.used = {};
    for (const auto& [app_id, executor_id] : daemon.executors) {
      daemon.used += state_.FindExecutor(app_id, executor_id)->resources;
    }
  }
  for (DriverRecord& loaded_driver : loaded.drivers) {
    std::string daemon_id = std::move(loaded_driver.daemon_id);
    loaded_driver.daemon_id.clear();
    if (loaded_driver.state != v1::DRIVER_STATE_SUBMITTED &&
        loaded_driver.state != v1::DRIVER_STATE_RELAUNCHING) {
      loaded_driver.state = v1::DRIVER_STATE_UNKNOWN;
    }
    DriverRecord& driver = state_.AddDriver(std::move(loaded_driver));
    if (DaemonRecord* daemon = state_.FindDaemon(daemon_id); daemon != nullptr) {
      state_.BookDriver(driver, *daemon);
    }
  }
  if (loaded.apps.empty() && loaded.daemons.empty() && loaded.drivers.empty()) {
    return absl::OkStatus();
  }
  recovering_ = true;
  recovery_deadline_ = now + options_.worker_timeout;
  GetLogger("cluster-manager")
      ->info(
          "recovering from {}: {} daemons, {} applications ({} executors), {} drivers; "
          "waiting up to {} for them to re-register",
          recovery_store_.has_value() ? "the recovery directory" : "", loaded.daemons.size(),
          loaded.apps.size(), executors, loaded.drivers.size(),
          absl::FormatDuration(options_.worker_timeout));
  return absl::OkStatus();
}

void ClusterManager::MaybeCompleteRecovery(bool deadline_passed) {
  if (!recovering_) return;
  if (!deadline_passed) {
    for (const auto& [id, daemon] : state_.daemons()) {
      if (daemon.state == v1::DAEMON_STATE_UNKNOWN) return;
    }
    for (const auto& [id, app] : state_.apps()) {
      if (app.state == v1::APPLICATION_STATE_UNKNOWN) return;
    }
  }
  recovering_ = false;
  std::vector<std::string> daemons;
  for (const auto& [id, daemon] : state_.daemons()) {
    if (daemon.state == v1::DAEMON_STATE_UNKNOWN) daemons.push_back(id);
  }
  for (const std::string& id : daemons) {
    RemoveDaemon(id, "did not re-register after the manager restarted");
  }
  std::vector<std::string> apps;
  for (const auto& [id, app] : state_.apps()) {
    if (app.state == v1::APPLICATION_STATE_UNKNOWN) apps.push_back(id);
  }
  for (const std::string& id : apps) {
    EndApplication(id, v1::APPLICATION_STATE_FAILED,
                   "its driver did not re-register after the manager restarted");
  }
  std::vector<std::string> drivers;
  for (const auto& [id, driver] : state_.drivers()) {
    if (driver.state == v1::DRIVER_STATE_UNKNOWN) drivers.push_back(id);
  }
  for (const std::string& id : drivers) {
    if (DriverRecord* driver = state_.FindDriver(id); driver != nullptr) {
      DriverGone(*driver, v1::DRIVER_STATE_FAILED,
                 "no daemon reported it after the manager restarted");
    }
  }
  GetLogger("cluster-manager")
      ->info(
          "recovery complete: {} daemons, {} applications, {} drivers; dropped {} daemons, "
          "{} applications, {} drivers that did not come back",
          state_.daemons().size(), state_.apps().size(), state_.drivers().size(), daemons.size(),
          apps.size(), drivers.size());
  RequestSchedule();
}

}  // namespace centella::cluster_manager

// ClusterManager: cluster-mode drivers (SubmitDriver & co.) and listings.
#include <utility>

#include "absl/strings/str_cat.h"
#include "cluster-manager/cluster_manager.h"
#include "common/digest/content_hash.h"
#include "common/logging/logger.h"
#include "common/status/status_macros.h"

namespace centella::cluster_manager {
namespace {

int64_t ToMillis(absl::Time t) { return t == absl::Time() ? 0 : absl::ToUnixMillis(t); }

}  // namespace

absl::StatusOr<v1::SubmitDriverResponse> ClusterManager::SubmitDriver(
    const v1::SubmitDriverRequest& req) {
  return RunOnLoop([this, &req]() -> absl::StatusOr<v1::SubmitDriverResponse> {
    if (req.protocol_version() != v1::PROTOCOL_VERSION_CURRENT) {
      return absl::FailedPreconditionError(
          absl::StrCat("submit speaks protocol version ", req.protocol_version(),
                       ", this manager speaks ", static_cast<int>(v1::PROTOCOL_VERSION_CURRENT)));
    }
    DriverRecord driver;
    driver.description = req.description();
    RETURN_IF_ERROR(ContentHashHex(driver.description.binary_hash()).status());
    v1::ResourceSpec& r = *driver.description.mutable_resources();
    if (r.cores() < 0 || r.memory_bytes() < 0) {
      return absl::InvalidArgumentError("driver resources must not be negative");
    }
    if (r.cores() == 0) r.set_cores(1);
    if (r.memory_bytes() == 0) r.set_memory_bytes(int64_t{1} << 30);
    driver.driver_id = NewId("driver", next_driver_number_);
    driver.submitted = clock_.Now();
    driver.state = v1::DRIVER_STATE_SUBMITTED;
    GetLogger("cluster-manager")
        ->info("driver {} \"{}\" submitted ({}{})", driver.driver_id, driver.description.name(),
               DescribeResources(Resources::FromProto(r)),
               driver.description.supervise() ? ", supervised" : "");
    v1::SubmitDriverResponse resp;
    resp.set_driver_id(driver.driver_id);
    dirty_drivers_.insert(driver.driver_id);
    state_.AddDriver(std::move(driver));
    RequestSchedule();
    return resp;
  });
}

void ClusterManager::ScheduleDrivers() {
  // Round-robin over alive daemons (Spark places drivers before executors).
  std::vector<DaemonRecord*> alive;
  for (auto& [id, daemon] : state_.daemons()) {
    if (daemon.state == v1::DAEMON_STATE_ALIVE) alive.push_back(&daemon);
  }
  if (alive.empty()) return;
  for (auto& [id, driver] : state_.drivers()) {
    if (driver.state != v1::DRIVER_STATE_SUBMITTED &&
        driver.state != v1::DRIVER_STATE_RELAUNCHING) {
      continue;
    }
    if (!binaries_.Stat(driver.description.binary_hash()).ok()) continue;
    const Resources need = Resources::FromProto(driver.description.resources());
    for (size_t tried = 0; tried < alive.size(); ++tried) {
      DaemonRecord& daemon = *alive[driver_round_robin_++ % alive.size()];
      if (!daemon.free().Covers(need)) continue;
      state_.BookDriver(driver, daemon);
      driver.state = v1::DRIVER_STATE_RUNNING;
      driver.started = clock_.Now();
      dirty_drivers_.insert(driver.driver_id);
      GetLogger("cluster-manager")
          ->info("launching driver {} on {}", driver.driver_id, daemon.daemon_id);
      v1::LaunchDriverRequest launch;
      launch.set_manager_incarnation(incarnation_);
      launch.set_driver_id(driver.driver_id);
      *launch.mutable_description() = driver.description;
      launch.set_manager_address(advertised_address_);
      Send([this, address = daemon.address, daemon_id = daemon.daemon_id, launch] {
        daemons_.LaunchDriver(
            address, launch, [this, daemon_id, launch](absl::StatusOr<v1::LaunchDriverResponse> r) {
              if (r.ok()) return;
              PostOp([this, daemon_id, id = launch.driver_id(), status = r.status()] {
                DriverRecord* d = state_.FindDriver(id);
                if (d == nullptr || d->daemon_id != daemon_id) return;
                DriverGone(
                    *d, v1::DRIVER_STATE_ERROR,
                    absl::StrCat("launch on daemon ", daemon_id, " failed: ", status.ToString()));
              });
            });
      });
      break;
    }
  }
}

void ClusterManager::DriverGone(DriverRecord& driver, v1::DriverState state,
                                const std::string& message) {
  if (driver.description.supervise() && state != v1::DRIVER_STATE_KILLED &&
      state != v1::DRIVER_STATE_FINISHED) {
    GetLogger("cluster-manager")
        ->warn("driver {} {}: {}; relaunching (supervised)", driver.driver_id,
               v1::DriverState_Name(state), message);
    state_.ReleaseDriver(driver);
    driver.state = v1::DRIVER_STATE_RELAUNCHING;
    driver.message = message;
    ++driver.restart_count;
    dirty_drivers_.insert(driver.driver_id);
    RequestSchedule();
    return;
  }
  CompleteDriver(driver, state, message);
}

void ClusterManager::CompleteDriver(DriverRecord& driver, v1::DriverState state,
                                    const std::string& message) {
  GetLogger("cluster-manager")
      ->info("driver {} ended ({}){}{}", driver.driver_id, v1::DriverState_Name(state),
             message.empty() ? "" : ": ", message);
  driver.state = state;
  driver.message = message;
  driver.finished = clock_.Now();
  const std::string id = driver.driver_id;
  dirty_drivers_.insert(id);
  state_.CompleteDriver(id, options_.keep_completed);
  RequestSchedule();
}

absl::Status ClusterManager::DriverStateChanged(const v1::DriverStateChangedRequest& req) {
  return RunOnLoop([this, &req] { return DriverStateChangedOnLoop(req); });
}

absl::Status ClusterManager::DriverStateChangedOnLoop(const v1::DriverStateChangedRequest& req) {
  DriverRecord* driver = state_.FindDriver(req.driver_id());
  if (driver == nullptr || driver->daemon_id != req.daemon_id()) return absl::OkStatus();
  if (req.has_exit_code()) driver->exit_code = req.exit_code();
  switch (req.state()) {
    case v1::DRIVER_STATE_RUNNING:
      driver->state = v1::DRIVER_STATE_RUNNING;
      dirty_drivers_.insert(driver->driver_id);
      return absl::OkStatus();
    case v1::DRIVER_STATE_FINISHED:
    case v1::DRIVER_STATE_KILLED:
      CompleteDriver(*driver, req.state(), req.message());
      return absl::OkStatus();
    case v1::DRIVER_STATE_RELAUNCHING:
      // A supervised driver failed and its daemon is starting it again in place: its
      // resources stay booked on that daemon.
      driver->state = v1::DRIVER_STATE_RELAUNCHING;
      driver->message = req.message();
      ++driver->restart_count;
      dirty_drivers_.insert(driver->driver_id);
      return absl::OkStatus();
    case v1::DRIVER_STATE_FAILED:
    case v1::DRIVER_STATE_ERROR:
      DriverGone(*driver, req.state(), req.message());
      return absl::OkStatus();
    default:
      return absl::InvalidArgumentError(
          absl::StrCat("unexpected driver state ", v1::DriverState_Name(req.state())));
  }
}

absl::StatusOr<v1::KillDriverResponse> ClusterManager::KillDriver(
    const v1::KillDriverRequest& req) {
  return RunOnLoop([this, &req]() -> absl::StatusOr<v1::KillDriverResponse> {
    v1::KillDriverResponse resp;
    DriverRecord* driver = state_.FindDriver(req.driver_id());
    if (driver == nullptr) {
      const DriverRecord* done = state_.FindAnyDriver(req.driver_id());
      if (done == nullptr) {
        return absl::NotFoundError(absl::StrCat("unknown driver ", req.driver_id()));
      }
      resp.set_state(done->state);
      return resp;
    }
    if (DaemonRecord* daemon = state_.FindDaemon(driver->daemon_id); daemon != nullptr) {
      v1::KillDriverProcessRequest kill;
      kill.set_manager_incarnation(incarnation_);
      kill.set_driver_id(driver->driver_id);
      Send([this, address = daemon->address, kill] {
        daemons_.KillDriver(address, kill, [](absl::StatusOr<v1::KillDriverProcessResponse>) {});
      });
    }
    CompleteDriver(*driver, v1::DRIVER_STATE_KILLED, "killed on request");
    resp.set_state(v1::DRIVER_STATE_KILLED);
    return resp;
  });
}

v1::DriverInfo ClusterManager::DriverInfoOf(const DriverRecord& driver) const {
  v1::DriverInfo info;
  info.set_driver_id(driver.driver_id);
  *info.mutable_description() = driver.description;
  info.set_state(driver.state);
  info.set_daemon_id(driver.daemon_id);
  if (auto it = state_.daemons().find(driver.daemon_id); it != state_.daemons().end()) {
    info.set_host(it->second.host);
  }
  info.set_app_id(driver.app_id);
  info.set_submitted_unix_ms(ToMillis(driver.submitted));
  info.set_started_unix_ms(ToMillis(driver.started));
  info.set_finished_unix_ms(ToMillis(driver.finished));
  info.set_restart_count(driver.restart_count);
  if (driver.exit_code.has_value()) info.set_exit_code(*driver.exit_code);
  info.set_message(driver.message);
  return info;
}

absl::StatusOr<v1::DriverStatusResponse> ClusterManager::DriverStatus(
    const v1::DriverStatusRequest& req) {
  return RunOnLoop([this, &req]() -> absl::StatusOr<v1::DriverStatusResponse> {
    const DriverRecord* driver = state_.FindAnyDriver(req.driver_id());
    if (driver == nullptr)
      return absl::NotFoundError(absl::StrCat("unknown driver ", req.driver_id()));
    v1::DriverStatusResponse resp;
    *resp.mutable_driver() = DriverInfoOf(*driver);
    return resp;
  });
}

v1::ApplicationInfo ClusterManager::AppInfo(const ApplicationRecord& app) const {
  v1::ApplicationInfo info;
  info.set_app_id(app.app_id);
  *info.mutable_description() = app.description;
  info.set_state(app.state);
  info.set_driver_address(app.driver_address);
  info.set_driver_ui_url(app.driver_ui_url);
  info.set_driver_id(app.driver_id);
  info.set_granted_cores(app.granted_cores());
  if (app.description.dynamic_allocation()) info.set_requested_executors(app.target_executors);
  for (const auto& [id, executor] : app.executors) {
    v1::ExecutorInfo* e = info.add_executors();
    e->set_executor_id(id);
    e->set_daemon_id(executor.daemon_id);
    if (auto it = state_.daemons().find(executor.daemon_id); it != state_.daemons().end()) {
      e->set_host(it->second.host);
    }
    *e->mutable_resources() = executor.resources.ToProto();
    e->set_state(executor.state);
  }
  info.set_submitted_unix_ms(ToMillis(app.submitted));
  info.set_finished_unix_ms(ToMillis(app.finished));
  // A running application shows why it waits; an ended one its final message.
  info.set_message(app.active() && !app.waiting_reason.empty()
                       ? absl::StrCat("waiting: ", app.waiting_reason)
                       : app.message);
  return info;
}

absl::StatusOr<v1::ListApplicationsResponse> ClusterManager::ListApplications(
    const v1::ListApplicationsRequest& req) {
  return RunOnLoop([this, &req]() -> absl::StatusOr<v1::ListApplicationsResponse> {
    v1::ListApplicationsResponse resp;
    resp.set_manager_incarnation(incarnation_);
    for (const ApplicationRecord* app : state_.AppsInFifoOrder()) {
      *resp.add_applications() = AppInfo(*app);
    }
    for (const auto& [id, driver] : state_.drivers()) *resp.add_drivers() = DriverInfoOf(driver);
    if (req.include_completed()) {
      for (const ApplicationRecord& app : state_.completed_apps()) {
        *resp.add_applications() = AppInfo(app);
      }
      for (const DriverRecord& driver : state_.completed_drivers()) {
        *resp.add_drivers() = DriverInfoOf(driver);
      }
    }
    return resp;
  });
}

}  // namespace centella::cluster_manager

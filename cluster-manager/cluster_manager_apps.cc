// ClusterManager: applications, their executors, and allocation.
#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "cluster-manager/cluster_manager.h"
#include "common/digest/content_hash.h"
#include "cluster-manager/executor_allocator.h"
#include "common/logging/logger.h"
#include "common/status/status_macros.h"

namespace centella::cluster_manager {
namespace {

constexpr int64_t kDefaultExecutorMemory = int64_t{1} << 30;  // Spark's 1g

// Fills defaults and refuses requests that could never be served sensibly.
absl::Status NormalizeDescription(v1::ApplicationDescription& d) {
  RETURN_IF_ERROR(ContentHashHex(d.binary_hash()).status());
  v1::ResourceSpec& r = *d.mutable_executor_resources();
  if (r.cores() < 0 || r.memory_bytes() < 0 || d.max_total_cores() < 0 || d.max_executors() < 0 ||
      d.min_executors() < 0 || d.initial_executors() < 0) {
    return absl::InvalidArgumentError("executor resources and limits must not be negative");
  }
  if (r.cores() == 0) r.set_cores(1);
  if (r.memory_bytes() == 0) r.set_memory_bytes(kDefaultExecutorMemory);
  if (d.max_total_cores() > 0 && d.max_total_cores() < r.cores()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "total executor cores ", d.max_total_cores(), " is below the cores of one executor (",
        r.cores(), "): no executor could ever be granted"));
  }
  if (d.max_executors() > 0 && d.min_executors() > d.max_executors()) {
    return absl::InvalidArgumentError("min_executors exceeds max_executors");
  }
  return absl::OkStatus();
}

}  // namespace

std::string ClusterManager::NewId(const char* prefix, int64_t& counter) {
  const std::string stamp = absl::FormatTime("%Y%m%d%H%M%S", clock_.Now(), absl::UTCTimeZone());
  while (true) {
    std::string id = absl::StrFormat("%s-%s-%04d", prefix, stamp, counter++);
    if (state_.FindAnyApp(id) == nullptr && state_.FindAnyDriver(id) == nullptr) return id;
  }
}

absl::StatusOr<v1::RegisterApplicationResponse> ClusterManager::RegisterApplication(
    const v1::RegisterApplicationRequest& req) {
  return RunOnLoop([this, &req] { return RegisterApplicationOnLoop(req); });
}

absl::StatusOr<v1::RegisterApplicationResponse> ClusterManager::RegisterApplicationOnLoop(
    const v1::RegisterApplicationRequest& req) {
  if (req.protocol_version() != v1::PROTOCOL_VERSION_CURRENT) {
    return absl::FailedPreconditionError(
        absl::StrCat("driver speaks protocol version ", req.protocol_version(),
                     ", this manager speaks ", static_cast<int>(v1::PROTOCOL_VERSION_CURRENT)));
  }
  if (req.driver_address().empty()) {
    return absl::InvalidArgumentError("driver_address is required");
  }
  auto log = GetLogger("cluster-manager");
  v1::RegisterApplicationResponse resp;
  resp.set_manager_incarnation(incarnation_);
  if (!req.app_id().empty()) {
    // Re-registration (after a manager restart, or a retry): keep id and executors.
    ApplicationRecord* app = state_.FindApp(req.app_id());
    if (app == nullptr) {
      if (state_.FindAnyApp(req.app_id()) != nullptr) {
        return absl::FailedPreconditionError(
            absl::StrCat("application ", req.app_id(), " has already ended"));
      }
      return absl::NotFoundError(
          absl::StrCat("unknown application ", req.app_id(),
                       " (a manager restarted without --recovery-dir forgets its applications)"));
    }
    app->driver_address = req.driver_address();
    if (!req.driver_ui_url().empty()) app->driver_ui_url = req.driver_ui_url();
    if (app->state == v1::APPLICATION_STATE_UNKNOWN) {
      app->state = v1::APPLICATION_STATE_WAITING;
      UpdateAppState(*app);
      log->info("application {} re-registered from {} with {} executors", app->app_id,
                app->driver_address, app->executors.size());
    }
    dirty_apps_.insert(app->app_id);
    RequestSchedule();
    MaybeCompleteRecovery(/*deadline_passed=*/false);
    resp.set_app_id(app->app_id);
    return resp;
  }
  ApplicationRecord app;
  app.description = req.description();
  RETURN_IF_ERROR(NormalizeDescription(app.description));
  app.app_id = NewId("app", next_app_number_);
  app.driver_address = req.driver_address();
  app.driver_ui_url = req.driver_ui_url();
  app.driver_id = req.driver_id();
  app.submitted = clock_.Now();
  app.state = v1::APPLICATION_STATE_WAITING;
  if (app.description.dynamic_allocation()) {
    app.target_executors = app.description.initial_executors() > 0
                               ? app.description.initial_executors()
                               : app.description.min_executors();
  }
  if (DriverRecord* driver = state_.FindDriver(app.driver_id); driver != nullptr) {
    driver->app_id = app.app_id;
    dirty_drivers_.insert(driver->driver_id);
  }
  log->info("registered application {} \"{}\" (driver {}): {} per executor, cores cap {}",
            app.app_id, app.description.name(), app.driver_address,
            DescribeResources(app.per_executor()),
            app.description.max_total_cores() > 0 ? absl::StrCat(app.description.max_total_cores())
                                                  : std::string("none"));
  resp.set_app_id(app.app_id);
  dirty_apps_.insert(app.app_id);
  state_.AddApp(std::move(app));
  RequestSchedule();
  return resp;
}

absl::StatusOr<std::shared_ptr<AppEventQueue>> ClusterManager::WatchApplication(
    const std::string& app_id) {
  return RunOnLoop([this, &app_id] {
    absl::Status status;
    std::shared_ptr<AppEventQueue> queue = WatchOnLoop(app_id, &status);
    if (!status.ok()) return absl::StatusOr<std::shared_ptr<AppEventQueue>>(status);
    return absl::StatusOr<std::shared_ptr<AppEventQueue>>(std::move(queue));
  });
}

std::shared_ptr<AppEventQueue> ClusterManager::WatchOnLoop(const std::string& app_id,
                                                           absl::Status* status) {
  const ApplicationRecord* any = state_.FindAnyApp(app_id);
  if (any == nullptr) {
    *status = absl::NotFoundError(absl::StrCat("unknown application ", app_id));
    return nullptr;
  }
  auto queue = std::make_shared<AppEventQueue>();
  v1::ApplicationEvent changed;
  changed.mutable_manager_changed()->set_manager_incarnation(incarnation_);
  changed.mutable_manager_changed()->set_manager_address(advertised_address_);
  queue->Push(changed);
  ApplicationRecord* app = state_.FindApp(app_id);
  if (app == nullptr || shut_down_) {
    v1::ApplicationEvent removed;
    removed.mutable_application_removed()->set_state(any->state);
    removed.mutable_application_removed()->set_reason(
        shut_down_ ? "the cluster manager is shutting down"
                   : absl::StrCat("application already ended: ", any->message));
    if (!shut_down_) queue->Push(removed);
    queue->Close();
    return queue;
  }
  for (const auto& [id, executor] : app->executors) queue->Push(ExecutorAddedEvent(executor));
  watchers_[app_id].push_back(queue);
  unwatched_since_.erase(app_id);
  return queue;
}

void ClusterManager::StopWatching(const std::string& app_id,
                                  const std::shared_ptr<AppEventQueue>& queue) {
  PostOp([this, app_id, queue] {
    auto it = watchers_.find(app_id);
    if (it == watchers_.end()) return;
    std::erase(it->second, queue);
    if (it->second.empty()) {
      watchers_.erase(it);
      if (state_.FindApp(app_id) != nullptr) unwatched_since_[app_id] = clock_.Now();
    }
  });
}

void ClusterManager::Emit(const std::string& app_id, const v1::ApplicationEvent& event) {
  auto it = watchers_.find(app_id);
  if (it == watchers_.end()) return;
  for (const auto& queue : it->second) queue->Push(event);
}

v1::ApplicationEvent ClusterManager::ExecutorAddedEvent(const ExecutorRecord& executor) {
  v1::ApplicationEvent event;
  v1::ExecutorAdded* added = event.mutable_executor_added();
  added->set_executor_id(executor.executor_id);
  added->set_daemon_id(executor.daemon_id);
  if (const DaemonRecord* daemon = state_.FindDaemon(executor.daemon_id); daemon != nullptr) {
    added->set_host(daemon->host);
    added->set_daemon_address(daemon->address);
  }
  *added->mutable_resources() = executor.resources.ToProto();
  return event;
}

void ClusterManager::UpdateAppState(ApplicationRecord& app) {
  if (app.state != v1::APPLICATION_STATE_WAITING && app.state != v1::APPLICATION_STATE_RUNNING) {
    return;
  }
  app.state = app.executors.empty() ? v1::APPLICATION_STATE_WAITING : v1::APPLICATION_STATE_RUNNING;
}

absl::Status ClusterManager::ExecutorStateChangedOnLoop(
    const v1::ExecutorStateChangedRequest& req) {
  ExecutorRecord* executor = state_.FindExecutor(req.app_id(), req.executor_id());
  if (executor == nullptr || executor->daemon_id != req.daemon_id()) {
    // Already removed (killed, or its daemon was given up): nothing to update. Not an
    // error, so that the daemon does not retry.
    GetLogger("cluster-manager")
        ->debug("ignoring state {} of unknown executor {}/{} on {}",
                v1::ExecutorState_Name(req.state()), req.app_id(), req.executor_id(),
                req.daemon_id());
    return absl::OkStatus();
  }
  switch (req.state()) {
    case v1::EXECUTOR_STATE_LAUNCHING:
      return absl::OkStatus();
    case v1::EXECUTOR_STATE_RUNNING: {
      executor->state = v1::EXECUTOR_STATE_RUNNING;
      executor->confirmed = true;
      ApplicationRecord* app = state_.FindApp(req.app_id());
      app->executor_failures = 0;
      dirty_apps_.insert(app->app_id);
      return absl::OkStatus();
    }
    case v1::EXECUTOR_STATE_UNSPECIFIED:
      return absl::InvalidArgumentError("executor state is required");
    default:
      break;
  }
  std::string message = req.message();
  if (message.empty()) {
    message = req.has_exit_code() ? absl::StrCat("exited with status ", req.exit_code())
              : req.has_signal()  ? absl::StrCat("killed by signal ", req.signal())
                                  : v1::ExecutorState_Name(req.state());
  }
  const std::string app_id = req.app_id();
  RemoveExecutor(app_id, req.executor_id(), req.state(), message, /*kill_process=*/false,
                 /*shuffle_files_lost=*/false,
                 req.has_exit_code() ? std::optional<int32_t>(req.exit_code()) : std::nullopt,
                 req.has_signal() ? std::optional<int32_t>(req.signal()) : std::nullopt);
  ApplicationRecord* app = state_.FindApp(app_id);
  if (req.state() == v1::EXECUTOR_STATE_FAILED && app != nullptr) {
    // Spark's rule: give up on an application whose executors keep failing while none runs.
    ++app->executor_failures;
    const bool any_running =
        std::any_of(app->executors.begin(), app->executors.end(),
                    [](const auto& e) { return e.second.state == v1::EXECUTOR_STATE_RUNNING; });
    if (app->executor_failures >= options_.max_executor_failures && !any_running) {
      EndApplication(
          app_id, v1::APPLICATION_STATE_FAILED,
          absl::StrCat(app->executor_failures, " executor failures in a row; last: ", message));
    }
  }
  return absl::OkStatus();
}

void ClusterManager::RemoveExecutor(const std::string& app_id, const std::string& executor_id,
                                    v1::ExecutorState state, const std::string& message,
                                    bool kill_process, bool shuffle_files_lost,
                                    std::optional<int32_t> exit_code,
                                    std::optional<int32_t> signal) {
  std::optional<ExecutorRecord> removed = state_.RemoveExecutor(app_id, executor_id);
  if (!removed.has_value()) return;
  GetLogger("cluster-manager")
      ->info("executor {}/{} on {} removed ({}): {}", app_id, executor_id, removed->daemon_id,
             v1::ExecutorState_Name(state), message);
  DaemonRecord* daemon = state_.FindDaemon(removed->daemon_id);
  if (kill_process && daemon != nullptr) {
    v1::KillExecutorRequest kill;
    kill.set_manager_incarnation(incarnation_);
    kill.set_app_id(app_id);
    kill.set_executor_id(executor_id);
    kill.set_reason(message);
    Send([this, address = daemon->address, kill] {
      daemons_.KillExecutor(address, kill, [kill](absl::StatusOr<v1::KillExecutorResponse> r) {
        // The daemon reconciles on its next heartbeat if this order was lost.
        if (!r.ok()) {
          GetLogger("cluster-manager")
              ->warn("killing executor {}/{}: {}", kill.app_id(), kill.executor_id(),
                     r.status().ToString());
        }
      });
    });
  }
  v1::ApplicationEvent event;
  v1::ExecutorRemoved* r = event.mutable_executor_removed();
  r->set_executor_id(executor_id);
  r->set_state(state);
  if (exit_code.has_value()) r->set_exit_code(*exit_code);
  if (signal.has_value()) r->set_signal(*signal);
  r->set_message(message);
  // The process itself crashed (an exit status or signal to show for it); a failed launch
  // or a lost machine is not the application's fault.
  r->set_caused_by_app(state == v1::EXECUTOR_STATE_FAILED &&
                       (exit_code.has_value() || signal.has_value()));
  r->set_shuffle_files_lost(shuffle_files_lost);
  Emit(app_id, event);
  if (ApplicationRecord* app = state_.FindApp(app_id); app != nullptr) UpdateAppState(*app);
  dirty_apps_.insert(app_id);
  RequestSchedule();
}

absl::StatusOr<v1::RequestExecutorsResponse> ClusterManager::RequestExecutors(
    const v1::RequestExecutorsRequest& req) {
  return RunOnLoop([this, &req]() -> absl::StatusOr<v1::RequestExecutorsResponse> {
    ApplicationRecord* app = state_.FindApp(req.app_id());
    if (app == nullptr)
      return absl::NotFoundError(absl::StrCat("unknown application ", req.app_id()));
    if (!app->description.dynamic_allocation()) {
      return absl::FailedPreconditionError(
          absl::StrCat("application ", req.app_id(), " did not register with dynamic allocation"));
    }
    if (req.requested_total() < 0) return absl::InvalidArgumentError("negative requested_total");
    const v1::ApplicationDescription& d = app->description;
    int64_t accepted = std::max(req.requested_total(), d.min_executors());
    if (d.max_executors() > 0) accepted = std::min<int64_t>(accepted, d.max_executors());
    if (d.max_total_cores() > 0) {
      accepted = std::min<int64_t>(accepted, d.max_total_cores() / app->per_executor().cores);
    }
    app->target_executors = static_cast<int32_t>(accepted);
    dirty_apps_.insert(app->app_id);
    RequestSchedule();
    v1::RequestExecutorsResponse resp;
    resp.set_accepted_total(app->target_executors);
    return resp;
  });
}

absl::StatusOr<v1::KillExecutorsResponse> ClusterManager::KillExecutors(
    const v1::KillExecutorsRequest& req) {
  return RunOnLoop([this, &req]() -> absl::StatusOr<v1::KillExecutorsResponse> {
    ApplicationRecord* app = state_.FindApp(req.app_id());
    if (app == nullptr)
      return absl::NotFoundError(absl::StrCat("unknown application ", req.app_id()));
    v1::KillExecutorsResponse resp;
    const std::string reason = req.reason().empty() ? "killed by the driver" : req.reason();
    for (const std::string& id : req.executor_ids()) {
      if (state_.FindExecutor(req.app_id(), id) == nullptr) continue;
      RemoveExecutor(req.app_id(), id, v1::EXECUTOR_STATE_KILLED, reason, /*kill_process=*/true,
                     /*shuffle_files_lost=*/false);
      resp.add_killed_executor_ids(id);
    }
    app = state_.FindApp(req.app_id());
    if (req.adjust_target() && app->description.dynamic_allocation()) {
      app->target_executors = std::max(app->description.min_executors(),
                                       app->target_executors - resp.killed_executor_ids_size());
    }
    return resp;
  });
}

absl::Status ClusterManager::UnregisterApplication(const v1::UnregisterApplicationRequest& req) {
  return RunOnLoop([this, &req] {
    if (state_.FindApp(req.app_id()) == nullptr) {
      // Idempotent for an application that already ended.
      return state_.FindAnyApp(req.app_id()) != nullptr
                 ? absl::OkStatus()
                 : absl::NotFoundError(absl::StrCat("unknown application ", req.app_id()));
    }
    v1::ApplicationState final_state = req.final_state();
    if (final_state != v1::APPLICATION_STATE_FAILED &&
        final_state != v1::APPLICATION_STATE_KILLED) {
      final_state = v1::APPLICATION_STATE_FINISHED;
    }
    EndApplication(req.app_id(), final_state,
                   req.message().empty() ? "unregistered by its driver" : req.message());
    return absl::OkStatus();
  });
}

void ClusterManager::EndApplication(const std::string& app_id, v1::ApplicationState final_state,
                                    const std::string& message) {
  ApplicationRecord* app = state_.FindApp(app_id);
  if (app == nullptr) return;
  GetLogger("cluster-manager")
      ->info("application {} ended ({}): {}", app_id, v1::ApplicationState_Name(final_state),
             message);
  std::vector<std::string> executors;
  for (const auto& [id, executor] : app->executors) executors.push_back(id);
  for (const std::string& id : executors) {
    RemoveExecutor(app_id, id, v1::EXECUTOR_STATE_KILLED,
                   absl::StrCat("application ended: ", message), /*kill_process=*/true,
                   /*shuffle_files_lost=*/false);
  }
  app = state_.FindApp(app_id);
  app->state = final_state;
  app->finished = clock_.Now();
  app->message = message;
  v1::ApplicationEvent event;
  event.mutable_application_removed()->set_state(final_state);
  event.mutable_application_removed()->set_reason(message);
  Emit(app_id, event);
  if (auto it = watchers_.find(app_id); it != watchers_.end()) {
    for (auto& queue : it->second) queue->Close();
    watchers_.erase(it);
  }
  unwatched_since_.erase(app_id);
  // Every daemon may hold shuffle files of the application (Spark's ApplicationFinished).
  v1::CleanupApplicationRequest cleanup;
  cleanup.set_manager_incarnation(incarnation_);
  cleanup.set_app_id(app_id);
  for (const auto& [daemon_id, daemon] : state_.daemons()) {
    if (daemon.state != v1::DAEMON_STATE_ALIVE) continue;
    Send([this, daemon_id = daemon_id, address = daemon.address, cleanup] {
      daemons_.CleanupApplication(
          address, cleanup,
          [this, daemon_id,
           app_id = cleanup.app_id()](absl::StatusOr<v1::CleanupApplicationResponse> r) {
            if (r.ok()) return;
            // Delivered again with the daemon's next heartbeat reply.
            PostOp([this, daemon_id, app_id] {
              if (DaemonRecord* d = state_.FindDaemon(daemon_id); d != nullptr) {
                d->pending_cleanups.insert(app_id);
              }
            });
          });
    });
  }
  dirty_apps_.insert(app_id);
  state_.CompleteApp(app_id, options_.keep_completed);
  RequestSchedule();
}

void ClusterManager::Schedule() {
  auto log = GetLogger("cluster-manager");
  ScheduleDrivers();
  AllocationPlan plan = PlanExecutors(
      state_, options_.spread_out, [this](const std::string& h) { return binaries_.Stat(h).ok(); });
  for (const ExecutorPlacement& p : plan.placements) {
    LaunchExecutor(*state_.FindApp(p.app_id), *state_.FindDaemon(p.daemon_id));
  }
  for (const auto& [app_id, reason] : plan.waiting_reasons) {
    ApplicationRecord* app = state_.FindApp(app_id);
    if (app == nullptr || app->waiting_reason == reason) continue;
    if (reason.empty()) {
      log->info("application {} no longer waiting: {} executors", app_id, app->executors.size());
    } else {
      log->info("application {} waiting: {}", app_id, reason);
    }
    app->waiting_reason = reason;
  }
}

void ClusterManager::LaunchExecutor(ApplicationRecord& app, DaemonRecord& daemon) {
  ExecutorRecord& executor =
      state_.AddExecutor(app, daemon, /*executor_id=*/"", v1::EXECUTOR_STATE_LAUNCHING);
  UpdateAppState(app);
  dirty_apps_.insert(app.app_id);
  GetLogger("cluster-manager")
      ->info("launching executor {}/{} on {} ({})", app.app_id, executor.executor_id,
             daemon.daemon_id, DescribeResources(executor.resources));
  Emit(app.app_id, ExecutorAddedEvent(executor));
  v1::LaunchExecutorRequest launch;
  launch.set_manager_incarnation(incarnation_);
  launch.set_app_id(app.app_id);
  launch.set_app_name(app.description.name());
  launch.set_executor_id(executor.executor_id);
  launch.set_binary_hash(app.description.binary_hash());
  *launch.mutable_resources() = executor.resources.ToProto();
  launch.set_driver_address(app.driver_address);
  *launch.mutable_conf() = app.description.conf();
  Send([this, address = daemon.address, daemon_id = daemon.daemon_id, launch] {
    daemons_.LaunchExecutor(
        address, launch, [this, daemon_id, launch](absl::StatusOr<v1::LaunchExecutorResponse> r) {
          if (r.ok()) return;
          PostOp([this, daemon_id, launch, status = r.status()] {
            ExecutorRecord* e = state_.FindExecutor(launch.app_id(), launch.executor_id());
            if (e == nullptr || e->daemon_id != daemon_id) return;
            ApplicationRecord* app = state_.FindApp(launch.app_id());
            ++app->executor_failures;
            RemoveExecutor(
                launch.app_id(), launch.executor_id(), v1::EXECUTOR_STATE_FAILED,
                absl::StrCat("launch on daemon ", daemon_id, " failed: ", status.ToString()),
                /*kill_process=*/false, /*shuffle_files_lost=*/false);
            app = state_.FindApp(launch.app_id());
            if (app != nullptr && app->executor_failures >= options_.max_executor_failures &&
                app->executors.empty()) {
              EndApplication(
                  launch.app_id(), v1::APPLICATION_STATE_FAILED,
                  absl::StrCat(app->executor_failures,
                               " executor launches failed in a row; last: ", status.ToString()));
            }
          });
        });
  });
}

}  // namespace centella::cluster_manager

// ClusterManager: the standalone cluster manager's core — daemons, applications,
// executors, cluster-mode drivers, allocation, liveness and recovery — without gRPC.
// ClusterManagerService adapts it to the ClusterManager gRPC service; tests drive it
// directly with a FakeDaemonClient, a FakeClock and a FakeStorage.
//
// Threading: one EventLoop owns every piece of mutable state. The public methods may be
// called from any thread (gRPC handlers); each posts its work to the loop and waits for
// the answer. Orders to daemons go out asynchronously through DaemonClient; their outcomes
// come back as loop work too, so the loop never blocks on the network.
//
// Every operation ends the same way on the loop: (1) re-run allocation if anything that
// affects it changed, (2) write changed entities to the recovery store, (3) only then send
// the orders the operation produced. Persisting before acting means a restarted manager
// never forgets an executor or application the cluster already depends on.
//
// Lifecycles (see docs/cluster.md):
//   daemon:      ALIVE --silent for worker_timeout--> removed (executors LOST)
//                      --another daemon registers at its address--> removed
//                removed --RegisterDaemon (same id)--> ALIVE, booked afresh: executors it
//                      still runs are killed, never adopted back (their drivers were told
//                      they were lost); applications that ended meanwhile are cleaned up
//                UNKNOWN (recovered) --RegisterDaemon--> ALIVE | --timeout--> removed
//   application: WAITING <--> RUNNING (has executors) --Unregister/failures--> completed
//                UNKNOWN (recovered) --RegisterApplication(app_id)--> WAITING/RUNNING
//   executor:    LAUNCHING --daemon reports--> RUNNING --exit/kill/daemon lost--> removed
//   driver:      SUBMITTED --placed--> RUNNING --exit--> FINISHED/FAILED/KILLED
//                (supervised: FAILED or daemon lost --> RELAUNCHING --> SUBMITTED)
// While recovering (state read back, not yet confirmed) nothing new is placed; recovery
// ends when everything re-registered or one worker timeout after start.
#ifndef CENTELLA_CLUSTER_MANAGER_CLUSTER_MANAGER_H_
#define CENTELLA_CLUSTER_MANAGER_CLUSTER_MANAGER_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "cluster-manager/app_event_queue.h"
#include "cluster-manager/binary_store.h"
#include "cluster-manager/cluster_state.h"
#include "cluster-manager/daemon_client.h"
#include "cluster-manager/recovery_store.h"
#include "cluster_manager.pb.h"
#include "common/clock/clock.h"
#include "common/event_loop/event_loop.h"
#include "common/storage/storage.h"

namespace centella::cluster_manager {

struct ClusterManagerOptions {
  // "host:port" where this manager is reached; sent in ManagerChanged events and to
  // cluster-mode drivers. With --port 0 it is known only later: SetAdvertisedAddress.
  std::string advertised_address;
  // A daemon silent this long is lost; also how long recovery waits for re-registrations.
  // The cluster promises that a daemon cut off from the network is lost within 10 s of
  // its last heartbeat: that takes worker_timeout + check_interval (+ the loop's delay),
  // so the default leaves 1.75 s of room; daemons heartbeat 8 times per timeout.
  absl::Duration worker_timeout = absl::Seconds(8);
  // Heartbeat period asked of daemons (capped at worker_timeout / 4).
  absl::Duration heartbeat_interval = absl::Seconds(1);
  // Real-time period of the liveness and recovery check, which reads the injected clock.
  // Zero disables the background check; tests then call Tick() after moving a FakeClock.
  absl::Duration check_interval = absl::Milliseconds(250);
  // true: one executor per daemon per round (spread); false: fill daemons one by one.
  bool spread_out = true;
  // An application fails after this many executor failures in a row with no executor
  // RUNNING (Spark's spark.deploy.maxExecutorRetries).
  int32_t max_executor_failures = 10;
  // Finished applications and drivers remembered for listings and status queries.
  size_t keep_completed = 200;
};

class ClusterManager {
 public:
  // `clock`, `daemons` and `binaries` are not owned and must outlive the manager.
  // `recovery` (may be null: no recovery) is not owned either; when set, the state stored
  // there is read back now and the manager starts recovering. Errors: reading the
  // recovery store failed.
  static absl::StatusOr<std::unique_ptr<ClusterManager>> Create(ClusterManagerOptions options,
                                                                Clock& clock, DaemonClient& daemons,
                                                                BinaryStore& binaries,
                                                                Storage* recovery);
  // Shuts down (see Shutdown) and drains the loop.
  ~ClusterManager();

  ClusterManager(const ClusterManager&) = delete;
  ClusterManager& operator=(const ClusterManager&) = delete;

  // Ends every WatchApplication stream and stops the background check. Idempotent.
  void Shutdown();

  void SetAdvertisedAddress(std::string address);
  // Random id of this manager process (fixed at creation).
  const std::string& incarnation() const { return incarnation_; }

  // --- daemons ---
  absl::StatusOr<v1::RegisterDaemonResponse> RegisterDaemon(const v1::RegisterDaemonRequest& req);
  absl::StatusOr<v1::DaemonHeartbeatResponse> DaemonHeartbeat(
      const v1::DaemonHeartbeatRequest& req);
  absl::Status ExecutorStateChanged(const v1::ExecutorStateChangedRequest& req);
  absl::Status DriverStateChanged(const v1::DriverStateChangedRequest& req);

  // --- applications ---
  absl::StatusOr<v1::RegisterApplicationResponse> RegisterApplication(
      const v1::RegisterApplicationRequest& req);
  // A new event queue for the application, already holding ManagerChanged and one
  // ExecutorAdded per live executor; later events follow until the application ends (or
  // the manager shuts down), when the queue is closed. For a finished application the
  // queue holds ManagerChanged and ApplicationRemoved and is closed. NotFound if unknown.
  // The caller must call StopWatching when it stops reading.
  absl::StatusOr<std::shared_ptr<AppEventQueue>> WatchApplication(const std::string& app_id);
  void StopWatching(const std::string& app_id, const std::shared_ptr<AppEventQueue>& queue);
  absl::StatusOr<v1::RequestExecutorsResponse> RequestExecutors(
      const v1::RequestExecutorsRequest& req);
  absl::StatusOr<v1::KillExecutorsResponse> KillExecutors(const v1::KillExecutorsRequest& req);
  absl::Status UnregisterApplication(const v1::UnregisterApplicationRequest& req);

  // --- submit ---
  absl::StatusOr<v1::SubmitDriverResponse> SubmitDriver(const v1::SubmitDriverRequest& req);
  absl::StatusOr<v1::KillDriverResponse> KillDriver(const v1::KillDriverRequest& req);
  absl::StatusOr<v1::DriverStatusResponse> DriverStatus(const v1::DriverStatusRequest& req);
  absl::StatusOr<v1::ListApplicationsResponse> ListApplications(
      const v1::ListApplicationsRequest& req);
  // A binary was stored: applications waiting for it can be served now.
  void OnBinaryStored();

  // Runs the liveness and recovery check now (the background check calls it too).
  void Tick();
  // Whether state read from the recovery directory is still being confirmed.
  bool recovering();

  // Runs `fn(state, now)` on the loop and returns its result: the read-only view the
  // status UI renders from. `fn` must not change the state. Unavailable once the loop has
  // stopped. Not from the loop thread.
  template <typename T, typename Fn>
  absl::StatusOr<T> ReadState(Fn fn) {
    return RunOnLoop(
        [this, &fn]() -> absl::StatusOr<T> { return fn(std::as_const(state_), clock_.Now()); });
  }

 private:
  ClusterManager(ClusterManagerOptions options, Clock& clock, DaemonClient& daemons,
                 BinaryStore& binaries, Storage* recovery);

  // Runs `fn` on the loop, then FinishOp, and returns its result to the calling thread.
  template <typename Fn>
  auto RunOnLoop(Fn fn) -> decltype(fn());
  // Queues `fn` (+ FinishOp) on the loop without waiting; for daemon replies.
  void PostOp(absl::AnyInvocable<void()> fn);
  // The end of every loop operation: schedule, persist, send orders (see class comment).
  void FinishOp();
  void Send(absl::AnyInvocable<void()> order) { outbox_.push_back(std::move(order)); }
  void RequestSchedule() { schedule_needed_ = true; }
  void PersistDirty();

  // cluster_manager.cc: daemons and liveness.
  absl::StatusOr<v1::RegisterDaemonResponse> RegisterDaemonOnLoop(
      const v1::RegisterDaemonRequest& req);
  v1::DaemonHeartbeatResponse HeartbeatOnLoop(const v1::DaemonHeartbeatRequest& req);
  void CheckLivenessOnLoop();
  void RemoveDaemon(const std::string& daemon_id, const std::string& reason);
  int64_t HeartbeatIntervalMs() const;

  // cluster_manager_apps.cc: applications, executors, allocation.
  absl::StatusOr<v1::RegisterApplicationResponse> RegisterApplicationOnLoop(
      const v1::RegisterApplicationRequest& req);
  std::shared_ptr<AppEventQueue> WatchOnLoop(const std::string& app_id, absl::Status* status);
  absl::Status ExecutorStateChangedOnLoop(const v1::ExecutorStateChangedRequest& req);
  void Schedule();
  void LaunchExecutor(ApplicationRecord& app, DaemonRecord& daemon);
  // Removes a live executor, tells its driver, and optionally orders its process killed.
  void RemoveExecutor(const std::string& app_id, const std::string& executor_id,
                      v1::ExecutorState state, const std::string& message, bool kill_process,
                      bool shuffle_files_lost, std::optional<int32_t> exit_code = std::nullopt,
                      std::optional<int32_t> signal = std::nullopt);
  // Ends an active application: kills its executors, tells its watchers, cleans up.
  void EndApplication(const std::string& app_id, v1::ApplicationState final_state,
                      const std::string& message);
  void UpdateAppState(ApplicationRecord& app);
  void Emit(const std::string& app_id, const v1::ApplicationEvent& event);
  v1::ApplicationEvent ExecutorAddedEvent(const ExecutorRecord& executor);
  std::string NewId(const char* prefix, int64_t& counter);
  v1::ApplicationInfo AppInfo(const ApplicationRecord& app) const;

  // cluster_manager_drivers.cc: cluster-mode drivers.
  void ScheduleDrivers();
  // The driver's process is gone (`state`): relaunch if supervised, else complete it.
  void DriverGone(DriverRecord& driver, v1::DriverState state, const std::string& message);
  void CompleteDriver(DriverRecord& driver, v1::DriverState state, const std::string& message);
  absl::Status DriverStateChangedOnLoop(const v1::DriverStateChangedRequest& req);
  v1::DriverInfo DriverInfoOf(const DriverRecord& driver) const;

  // cluster_manager_recovery.cc.
  absl::Status LoadRecoveredState();
  void MaybeCompleteRecovery(bool deadline_passed);

  const ClusterManagerOptions options_;
  Clock& clock_;
  DaemonClient& daemons_;
  BinaryStore& binaries_;
  std::optional<RecoveryStore> recovery_store_;
  const std::string incarnation_;

  // --- owned by the loop thread ---
  std::string advertised_address_;
  ClusterState state_;
  std::map<std::string, std::vector<std::shared_ptr<AppEventQueue>>> watchers_;
  // Apps that had a watcher and lost it, with when: a driver gone for worker_timeout ends.
  std::map<std::string, absl::Time> unwatched_since_;
  // Daemons removed as lost, by id, with the applications active at that moment (they
  // may have files there). A daemon that registers again is told to clean up those that
  // ended meanwhile: their CleanupApplication could not reach it. At most
  // kMaxLostDaemons are remembered, the most recently lost; not persisted (after a
  // manager restart, files of applications that ended meanwhile stay until the daemon's
  // work directory is cleared).
  struct LostDaemon {
    absl::Time lost_at;
    std::set<std::string> apps;
  };
  static constexpr size_t kMaxLostDaemons = 1024;
  std::map<std::string, LostDaemon> lost_daemons_;
  std::set<std::string> dirty_apps_, dirty_daemons_, dirty_drivers_;
  std::vector<absl::AnyInvocable<void()>> outbox_;
  bool schedule_needed_ = false;
  bool recovering_ = false;
  absl::Time recovery_deadline_;
  int64_t next_app_number_ = 0;
  int64_t next_driver_number_ = 0;
  size_t driver_round_robin_ = 0;
  bool shut_down_ = false;

  absl::Notification stop_ticker_;
  std::thread ticker_;
  // Declared last so that it is destroyed first: work still queued runs while every
  // member it touches is alive.
  EventLoop loop_{"cluster-manager", clock_};
};

template <typename Fn>
auto ClusterManager::RunOnLoop(Fn fn) -> decltype(fn()) {
  using Result = decltype(fn());
  return loop_.RunAndWait<Result>([this, &fn]() -> Result {
    Result result = fn();
    FinishOp();
    return result;
  });
}

}  // namespace centella::cluster_manager

#endif  // CENTELLA_CLUSTER_MANAGER_CLUSTER_MANAGER_H_

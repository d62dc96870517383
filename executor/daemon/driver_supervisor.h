// DriverSupervisor: cluster-mode driver processes (centella-submit --deploy-mode
// cluster), optionally supervised.
//
//   Launch --> (fetch, spawn) --> RUNNING --exit 0--> FINISHED
//                 |                  |------killed--> KILLED
//                 v                  +--non-zero--> FAILED, or with supervise:
//               ERROR                      RELAUNCHING --backoff--> spawn again
//
// A supervised driver that fails is restarted after a backoff that doubles from 1 s up
// to 1 min and starts over once a run lasted longer than a minute. Each state change is
// reported to the manager (DriverStateChanged) from a reporting thread; a failed terminal
// report is kept, listed at the next registration and re-sent after heartbeats.
//
// Thread safety: public methods may be called from any thread except the loop's; they
// block until the loop has handled them.
#ifndef CENTELLA_EXECUTOR_DAEMON_DRIVER_SUPERVISOR_H_
#define CENTELLA_EXECUTOR_DAEMON_DRIVER_SUPERVISOR_H_

#include <sys/types.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "cluster_manager.pb.h"
#include "common/clock/clock.h"
#include "common/event_loop/event_loop.h"
#include "common/thread_pool/thread_pool.h"
#include "executor/daemon/binary_cache.h"
#include "executor/daemon/child_reaper.h"
#include "executor/daemon/manager_client.h"
#include "executor/daemon/process_environment.h"
#include "executor/daemon/work_dir_layout.h"
#include "executor_daemon.pb.h"

namespace centella {

class DriverSupervisor {
 public:
  // Pointers are not owned and must outlive the supervisor.
  DriverSupervisor(DaemonIdentity identity, WorkDirLayout layout, ManagerClient* manager,
                   BinaryCache* binaries, ChildReaper* reaper, Clock& clock,
                   absl::Duration default_kill_grace);
  // Kills every driver still running (SIGKILL) and stops.
  ~DriverSupervisor();
  DriverSupervisor(const DriverSupervisor&) = delete;
  DriverSupervisor& operator=(const DriverSupervisor&) = delete;

  // started=false when the driver is already known here (idempotent).
  absl::StatusOr<v1::LaunchDriverResponse> Launch(const v1::LaunchDriverRequest& request);
  // SIGTERM, SIGKILL after the grace period; never restarted afterwards.
  absl::StatusOr<v1::KillDriverProcessResponse> Kill(const v1::KillDriverProcessRequest& request);

  std::vector<v1::DaemonDriver> Snapshot();
  std::vector<std::string> Running();
  void MarkReported(const std::vector<v1::DaemonDriver>& reported);
  void RetryPendingReports();

 private:
  struct Record {
    v1::LaunchDriverRequest request;
    v1::DriverState state = v1::DRIVER_STATE_SUBMITTED;  // until the first spawn
    pid_t pid = 0;
    bool kill_requested = false;
    absl::Time started;
    absl::Duration restart_backoff = absl::Seconds(1);
    int launches = 0;
    v1::DriverStateChangedRequest final_report;
    bool reported = false;
    bool report_in_flight = false;
  };

  static bool IsTerminal(v1::DriverState state);
  void StartAttempt(const std::string& driver_id);
  absl::StatusOr<pid_t> Spawn(const v1::LaunchDriverRequest& request);
  void OnSpawned(const std::string& driver_id, absl::StatusOr<pid_t> pid);
  void OnExit(const std::string& driver_id, const ProcessExit& exit);
  void SetState(const std::string& driver_id, Record& record, v1::DriverState state,
                const ProcessExit* exit, std::string message);

  const DaemonIdentity identity_;
  const WorkDirLayout layout_;
  ManagerClient* const manager_;
  BinaryCache* const binaries_;
  ChildReaper* const reaper_;
  Clock& clock_;
  const absl::Duration default_kill_grace_;

  std::map<std::string, Record> records_;  // loop thread only

  struct Liveness {
    absl::Mutex mu;
    bool alive ABSL_GUARDED_BY(mu) = true;
  };
  std::shared_ptr<Liveness> liveness_ = std::make_shared<Liveness>();

  ThreadPool reports_;
  ThreadPool launches_;
  EventLoop loop_;  // last: destroyed first
};

}  // namespace centella

#endif  // CENTELLA_EXECUTOR_DAEMON_DRIVER_SUPERVISOR_H_

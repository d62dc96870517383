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
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "cluster_manager.pb.h"
#include "executor/daemon/child_supervisor.h"
#include "executor_daemon.pb.h"

namespace centella {

class DriverSupervisor final : public ChildSupervisor {
 public:
  explicit DriverSupervisor(SupervisorDeps deps);
  // Kills every driver still running (SIGKILL) and stops.
  ~DriverSupervisor();

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

  std::map<std::string, Record> records_;  // loop thread only
};

}  // namespace centella

#endif  // CENTELLA_EXECUTOR_DAEMON_DRIVER_SUPERVISOR_H_

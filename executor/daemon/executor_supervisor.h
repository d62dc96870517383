// ExecutorSupervisor: the executor processes of one daemon — launch, registration, kill,
// exit reporting and application cleanup.
//
// Lifecycle of one (app_id, executor_id), owned by the supervisor's event loop:
//
//   Launch --> LAUNCHING --spawned--> (pid) --RegisterProcess--> RUNNING
//                  |                    |                           |
//                  +-- fetch/exec fails +--------- exit ------------+
//                  v                    v                           v
//               FAILED        EXITED (code 0) / FAILED (non-zero, signal) / KILLED (we killed it)
//
// Every terminal state is reported to the manager at once (ExecutorStateChanged) from a
// reporting thread; a report that fails stays pending, is listed in the next
// registration and is re-sent after the next successful heartbeat. Records stay until
// CleanupApplication, so a repeated Launch of the same ids never starts a second process.
//
// Slow work (binary download, fork/exec, directory deletion) runs off the loop; the loop
// only does bookkeeping and signals. Child exits arrive from the ChildReaper.
//
// Thread safety: all public methods may be called from any thread except the loop's; they
// block until the loop has handled them.
#ifndef CENTELLA_EXECUTOR_DAEMON_EXECUTOR_SUPERVISOR_H_
#define CENTELLA_EXECUTOR_DAEMON_EXECUTOR_SUPERVISOR_H_

#include <sys/types.h>

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "cluster_manager.pb.h"
#include "executor/daemon/child_supervisor.h"
#include "executor_daemon.pb.h"

namespace centella {

class ExecutorSupervisor final : public ChildSupervisor {
 public:
  explicit ExecutorSupervisor(SupervisorDeps deps);
  // Kills every executor still running (SIGKILL to its process group) and stops.
  ~ExecutorSupervisor();

  // started=false when these ids were launched before (idempotent). InvalidArgument for
  // ids unusable as directory names. The outcome arrives at the manager later.
  absl::StatusOr<v1::LaunchExecutorResponse> Launch(const v1::LaunchExecutorRequest& request);
  // SIGTERM to the process group, SIGKILL after the grace period; reported KILLED.
  absl::StatusOr<v1::KillExecutorResponse> Kill(const v1::KillExecutorRequest& request);
  // SIGKILL to the app's executors, then deletes apps/<app_id>/ (shuffle files included).
  absl::StatusOr<v1::CleanupApplicationResponse> Cleanup(const std::string& app_id);
  // NotFound for unknown ids; FailedPrecondition when `pid` is not the process we started
  // or it already exited; Unavailable while the fork has not been recorded yet (retry).
  absl::StatusOr<v1::RegisterExecutorProcessResponse> RegisterProcess(
      const v1::RegisterExecutorProcessRequest& request);

  // For (re-)registration: executors alive, plus terminal states not yet reported.
  std::vector<v1::DaemonExecutor> Snapshot();
  // For heartbeats: executors alive.
  std::vector<v1::ExecutorRef> Running();
  // The terminal states in `reported` reached the manager inside a registration.
  void MarkReported(const std::vector<v1::DaemonExecutor>& reported);
  // Re-sends terminal states whose report failed.
  void RetryPendingReports();

 private:
  using Key = std::pair<std::string, std::string>;  // (app_id, executor_id)

  struct Record {
    v1::LaunchExecutorRequest request;
    v1::ExecutorState state = v1::EXECUTOR_STATE_LAUNCHING;
    pid_t pid = 0;
    bool kill_requested = false;
    std::string kill_reason;
    std::string executor_address;
    // Terminal only: the change to report and whether the manager has it.
    v1::ExecutorStateChangedRequest final_report;
    bool reported = false;
    bool report_in_flight = false;
  };

  static bool IsTerminal(v1::ExecutorState state);

  // Launch pool: fetch, prepare directories, spawn.
  void Start(Key key, v1::LaunchExecutorRequest request);
  absl::StatusOr<pid_t> Spawn(const v1::LaunchExecutorRequest& request);
  // Loop thread.
  void OnSpawned(const Key& key, absl::StatusOr<pid_t> pid);
  void OnExit(const Key& key, const ProcessExit& exit);
  void Finish(Record& record, v1::ExecutorState state, std::optional<int> exit_code,
              std::optional<int> signal, std::string message);
  void SendKill(const Key& key, Record& record, absl::Duration grace);
  void SendFinalReport(const Key& key, Record& record);
  void Report(v1::ExecutorStateChangedRequest change, std::optional<Key> terminal_key);

  std::map<Key, Record> records_;  // loop thread only
};

}  // namespace centella

#endif  // CENTELLA_EXECUTOR_DAEMON_EXECUTOR_SUPERVISOR_H_

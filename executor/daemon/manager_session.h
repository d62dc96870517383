// ManagerSession: the daemon's standing relationship with the cluster manager —
// registration, heartbeats, re-registration and fencing.
//
//   unregistered --RegisterDaemon ok--> registered(incarnation) --heartbeat OK--> ...
//        ^   |  fails: retry with backoff        |
//        |   +-------------------------------<---+ reply REREGISTER, or NOT_FOUND /
//        |                                         FAILED_PRECONDITION: register again
//        +-- heartbeat fails (manager down): keep the incarnation, retry with backoff;
//            executors and drivers keep running meanwhile.
//
// Registration lists what runs here (so a restarted manager rebuilds its books instead of
// launching duplicates) and carries terminal states not yet reported. The kill and
// cleanup lists of every reply are obeyed. Orders from the manager are fenced: one that
// carries another incarnation than the registered one is refused (CheckIncarnation).
//
// All RPCs run on the session's own timer thread, so a slow manager never blocks the
// daemon's gRPC handlers or its event loops.
// Thread safety: CheckIncarnation and incarnation() may be called from any thread.
#ifndef CENTELLA_EXECUTOR_DAEMON_MANAGER_SESSION_H_
#define CENTELLA_EXECUTOR_DAEMON_MANAGER_SESSION_H_

#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/clock/clock.h"
#include "common/event_loop/event_loop.h"
#include "executor/daemon/executor_supervisor.h"
#include "executor/daemon/manager_client.h"

namespace centella {

class DriverSupervisor;

struct ManagerSessionOptions {
  std::string daemon_id;
  std::string host;
  std::string address;
  v1::ResourceSpec resources;
  std::string work_dir;  // for free_disk_bytes
  absl::Duration heartbeat_interval = absl::Seconds(1);
  absl::Duration max_retry_backoff = absl::Seconds(3);
};

class ManagerSession {
 public:
  // Pointers are not owned and must outlive the session; `drivers` may be null.
  ManagerSession(ManagerSessionOptions options, ManagerClient* manager,
                 ExecutorSupervisor* executors, DriverSupervisor* drivers, Clock& clock);
  // Stop().
  ~ManagerSession();

  // Registers now (in the background) and heartbeats from then on.
  void Start();
  // Ends heartbeats; waits for a call in progress. Idempotent.
  void Stop();

  // OK when `incarnation` is the one this daemon registered with; FailedPrecondition
  // otherwise (stale manager, or not registered yet).
  absl::Status CheckIncarnation(const std::string& incarnation) const ABSL_LOCKS_EXCLUDED(mu_);
  // Empty until registered.
  std::string incarnation() const ABSL_LOCKS_EXCLUDED(mu_);

 private:
  void Tick();
  absl::Status Register();
  absl::Status Heartbeat();
  void Obey(const google::protobuf::RepeatedPtrField<v1::ExecutorRef>& executors_to_kill,
            const google::protobuf::RepeatedPtrField<std::string>& drivers_to_kill,
            const google::protobuf::RepeatedPtrField<std::string>& apps_to_clean_up);

  const ManagerSessionOptions options_;
  ManagerClient* const manager_;
  ExecutorSupervisor* const executors_;
  DriverSupervisor* const drivers_;
  Clock& clock_;
  const absl::Time start_time_;

  // Timer thread only.
  bool registered_ = false;
  absl::Duration interval_;
  absl::Duration backoff_ = absl::ZeroDuration();

  mutable absl::Mutex mu_;
  std::string incarnation_ ABSL_GUARDED_BY(mu_);

  // Runs Tick (register, then heartbeats) on its own thread, timed on the clock. Last:
  // stopped before the state it uses goes away.
  EventLoop loop_;
};

}  // namespace centella

#endif  // CENTELLA_EXECUTOR_DAEMON_MANAGER_SESSION_H_

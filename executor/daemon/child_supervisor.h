// ChildSupervisor: the base of the daemon's supervisors of child processes
// (ExecutorSupervisor, DriverSupervisor): the machinery they are built on. Each subclass
// keeps its own records and state machine and runs them on loop().
//
// It holds what the daemon gives a supervisor (SupervisorDeps) and runs three kinds of
// threads: the event loop that owns the supervisor's records (its state machine runs
// there only), a launch pool for the slow work of starting a child (binary download,
// directories, fork/exec) and one report thread, so that state changes reach the manager
// in the order they happened. Child exits, from the ChildReaper, are handed to the loop.
//
// Shutdown order matters because closures of one kind post to another: the subclass's
// destructor calls Stop, which stops delivering exits (a child may outlive the
// supervisor), drains the launch pool, runs the subclass's last loop work (killing
// children still running), drains the report pool, then stops the loop — all before the
// subclass's records, which those closures touch, are destroyed.
//
// Supervisors are neither copyable nor movable: closures on their threads hold `this`.
//
// Thread safety: OnLaunchPool, OnReportThread, WatchExit and the accessors may be called
// from any thread; RunOnLoop from any thread but the loop's (it blocks until the loop ran
// it).
#ifndef CENTELLA_EXECUTOR_DAEMON_CHILD_SUPERVISOR_H_
#define CENTELLA_EXECUTOR_DAEMON_CHILD_SUPERVISOR_H_

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/functional/any_invocable.h"
#include "absl/functional/function_ref.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/clock/clock.h"
#include "common/event_loop/event_loop.h"
#include "common/thread_pool/thread_pool.h"
#include "executor/daemon/binary_cache.h"
#include "executor/daemon/child_reaper.h"
#include "executor/daemon/manager_client.h"
#include "executor/daemon/process_environment.h"
#include "executor/daemon/work_dir_layout.h"

namespace centella {

// What the daemon gives each of its supervisors. Pointers are not owned and must outlive
// the supervisor.
struct SupervisorDeps {
  DaemonIdentity identity;
  WorkDirLayout layout;
  ManagerClient* manager = nullptr;
  BinaryCache* binaries = nullptr;
  ChildReaper* reaper = nullptr;
  Clock* clock = nullptr;
  // For kills that do not give a grace period.
  absl::Duration default_kill_grace;
};

class ChildSupervisor {
 public:
  ChildSupervisor(const ChildSupervisor&) = delete;
  ChildSupervisor& operator=(const ChildSupervisor&) = delete;

 protected:
  // `child_kind` ("executor", "driver") names the children in logs; `thread_prefix` names
  // the threads: <prefix>-supervisor (the loop), <prefix>-launches, <prefix>-reports.
  ChildSupervisor(SupervisorDeps deps, std::string child_kind, const std::string& thread_prefix,
                  int launch_threads);
  ~ChildSupervisor() = default;  // Stop has stopped every thread

  // See the shutdown order above; `last_on_loop` runs on the loop. Call once.
  void Stop(absl::FunctionRef<void()> last_on_loop);

  EventLoop& loop() { return loop_; }
  // Runs `fn` on the loop and waits for it; skips it once the loop is stopping (the
  // daemon is shutting down: callers then see no records).
  void RunOnLoop(absl::FunctionRef<void()> fn);
  void OnLaunchPool(absl::AnyInvocable<void()> work) { launches_.Schedule(std::move(work)); }
  void OnReportThread(absl::AnyInvocable<void()> work) { reports_.Schedule(std::move(work)); }
  // Hands the exit of child `pid` to `on_exit` on the loop, unless Stop has begun. Call it
  // after posting the spawn's outcome to the loop, so that the exit of a child that dies
  // at once is handled after its spawn.
  void WatchExit(pid_t pid, std::function<void(const ProcessExit&)> on_exit);

  // The grace period of a kill: `grace_period_ms` when positive, else the default.
  absl::Duration KillGrace(int64_t grace_period_ms) const;

  const DaemonIdentity& identity() const { return deps_.identity; }
  const WorkDirLayout& layout() const { return deps_.layout; }
  ManagerClient& manager() const { return *deps_.manager; }
  BinaryCache& binaries() const { return *deps_.binaries; }
  Clock& clock() const { return *deps_.clock; }
  absl::Duration default_kill_grace() const { return deps_.default_kill_grace; }

 private:
  // Reaper callbacks may fire after the supervisor is gone (a child outliving it): they
  // check this flag under its mutex before posting to the loop.
  struct Liveness {
    absl::Mutex mu;
    bool alive ABSL_GUARDED_BY(mu) = true;
  };

  const SupervisorDeps deps_;
  const std::string child_kind_;
  std::shared_ptr<Liveness> liveness_ = std::make_shared<Liveness>();
  ThreadPool reports_;  // one thread: reports reach the manager in order
  ThreadPool launches_;
  EventLoop loop_;
};

}  // namespace centella

#endif  // CENTELLA_EXECUTOR_DAEMON_CHILD_SUPERVISOR_H_

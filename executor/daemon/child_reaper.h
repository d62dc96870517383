// ChildReaper: one thread that notices the exit of watched child processes at once and
// reaps them.
//
// It polls a pidfd per child (Linux >= 5.3) and then calls waitpid on exactly that pid,
// rather than blocking in waitpid(-1): waitpid(-1) would also reap children that are not
// ours — those of another daemon in the same test process, or of the embedding program —
// and steal their exit status. The poll wakes as soon as the kernel marks the child a
// zombie, so an exit is reported within milliseconds.
//
//   pid --Watch--> watched --exit--> waitpid(pid) --> callback(ProcessExit) --> forgotten
//
// Thread safety: Watch may be called from any thread. Callbacks run on the reaper thread,
// one at a time; they must be quick (post to an event loop) and must not call Watch.
#ifndef CENTELLA_EXECUTOR_DAEMON_CHILD_REAPER_H_
#define CENTELLA_EXECUTOR_DAEMON_CHILD_REAPER_H_

#include <sys/types.h>

#include <map>
#include <optional>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"

namespace centella {

// How a child ended: exactly one of exit_code and signal is set.
struct ProcessExit {
  pid_t pid = 0;
  std::optional<int> exit_code;
  std::optional<int> signal;

  // "exit code 3" / "signal 9 (Killed)", for logs and state messages.
  std::string Describe() const;
};

class ChildReaper {
 public:
  using ExitCallback = absl::AnyInvocable<void(const ProcessExit&)>;

  // Starts the reaper thread. Aborts (CHECK) if the kernel lacks pidfd support or no
  // eventfd can be created: the daemon cannot work without noticing exits.
  ChildReaper();
  // Stops the thread. Children still watched are neither killed nor reaped.
  ~ChildReaper();
  ChildReaper(const ChildReaper&) = delete;
  ChildReaper& operator=(const ChildReaper&) = delete;

  // Calls `on_exit` once when child `pid` exits (also if it already has). Internal
  // error if `pid` is not a child of this process or is already watched.
  absl::Status Watch(pid_t pid, ExitCallback on_exit) ABSL_LOCKS_EXCLUDED(mu_);

 private:
  struct Watched {
    pid_t pid;
    ExitCallback on_exit;
  };

  void Run();

  int wake_fd_ = -1;  // eventfd: a new child is watched, or stop
  absl::Mutex mu_;
  std::map<int, Watched> by_pidfd_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace centella

#endif  // CENTELLA_EXECUTOR_DAEMON_CHILD_REAPER_H_

// Starting and signalling child processes (executors, cluster-mode drivers).
//
// SpawnProcess forks and execs `executable` in a new process group (so a kill reaches
// whatever the child started too), in `working_dir`, with stdout/stderr appended to the
// given files, exactly the environment in `env` (nothing inherited), and, when
// `memory_limit_bytes` > 0, RLIMIT_AS set to it before exec.
//
// Everything the child needs is prepared before fork: between fork and exec the child
// only makes async-signal-safe system calls, because the daemon is multithreaded and a
// lock held by another thread at fork time (malloc's, spdlog's) would never be released.
// An exec failure is reported back through a close-on-exec pipe, so SpawnProcess returns
// an error instead of a child that exits 127 (that child is reaped before returning).
//
// The caller owns the child: it must arrange for it to be reaped (ChildReaper).
// Thread-safe.
#ifndef CENTELLA_EXECUTOR_DAEMON_PROCESS_LAUNCHER_H_
#define CENTELLA_EXECUTOR_DAEMON_PROCESS_LAUNCHER_H_

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace centella {

struct ProcessSpec {
  std::string executable;          // absolute path
  std::vector<std::string> argv;   // argv[0] first; empty = {executable}
  std::vector<std::string> env;    // "KEY=value" entries, the whole environment
  std::string working_dir;         // must exist
  std::string stdout_path;         // created or appended to
  std::string stderr_path;         // created or appended to
  int64_t memory_limit_bytes = 0;  // RLIMIT_AS; 0 = no limit
};

// The RLIMIT_AS that enforces a memory grant of `memory_bytes`: the grant plus a virtual
// overhead of max(1 GiB, grant / 4). An address-space limit counts reservations, not
// use — the binary's mapping, 8 MiB per thread stack (gRPC and task threads), glibc's
// 64 MiB malloc arenas — so a limit equal to the grant made a 512 MiB executor fail its
// first allocations (std::bad_alloc in the task stream) while using far less. Like
// Spark's spark.executor.memoryOverhead, the overhead is on top of what is granted.
int64_t AddressSpaceLimitFor(int64_t memory_bytes);

// Starts the process; returns its pid, which is also its process group id. Errors name
// the file (cannot open the output files, exec failed with errno text).
absl::StatusOr<pid_t> SpawnProcess(const ProcessSpec& spec);

// Sends `signal` to the process group led by `pid`. False when the group no longer
// exists (ESRCH).
bool SignalProcessGroup(pid_t pid, int signal);

}  // namespace centella

#endif  // CENTELLA_EXECUTOR_DAEMON_PROCESS_LAUNCHER_H_

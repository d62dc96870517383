// The environment of the processes a daemon starts (docs/cluster.md, "Executor
// process"): the documented CENTELLA_* variables, the request's extra variables, and a
// few variables the daemon passes on from its own environment.
//
// Nothing else is inherited, so an executor sees the same environment whichever shell
// started its daemon. Passed on when set: PATH, HOME, USER, LANG, LC_ALL, TZ, TMPDIR,
// LD_LIBRARY_PATH (a job binary linked against libraries outside the system paths) and
// CENTELLA_LOG_LEVEL. The documented variables win over the request's, so a request
// cannot make an executor impersonate another application.
//
// Pure functions; thread-safe.
#ifndef CENTELLA_EXECUTOR_DAEMON_PROCESS_ENVIRONMENT_H_
#define CENTELLA_EXECUTOR_DAEMON_PROCESS_ENVIRONMENT_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "executor_daemon.pb.h"

namespace centella {

// What every child learns about the daemon that started it.
struct DaemonIdentity {
  std::string daemon_id;
  std::string address;      // "host:port" of ExecutorDaemon + ShuffleService
  std::string host;         // advertised host; executors bind there
  std::string secret_file;  // absolute; empty when insecure
  bool insecure = false;
};

// "KEY=value" entries for an executor of `request` whose shuffle output goes to
// `shuffle_dir` (absolute). InvalidArgument when the request's conf has a bad key.
absl::StatusOr<std::vector<std::string>> ExecutorEnvironment(
    const v1::LaunchExecutorRequest& request, const DaemonIdentity& daemon,
    const std::string& shuffle_dir);

// "KEY=value" entries for a cluster-mode driver: CENTELLA_ROLE=driver,
// CENTELLA_DEPLOY_MODE=cluster, CENTELLA_DRIVER_ID, CENTELLA_APP_NAME,
// CENTELLA_MASTER=centella://<manager_address>, CENTELLA_HOST, CENTELLA_CONF,
// CENTELLA_DAEMON_ADDRESS, CENTELLA_SECRET_FILE / CENTELLA_INSECURE.
absl::StatusOr<std::vector<std::string>> DriverEnvironment(const v1::LaunchDriverRequest& request,
                                                           const DaemonIdentity& daemon);

}  // namespace centella

#endif  // CENTELLA_EXECUTOR_DAEMON_PROCESS_ENVIRONMENT_H_

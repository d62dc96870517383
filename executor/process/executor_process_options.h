// ExecutorProcessOptions: what an executor process is told by the daemon that starts it
// (the environment listed in docs/cluster.md).
#ifndef CENTELLA_EXECUTOR_PROCESS_EXECUTOR_PROCESS_OPTIONS_H_
#define CENTELLA_EXECUTOR_PROCESS_EXECUTOR_PROCESS_OPTIONS_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/config/conf.h"

namespace centella {

inline constexpr char kRoleEnvVar[] = "CENTELLA_ROLE";

struct ExecutorProcessOptions {
  std::string app_id;
  std::string app_name;
  std::string executor_id;
  std::string driver_address;
  std::string daemon_address;
  std::string host;
  int cores = 1;
  int64_t memory_bytes = 0;
  std::string shuffle_dir;
  std::string secret_file;  // empty with insecure
  bool insecure = false;
  Conf conf;
  // The executor exits when it cannot reach its driver for this long.
  absl::Duration driver_timeout = absl::Seconds(30);

  // From the environment; InvalidArgument naming the first missing or malformed variable.
  static absl::StatusOr<ExecutorProcessOptions> FromEnvironment();
};

// True when this process was started by a daemon as an executor.
bool IsExecutorProcess();

}  // namespace centella

#endif  // CENTELLA_EXECUTOR_PROCESS_EXECUTOR_PROCESS_OPTIONS_H_

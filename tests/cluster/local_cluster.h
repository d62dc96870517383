// LocalCluster: a real standalone cluster for tests — one centella-cluster-manager and
// executor daemons (centella-executor), each a separate process on 127.0.0.1 with
// `--port 0`, found through their address files, authenticated with a fresh secret.
#ifndef CENTELLA_TESTS_CLUSTER_LOCAL_CLUSTER_H_
#define CENTELLA_TESTS_CLUSTER_LOCAL_CLUSTER_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "tests/cluster/child_process.h"

namespace centella {

struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout + stderr
};

// Runs a shell command to completion.
CommandResult RunCommand(const std::string& command);

class LocalCluster {
 public:
  // `dir` receives logs, work directories and the secret; `build_dir` holds bin/.
  static absl::StatusOr<std::unique_ptr<LocalCluster>> Start(std::string dir,
                                                             std::string build_dir,
                                                             int daemons, int cores_per_daemon,
                                                             const std::string& worker_timeout = "10s");
  ~LocalCluster();

  // Starts one more executor daemon; returns its index.
  absl::StatusOr<int> AddDaemon(int cores, const std::string& memory = "4g");

  std::string master() const { return "centella://" + manager_address_; }
  const std::string& secret_file() const { return secret_file_; }
  ChildProcess& manager() { return *manager_; }
  ChildProcess& daemon(int i) { return *daemons_[i]; }
  // Restarts the manager on the same port with the same recovery directory.
  absl::Status RestartManager();

  // centella-submit in client mode against this cluster; `args` follow the options.
  CommandResult Submit(const std::string& options, const std::string& program_and_args);

  // Every process's log, for failure messages.
  std::string Logs() const;

 private:
  LocalCluster() = default;
  absl::Status StartManager(int port);

  std::string dir_, build_dir_, secret_file_, worker_timeout_;
  std::string manager_address_;
  int manager_port_ = 0;
  std::unique_ptr<ChildProcess> manager_;
  std::vector<std::unique_ptr<ChildProcess>> daemons_;
};

}  // namespace centella

#endif  // CENTELLA_TESTS_CLUSTER_LOCAL_CLUSTER_H_

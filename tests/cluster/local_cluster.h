// LocalCluster: a real standalone cluster for tests — one centella-cluster-manager and
// executor daemons (centella-executor), each a separate process on 127.0.0.1 with
// `--port 0`, found through their address files, authenticated with a fresh secret.
#ifndef CENTELLA_TESTS_CLUSTER_LOCAL_CLUSTER_H_
#define CENTELLA_TESTS_CLUSTER_LOCAL_CLUSTER_H_

#include <signal.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "cluster_manager.pb.h"
#include "tests/run_command.h"
#include "tests/cluster/child_process.h"

namespace centella {

// A new empty directory for one test: <tmp>/<prefix>-<test name>-<pid>.
std::string FreshTestDir(const std::string& prefix);

// Polls `condition` every `poll` until it holds (true) or `timeout` passes (false).
bool WaitUntil(const std::function<bool()>& condition, absl::Duration timeout,
               absl::Duration poll = absl::Milliseconds(10));

// A free TCP port on 127.0.0.1 outside the kernel's ephemeral range (0 if none found):
// for a manager that is restarted on its port, which a `--port 0` server or a client's
// outgoing connection could otherwise take while it is down.
int UnusedPortOutsideEphemeralRange();

class LocalCluster {
 public:
  // `dir` receives logs, work directories and the secret; `build_dir` holds bin/. The
  // manager listens on `manager_port` (0: any free port, see UnusedPortOutsideEphemeralRange).
  static absl::StatusOr<std::unique_ptr<LocalCluster>> Start(std::string dir,
                                                             std::string build_dir,
                                                             int daemons, int cores_per_daemon,
                                                             const std::string& worker_timeout = "10s",
                                                             int manager_port = 0);
  ~LocalCluster();

  // Starts one more executor daemon; returns its index.
  absl::StatusOr<int> AddDaemon(int cores, const std::string& memory = "4g");

  std::string master() const { return "centella://" + manager_address_; }
  const std::string& secret_file() const { return secret_file_; }
  ChildProcess& manager() { return *manager_; }
  ChildProcess& daemon(int i) { return *daemons_[i]; }
  // Daemon `i`'s gRPC "host:port" (line 1 of its address file), which is also where its
  // shuffle output is served.
  const std::string& daemon_address(int i) const { return daemon_addresses_[i]; }
  // Kills the manager with `signal` (SIGKILL: no chance to clean up) and reaps it.
  void StopManager(int signal = SIGKILL);
  // Restarts the manager on the same port with the same recovery directory, killing it
  // first with SIGKILL if it still runs; retries for a while if the port is taken. Each
  // incarnation logs to its own file.
  absl::Status RestartManager();
  // The current manager incarnation's log.
  std::string ManagerLog() const { return manager_ ? manager_->Log() : ""; }
  // <dir>/daemon<i>-work.
  std::string daemon_work_dir(int i) const;
  int num_daemons() const { return static_cast<int>(daemons_.size()); }

  // An executor process that a daemon started, as /proc shows it.
  struct ExecutorProcess {
    pid_t pid = -1;
    std::string app_id;       // CENTELLA_APP_ID of its environment
    std::string executor_id;  // CENTELLA_EXECUTOR_ID, as the driver knows it
  };
  // The live executor processes of daemon `i` (its children; zombies excluded), for
  // tests that kill one.
  std::vector<ExecutorProcess> ExecutorsOfDaemon(int i);

  // centella-submit in client mode against this cluster; `args` follow the options.
  CommandResult Submit(const std::string& options, const std::string& program_and_args);
  // The shell command Submit runs, for a test that redirects its streams itself.
  std::string SubmitCommand(const std::string& options, const std::string& program_and_args) const;
  // The same, started in the background; its output goes to <dir>/<log_name>.
  absl::StatusOr<std::unique_ptr<ChildProcess>> SubmitAsync(const std::string& options,
                                                            const std::string& program_and_args,
                                                            const std::string& log_name);

  // The manager's ListApplications (gRPC, with the cluster's secret).
  absl::StatusOr<v1::ListApplicationsResponse> ListApplications(bool include_completed = false);

  // Every process's log (all manager incarnations), for failure messages.
  std::string Logs() const;

 private:
  LocalCluster() = default;
  absl::Status StartManager(int port, absl::Duration retry_for);

  std::string dir_, build_dir_, secret_file_, worker_timeout_;
  int manager_incarnations_ = 0;
  std::vector<std::string> old_manager_logs_;
  std::string manager_address_;
  int manager_port_ = 0;
  std::unique_ptr<ChildProcess> manager_;
  std::vector<std::unique_ptr<ChildProcess>> daemons_;
  std::vector<std::string> daemon_addresses_;  // by index, as daemons_
};

}  // namespace centella

#endif  // CENTELLA_TESTS_CLUSTER_LOCAL_CLUSTER_H_

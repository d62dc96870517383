// DaemonTestEnv: what the daemon tests share — a temporary work directory, a secret
// file, a FakeClusterManager serving the test program as a job binary, and a Daemon
// started in-process on 127.0.0.1 port 0.
#ifndef CENTELLA_EXECUTOR_DAEMON_DAEMON_TEST_ENV_H_
#define CENTELLA_EXECUTOR_DAEMON_DAEMON_TEST_ENV_H_

#include <map>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "common/auth/shared_secret.h"
#include "executor/daemon/daemon.h"
#include "executor/daemon/fake_cluster_manager.h"
#include "executor_daemon.grpc.pb.h"
#include "shuffle.grpc.pb.h"

namespace centella {

class DaemonTestEnv {
 public:
  // Creates the directory and secret, starts the fake manager (not the daemon).
  DaemonTestEnv();
  ~DaemonTestEnv();

  // Starts the daemon against the fake manager and waits until it registered.
  absl::Status StartDaemon();

  const std::string& root() const { return root_; }
  const std::string& secret_file() const { return secret_file_; }
  const SharedSecret& secret() const { return secret_; }
  FakeClusterManager& manager() { return *manager_; }
  Daemon& daemon() { return *daemon_; }
  void StopDaemon() { daemon_.reset(); }

  // The test program's bytes and content hash (served by the fake manager).
  const std::string& program_hash() const { return program_hash_; }

  // Clients authenticated with the secret.
  std::unique_ptr<v1::ExecutorDaemon::Stub> DaemonStub() const;
  std::unique_ptr<v1::ShuffleService::Stub> ShuffleStub() const;

  // A LaunchExecutorRequest for the test program with the current incarnation.
  v1::LaunchExecutorRequest LaunchRequest(const std::string& app_id,
                                          const std::string& executor_id) const;

  // Waits for the test program's ./environment file of an executor and parses it.
  absl::StatusOr<std::map<std::string, std::string>> ReadEnvironment(const std::string& app_id,
                                                                     const std::string& executor_id,
                                                                     absl::Duration timeout) const;
  // Pids in the executor's ./launches file (one per process started).
  std::vector<int> Launches(const std::string& app_id, const std::string& executor_id) const;

 private:
  std::string root_;
  std::string secret_file_;
  SharedSecret secret_;
  std::string program_hash_;
  std::unique_ptr<FakeClusterManager> manager_;
  std::unique_ptr<Daemon> daemon_;
};

}  // namespace centella

#endif  // CENTELLA_EXECUTOR_DAEMON_DAEMON_TEST_ENV_H_

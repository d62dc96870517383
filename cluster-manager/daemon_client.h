// DaemonClient: how the cluster manager gives orders to executor daemons (the
// ExecutorDaemon service of executor_daemon.proto).
//
// Every call is asynchronous: it returns at once and `done` runs later with the daemon's
// reply or the failure (mapped from gRPC one-to-one). The manager's event loop must never
// wait on the network, so it posts the outcome back to itself from `done`.
//
// Contract for implementations:
//  * `done` runs exactly once, on any thread (possibly inside the call itself).
//  * No `done` runs after the client's destructor has returned (the real client waits for
//    calls in flight), so callbacks may capture objects that outlive the client.
//  * Thread-safe: calls may come from any thread.
#ifndef CENTELLA_CLUSTER_MANAGER_DAEMON_CLIENT_H_
#define CENTELLA_CLUSTER_MANAGER_DAEMON_CLIENT_H_

#include <string>

#include "absl/functional/any_invocable.h"
#include "absl/status/statusor.h"
#include "executor_daemon.pb.h"

namespace centella::cluster_manager {

template <typename Response>
using DaemonCallback = absl::AnyInvocable<void(absl::StatusOr<Response>) &&>;

class DaemonClient {
 public:
  virtual ~DaemonClient() = default;

  // `daemon_address` is the daemon's gRPC "host:port" from its registration.
  virtual void LaunchExecutor(const std::string& daemon_address,
                              const v1::LaunchExecutorRequest& request,
                              DaemonCallback<v1::LaunchExecutorResponse> done) = 0;
  virtual void KillExecutor(const std::string& daemon_address,
                            const v1::KillExecutorRequest& request,
                            DaemonCallback<v1::KillExecutorResponse> done) = 0;
  virtual void LaunchDriver(const std::string& daemon_address,
                            const v1::LaunchDriverRequest& request,
                            DaemonCallback<v1::LaunchDriverResponse> done) = 0;
  virtual void KillDriver(const std::string& daemon_address,
                          const v1::KillDriverProcessRequest& request,
                          DaemonCallback<v1::KillDriverProcessResponse> done) = 0;
  virtual void CleanupApplication(const std::string& daemon_address,
                                  const v1::CleanupApplicationRequest& request,
                                  DaemonCallback<v1::CleanupApplicationResponse> done) = 0;
};

}  // namespace centella::cluster_manager

#endif  // CENTELLA_CLUSTER_MANAGER_DAEMON_CLIENT_H_

// GrpcDaemonClient: the real DaemonClient over gRPC's callback API, one channel per daemon
// address, every call authenticated with the cluster's shared secret and bounded by a
// deadline (a daemon that does not answer is reported as DEADLINE_EXCEEDED, not waited on).
//
// Thread safety: all methods may be called from any thread. The destructor blocks until
// every call in flight has run its callback.
#ifndef CENTELLA_CLUSTER_MANAGER_GRPC_DAEMON_CLIENT_H_
#define CENTELLA_CLUSTER_MANAGER_GRPC_DAEMON_CLIENT_H_

#include <map>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "cluster-manager/daemon_client.h"
#include "common/auth/shared_secret.h"
#include "executor_daemon.grpc.pb.h"

namespace centella::cluster_manager {

class GrpcDaemonClient final : public DaemonClient {
 public:
  // `secret` is copied. `deadline` bounds every call.
  explicit GrpcDaemonClient(SharedSecret secret, absl::Duration deadline = absl::Seconds(10));
  ~GrpcDaemonClient() override;

  void LaunchExecutor(const std::string& daemon_address, const v1::LaunchExecutorRequest& request,
                      DaemonCallback<v1::LaunchExecutorResponse> done) override;
  void KillExecutor(const std::string& daemon_address, const v1::KillExecutorRequest& request,
                    DaemonCallback<v1::KillExecutorResponse> done) override;
  void LaunchDriver(const std::string& daemon_address, const v1::LaunchDriverRequest& request,
                    DaemonCallback<v1::LaunchDriverResponse> done) override;
  void KillDriver(const std::string& daemon_address, const v1::KillDriverProcessRequest& request,
                  DaemonCallback<v1::KillDriverProcessResponse> done) override;
  void CleanupApplication(const std::string& daemon_address,
                          const v1::CleanupApplicationRequest& request,
                          DaemonCallback<v1::CleanupApplicationResponse> done) override;

 private:
  // Starts one unary call: `method(async, context, request, response, on_done)` issues it
  // on the stub's callback interface.
  template <typename Request, typename Response, typename Method>
  void Call(const std::string& daemon_address, const Request& request, Method method,
            DaemonCallback<Response> done);
  v1::ExecutorDaemon::Stub* StubFor(const std::string& daemon_address) ABSL_LOCKS_EXCLUDED(mu_);

  const SharedSecret secret_;
  const absl::Duration deadline_;
  absl::Mutex mu_;
  std::map<std::string, std::unique_ptr<v1::ExecutorDaemon::Stub>> stubs_ ABSL_GUARDED_BY(mu_);
  int in_flight_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace centella::cluster_manager

#endif  // CENTELLA_CLUSTER_MANAGER_GRPC_DAEMON_CLIENT_H_

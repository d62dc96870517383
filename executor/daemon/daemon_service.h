// DaemonServiceImpl: the gRPC ExecutorDaemon service (executor_daemon.proto), a thin
// adapter: authenticate, fence manager orders by incarnation, call the supervisor, map
// absl::Status one-to-one to grpc::Status.
//
// Thread-safe (handlers block on the supervisors' event loops, never on each other).
#ifndef CENTELLA_EXECUTOR_DAEMON_DAEMON_SERVICE_H_
#define CENTELLA_EXECUTOR_DAEMON_DAEMON_SERVICE_H_

#include <atomic>
#include <string>

#include "common/auth/shared_secret.h"
#include "executor/daemon/driver_supervisor.h"
#include "executor/daemon/executor_supervisor.h"
#include "executor/daemon/manager_session.h"
#include "executor_daemon.grpc.pb.h"

namespace centella {

class DaemonServiceImpl final : public v1::ExecutorDaemon::Service {
 public:
  explicit DaemonServiceImpl(SharedSecret secret) : secret_(std::move(secret)) {}

  // The daemon's id and address are known only once its server listens (port 0), and the
  // supervisors need them; until Attach, calls get UNAVAILABLE. Pointers are not owned
  // and must stay valid until the server has shut down. Call once.
  void Attach(ManagerSession* session, ExecutorSupervisor* executors, DriverSupervisor* drivers);

  grpc::Status LaunchExecutor(grpc::ServerContext* context,
                              const v1::LaunchExecutorRequest* request,
                              v1::LaunchExecutorResponse* response) override;
  grpc::Status KillExecutor(grpc::ServerContext* context, const v1::KillExecutorRequest* request,
                            v1::KillExecutorResponse* response) override;
  grpc::Status LaunchDriver(grpc::ServerContext* context, const v1::LaunchDriverRequest* request,
                            v1::LaunchDriverResponse* response) override;
  grpc::Status KillDriver(grpc::ServerContext* context, const v1::KillDriverProcessRequest* request,
                          v1::KillDriverProcessResponse* response) override;
  grpc::Status CleanupApplication(grpc::ServerContext* context,
                                  const v1::CleanupApplicationRequest* request,
                                  v1::CleanupApplicationResponse* response) override;
  grpc::Status RegisterExecutorProcess(grpc::ServerContext* context,
                                       const v1::RegisterExecutorProcessRequest* request,
                                       v1::RegisterExecutorProcessResponse* response) override;

 private:
  // Authenticates, then checks that the daemon is attached.
  grpc::Status Admit(const grpc::ServerContext& context) const;
  // Admit, then fences an order of the manager by the incarnation it carries: refused
  // (ManagerSession::CheckIncarnation's error, mapped) before registration or when it
  // comes from another incarnation than the one the session registered with.
  grpc::Status AdmitManagerOrder(const grpc::ServerContext& context,
                                 const std::string& manager_incarnation) const;

  const SharedSecret secret_;
  std::atomic<bool> attached_{false};
  // Written once before attached_ is set (release), read after it is seen (acquire).
  ManagerSession* session_ = nullptr;
  ExecutorSupervisor* executors_ = nullptr;
  DriverSupervisor* drivers_ = nullptr;
};

}  // namespace centella

#endif  // CENTELLA_EXECUTOR_DAEMON_DAEMON_SERVICE_H_

#include "executor/daemon/daemon_service.h"

#include "common/status/grpc_status.h"

namespace centella {
namespace {

// Copies a successful result into the reply; maps an error one-to-one.
template <typename T>
grpc::Status Reply(absl::StatusOr<T> result, T* response) {
  if (!result.ok()) return ToGrpcStatus(result.status());
  *response = *std::move(result);
  return grpc::Status::OK;
}

}  // namespace

void DaemonServiceImpl::Attach(ManagerSession* session, ExecutorSupervisor* executors,
                               DriverSupervisor* drivers) {
  session_ = session;
  executors_ = executors;
  drivers_ = drivers;
  attached_.store(true, std::memory_order_release);
}

grpc::Status DaemonServiceImpl::Admit(const grpc::ServerContext& context) const {
  if (auto s = secret_.Check(context); !s.ok()) return s;
  if (!attached_.load(std::memory_order_acquire)) {
    return grpc::Status(grpc::StatusCode::UNAVAILABLE, "the executor daemon is starting");
  }
  return grpc::Status::OK;
}

grpc::Status DaemonServiceImpl::AdmitManagerOrder(const grpc::ServerContext& context,
                                                  const std::string& manager_incarnation) const {
  if (auto s = Admit(context); !s.ok()) return s;
  return ToGrpcStatus(session_->CheckIncarnation(manager_incarnation));
}

grpc::Status DaemonServiceImpl::LaunchExecutor(grpc::ServerContext* context,
                                               const v1::LaunchExecutorRequest* request,
                                               v1::LaunchExecutorResponse* response) {
  if (auto s = AdmitManagerOrder(*context, request->manager_incarnation()); !s.ok()) return s;
  return Reply(executors_->Launch(*request), response);
}

grpc::Status DaemonServiceImpl::KillExecutor(grpc::ServerContext* context,
                                             const v1::KillExecutorRequest* request,
                                             v1::KillExecutorResponse* response) {
  if (auto s = AdmitManagerOrder(*context, request->manager_incarnation()); !s.ok()) return s;
  return Reply(executors_->Kill(*request), response);
}

grpc::Status DaemonServiceImpl::LaunchDriver(grpc::ServerContext* context,
                                             const v1::LaunchDriverRequest* request,
                                             v1::LaunchDriverResponse* response) {
  if (auto s = AdmitManagerOrder(*context, request->manager_incarnation()); !s.ok()) return s;
  return Reply(drivers_->Launch(*request), response);
}

grpc::Status DaemonServiceImpl::KillDriver(grpc::ServerContext* context,
                                           const v1::KillDriverProcessRequest* request,
                                           v1::KillDriverProcessResponse* response) {
  if (auto s = AdmitManagerOrder(*context, request->manager_incarnation()); !s.ok()) return s;
  return Reply(drivers_->Kill(*request), response);
}

grpc::Status DaemonServiceImpl::CleanupApplication(grpc::ServerContext* context,
                                                   const v1::CleanupApplicationRequest* request,
                                                   v1::CleanupApplicationResponse* response) {
  if (auto s = AdmitManagerOrder(*context, request->manager_incarnation()); !s.ok()) return s;
  return Reply(executors_->Cleanup(request->app_id()), response);
}

grpc::Status DaemonServiceImpl::RegisterExecutorProcess(
    grpc::ServerContext* context, const v1::RegisterExecutorProcessRequest* request,
    v1::RegisterExecutorProcessResponse* response) {
  if (auto s = Admit(*context); !s.ok()) return s;
  // Called by executor processes, not the manager: no incarnation to fence.
  return Reply(executors_->RegisterProcess(*request), response);
}

}  // namespace centella

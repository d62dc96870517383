#include "cluster-manager/grpc_daemon_client.h"

#include <chrono>
#include <utility>

#include "common/status/grpc_status.h"
#include "grpcpp/client_context.h"

namespace centella::cluster_manager {

GrpcDaemonClient::GrpcDaemonClient(SharedSecret secret, absl::Duration deadline)
    : secret_(std::move(secret)), deadline_(deadline) {}

GrpcDaemonClient::~GrpcDaemonClient() {
  absl::MutexLock lock(&mu_);
  mu_.Await(absl::Condition(
      +[](int* in_flight) { return *in_flight == 0; }, &in_flight_));
}

v1::ExecutorDaemon::Stub* GrpcDaemonClient::StubFor(const std::string& daemon_address) {
  absl::MutexLock lock(&mu_);
  auto& stub = stubs_[daemon_address];
  if (stub == nullptr) stub = v1::ExecutorDaemon::NewStub(secret_.Connect(daemon_address));
  return stub.get();
}

template <typename Request, typename Response, typename Method>
void GrpcDaemonClient::Call(const std::string& daemon_address, const Request& request,
                            Method method, DaemonCallback<Response> done) {
  // Context, request and response must live until gRPC runs the completion callback.
  struct Pending {
    grpc::ClientContext context;
    Request request;
    Response response;
    DaemonCallback<Response> done;
  };
  auto pending = std::make_shared<Pending>();
  pending->request = request;
  pending->done = std::move(done);
  pending->context.set_deadline(absl::ToChronoTime(absl::Now() + deadline_));
  {
    absl::MutexLock lock(&mu_);
    ++in_flight_;
  }
  v1::ExecutorDaemon::Stub* stub = StubFor(daemon_address);
  method(stub->async(), &pending->context, &pending->request, &pending->response,
         [this, pending](grpc::Status status) {
           absl::StatusOr<Response> result =
               status.ok() ? absl::StatusOr<Response>(std::move(pending->response))
                           : absl::StatusOr<Response>(FromGrpcStatus(status));
           std::move(pending->done)(std::move(result));
           absl::MutexLock lock(&mu_);
           --in_flight_;
         });
}

void GrpcDaemonClient::LaunchExecutor(const std::string& daemon_address,
                                      const v1::LaunchExecutorRequest& request,
                                      DaemonCallback<v1::LaunchExecutorResponse> done) {
  Call<v1::LaunchExecutorRequest, v1::LaunchExecutorResponse>(
      daemon_address, request, [](auto* async, auto... args) { async->LaunchExecutor(args...); },
      std::move(done));
}

void GrpcDaemonClient::KillExecutor(const std::string& daemon_address,
                                    const v1::KillExecutorRequest& request,
                                    DaemonCallback<v1::KillExecutorResponse> done) {
  Call<v1::KillExecutorRequest, v1::KillExecutorResponse>(
      daemon_address, request, [](auto* async, auto... args) { async->KillExecutor(args...); },
      std::move(done));
}

void GrpcDaemonClient::LaunchDriver(const std::string& daemon_address,
                                    const v1::LaunchDriverRequest& request,
                                    DaemonCallback<v1::LaunchDriverResponse> done) {
  Call<v1::LaunchDriverRequest, v1::LaunchDriverResponse>(
      daemon_address, request, [](auto* async, auto... args) { async->LaunchDriver(args...); },
      std::move(done));
}

void GrpcDaemonClient::KillDriver(const std::string& daemon_address,
                                  const v1::KillDriverProcessRequest& request,
                                  DaemonCallback<v1::KillDriverProcessResponse> done) {
  Call<v1::KillDriverProcessRequest, v1::KillDriverProcessResponse>(
      daemon_address, request, [](auto* async, auto... args) { async->KillDriver(args...); },
      std::move(done));
}

void GrpcDaemonClient::CleanupApplication(const std::string& daemon_address,
                                          const v1::CleanupApplicationRequest& request,
                                          DaemonCallback<v1::CleanupApplicationResponse> done) {
  Call<v1::CleanupApplicationRequest, v1::CleanupApplicationResponse>(
      daemon_address, request,
      [](auto* async, auto... args) { async->CleanupApplication(args...); }, std::move(done));
}

}  // namespace centella::cluster_manager

#include "executor/daemon/grpc_manager_client.h"

#include <chrono>

#include "absl/strings/str_cat.h"
#include "common/status/grpc_status.h"
#include "grpcpp/client_context.h"

namespace centella {
namespace {

void SetDeadline(grpc::ClientContext* context, absl::Duration timeout) {
  context->set_deadline(std::chrono::system_clock::now() + absl::ToChronoMilliseconds(timeout));
}

}  // namespace

GrpcManagerClient::GrpcManagerClient(std::shared_ptr<grpc::Channel> channel,
                                     absl::Duration rpc_timeout, absl::Duration fetch_timeout)
    : stub_(v1::ClusterManager::NewStub(std::move(channel))),
      rpc_timeout_(rpc_timeout),
      fetch_timeout_(fetch_timeout) {}

absl::StatusOr<v1::RegisterDaemonResponse> GrpcManagerClient::RegisterDaemon(
    const v1::RegisterDaemonRequest& request) {
  grpc::ClientContext context;
  SetDeadline(&context, rpc_timeout_);
  v1::RegisterDaemonResponse response;
  grpc::Status s = stub_->RegisterDaemon(&context, request, &response);
  if (!s.ok()) return FromGrpcStatus(s);
  return response;
}

absl::StatusOr<v1::DaemonHeartbeatResponse> GrpcManagerClient::DaemonHeartbeat(
    const v1::DaemonHeartbeatRequest& request) {
  grpc::ClientContext context;
  SetDeadline(&context, rpc_timeout_);
  v1::DaemonHeartbeatResponse response;
  grpc::Status s = stub_->DaemonHeartbeat(&context, request, &response);
  if (!s.ok()) return FromGrpcStatus(s);
  return response;
}

absl::Status GrpcManagerClient::ExecutorStateChanged(
    const v1::ExecutorStateChangedRequest& request) {
  grpc::ClientContext context;
  SetDeadline(&context, rpc_timeout_);
  v1::ExecutorStateChangedResponse response;
  return FromGrpcStatus(stub_->ExecutorStateChanged(&context, request, &response));
}

absl::Status GrpcManagerClient::DriverStateChanged(const v1::DriverStateChangedRequest& request) {
  grpc::ClientContext context;
  SetDeadline(&context, rpc_timeout_);
  v1::DriverStateChangedResponse response;
  return FromGrpcStatus(stub_->DriverStateChanged(&context, request, &response));
}

absl::Status GrpcManagerClient::FetchBinary(
    const std::string& content_hash, absl::FunctionRef<absl::Status(std::string_view)> sink) {
  grpc::ClientContext context;
  SetDeadline(&context, fetch_timeout_);
  v1::FetchBinaryRequest request;
  request.set_content_hash(content_hash);
  auto reader = stub_->FetchBinary(&context, request);
  v1::DataChunk chunk;
  int64_t expected_offset = 0;
  bool saw_last = false;
  absl::Status sink_status;
  while (reader->Read(&chunk)) {
    if (chunk.offset() != expected_offset) {
      sink_status =
          absl::DataLossError(absl::StrCat("binary ", content_hash, ": chunk at offset ",
                                           chunk.offset(), ", expected ", expected_offset));
    } else {
      sink_status = sink(chunk.data());
    }
    if (!sink_status.ok()) {
      context.TryCancel();
      break;
    }
    expected_offset += static_cast<int64_t>(chunk.data().size());
    saw_last = chunk.last();
  }
  grpc::Status s = reader->Finish();
  if (!sink_status.ok()) return sink_status;
  if (!s.ok()) return FromGrpcStatus(s);
  if (!saw_last) {
    return absl::DataLossError(
        absl::StrCat("binary ", content_hash, ": stream ended without its last chunk"));
  }
  return absl::OkStatus();
}

}  // namespace centella

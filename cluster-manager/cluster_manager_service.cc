#include "cluster-manager/cluster_manager_service.h"

#include <algorithm>
#include <memory>

#include "absl/strings/str_cat.h"
#include "common/logging/logger.h"
#include "common/status/grpc_status.h"

namespace centella::cluster_manager {
namespace {

constexpr int64_t kDefaultChunkBytes = 1 << 20;
// Below gRPC's 4 MiB default message limit, leaving room for the envelope.
constexpr int64_t kMaxChunkBytes = (4 << 20) - (64 << 10);

// Copies a successful result into the response, or maps the error.
template <typename Response>
grpc::Status Reply(absl::StatusOr<Response> result, Response* resp) {
  if (!result.ok()) return ToGrpcStatus(result.status());
  *resp = std::move(*result);
  return grpc::Status::OK;
}

}  // namespace

#define CHECK_SECRET(ctx) \
  if (grpc::Status s = secret_.Check(*(ctx)); !s.ok()) return s

grpc::Status ClusterManagerService::RegisterDaemon(grpc::ServerContext* ctx,
                                                   const v1::RegisterDaemonRequest* req,
                                                   v1::RegisterDaemonResponse* resp) {
  CHECK_SECRET(ctx);
  return Reply(manager_.RegisterDaemon(*req), resp);
}

grpc::Status ClusterManagerService::DaemonHeartbeat(grpc::ServerContext* ctx,
                                                    const v1::DaemonHeartbeatRequest* req,
                                                    v1::DaemonHeartbeatResponse* resp) {
  CHECK_SECRET(ctx);
  return Reply(manager_.DaemonHeartbeat(*req), resp);
}

grpc::Status ClusterManagerService::ExecutorStateChanged(grpc::ServerContext* ctx,
                                                         const v1::ExecutorStateChangedRequest* req,
                                                         v1::ExecutorStateChangedResponse*) {
  CHECK_SECRET(ctx);
  return ToGrpcStatus(manager_.ExecutorStateChanged(*req));
}

grpc::Status ClusterManagerService::DriverStateChanged(grpc::ServerContext* ctx,
                                                       const v1::DriverStateChangedRequest* req,
                                                       v1::DriverStateChangedResponse*) {
  CHECK_SECRET(ctx);
  return ToGrpcStatus(manager_.DriverStateChanged(*req));
}

grpc::Status ClusterManagerService::FetchBinary(grpc::ServerContext* ctx,
                                                const v1::FetchBinaryRequest* req,
                                                grpc::ServerWriter<v1::DataChunk>* writer) {
  CHECK_SECRET(ctx);
  int64_t chunk = req->max_chunk_bytes() > 0 ? req->max_chunk_bytes() : kDefaultChunkBytes;
  chunk = std::min(chunk, kMaxChunkBytes);
  bool client_gone = false;
  absl::Status status =
      binaries_.Read(req->content_hash(), req->offset(), chunk,
                     [&](int64_t offset, std::string_view data, int64_t total, bool last) {
                       v1::DataChunk message;
                       message.set_offset(offset);
                       message.set_data(std::string(data));
                       message.set_total_size(total);
                       message.set_last(last);
                       client_gone = !writer->Write(message);
                       return !client_gone;
                     });
  if (client_gone) return grpc::Status(grpc::StatusCode::CANCELLED, "the reader went away");
  return ToGrpcStatus(status);
}

grpc::Status ClusterManagerService::RegisterApplication(grpc::ServerContext* ctx,
                                                        const v1::RegisterApplicationRequest* req,
                                                        v1::RegisterApplicationResponse* resp) {
  CHECK_SECRET(ctx);
  return Reply(manager_.RegisterApplication(*req), resp);
}

grpc::Status ClusterManagerService::WatchApplication(
    grpc::ServerContext* ctx, const v1::WatchApplicationRequest* req,
    grpc::ServerWriter<v1::ApplicationEvent>* writer) {
  CHECK_SECRET(ctx);
  absl::StatusOr<std::shared_ptr<AppEventQueue>> queue = manager_.WatchApplication(req->app_id());
  if (!queue.ok()) return ToGrpcStatus(queue.status());
  v1::ApplicationEvent event;
  bool open = true;
  // Poll for cancellation between waits: the sync API has no other way to learn that the
  // driver went away while no event is due.
  while (open && !ctx->IsCancelled()) {
    switch ((*queue)->Pop(absl::Milliseconds(200), &event)) {
      case AppEventQueue::PopResult::kEvent:
        open = writer->Write(event);
        break;
      case AppEventQueue::PopResult::kTimeout:
        break;
      case AppEventQueue::PopResult::kClosed:
        open = false;
        break;
    }
  }
  manager_.StopWatching(req->app_id(), *queue);
  return grpc::Status::OK;
}

grpc::Status ClusterManagerService::RequestExecutors(grpc::ServerContext* ctx,
                                                     const v1::RequestExecutorsRequest* req,
                                                     v1::RequestExecutorsResponse* resp) {
  CHECK_SECRET(ctx);
  return Reply(manager_.RequestExecutors(*req), resp);
}

grpc::Status ClusterManagerService::KillExecutors(grpc::ServerContext* ctx,
                                                  const v1::KillExecutorsRequest* req,
                                                  v1::KillExecutorsResponse* resp) {
  CHECK_SECRET(ctx);
  return Reply(manager_.KillExecutors(*req), resp);
}

grpc::Status ClusterManagerService::UnregisterApplication(
    grpc::ServerContext* ctx, const v1::UnregisterApplicationRequest* req,
    v1::UnregisterApplicationResponse*) {
  CHECK_SECRET(ctx);
  return ToGrpcStatus(manager_.UnregisterApplication(*req));
}

grpc::Status ClusterManagerService::UploadBinary(
    grpc::ServerContext* ctx, grpc::ServerReader<v1::UploadBinaryRequest>* reader,
    v1::UploadBinaryResponse* resp) {
  CHECK_SECRET(ctx);
  v1::UploadBinaryRequest message;
  if (!reader->Read(&message) || !message.has_header()) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "an upload must start with its header");
  }
  const v1::UploadBinaryHeader header = message.header();
  resp->set_content_hash(header.content_hash());
  if (absl::StatusOr<int64_t> size = binaries_.Stat(header.content_hash()); size.ok()) {
    // Already stored (and verified): end early, as the protocol allows.
    resp->set_size_bytes(*size);
    resp->set_already_present(true);
    return grpc::Status::OK;
  }
  absl::StatusOr<std::unique_ptr<BinaryStore::Upload>> upload =
      binaries_.BeginUpload(header.content_hash(), header.total_size());
  if (!upload.ok()) return ToGrpcStatus(upload.status());
  while (reader->Read(&message)) {
    if (!message.has_chunk()) {
      return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "a second upload header");
    }
    absl::Status s = (*upload)->Append(message.chunk().offset(), message.chunk().data());
    if (!s.ok()) return ToGrpcStatus(s);
  }
  if (ctx->IsCancelled()) return grpc::Status(grpc::StatusCode::CANCELLED, "upload cancelled");
  if (absl::Status s = (*upload)->Commit(); !s.ok()) {
    GetLogger("cluster-manager")->warn("rejected upload {}: {}", header.name(), s.ToString());
    return ToGrpcStatus(s);
  }
  GetLogger("cluster-manager")
      ->info("stored binary {} ({}, {} bytes)", header.content_hash(), header.name(),
             header.total_size());
  resp->set_size_bytes(header.total_size());
  manager_.OnBinaryStored();
  return grpc::Status::OK;
}

grpc::Status ClusterManagerService::StatBinary(grpc::ServerContext* ctx,
                                               const v1::StatBinaryRequest* req,
                                               v1::StatBinaryResponse* resp) {
  CHECK_SECRET(ctx);
  absl::StatusOr<int64_t> size = binaries_.Stat(req->content_hash());
  if (absl::IsNotFound(size.status())) {
    resp->set_present(false);
    return grpc::Status::OK;
  }
  if (!size.ok()) return ToGrpcStatus(size.status());
  resp->set_present(true);
  resp->set_size_bytes(*size);
  return grpc::Status::OK;
}

grpc::Status ClusterManagerService::SubmitDriver(grpc::ServerContext* ctx,
                                                 const v1::SubmitDriverRequest* req,
                                                 v1::SubmitDriverResponse* resp) {
  CHECK_SECRET(ctx);
  return Reply(manager_.SubmitDriver(*req), resp);
}

grpc::Status ClusterManagerService::KillDriver(grpc::ServerContext* ctx,
                                               const v1::KillDriverRequest* req,
                                               v1::KillDriverResponse* resp) {
  CHECK_SECRET(ctx);
  return Reply(manager_.KillDriver(*req), resp);
}

grpc::Status ClusterManagerService::DriverStatus(grpc::ServerContext* ctx,
                                                 const v1::DriverStatusRequest* req,
                                                 v1::DriverStatusResponse* resp) {
  CHECK_SECRET(ctx);
  return Reply(manager_.DriverStatus(*req), resp);
}

grpc::Status ClusterManagerService::ListApplications(grpc::ServerContext* ctx,
                                                     const v1::ListApplicationsRequest* req,
                                                     v1::ListApplicationsResponse* resp) {
  CHECK_SECRET(ctx);
  return Reply(manager_.ListApplications(*req), resp);
}

#undef CHECK_SECRET

}  // namespace centella::cluster_manager

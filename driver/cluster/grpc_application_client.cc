#include "driver/cluster/grpc_application_client.h"

#include <chrono>
#include <cstdlib>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/digest/content_hash.h"
#include "common/logging/logger.h"
#include "common/status/grpc_status.h"

namespace centella {
namespace {

std::shared_ptr<spdlog::logger> Log() {
  static auto logger = GetLogger("driver");
  return logger;
}

absl::Status Annotate(const grpc::Status& s, std::string_view what) {
  absl::Status a = FromGrpcStatus(s);
  return absl::Status(a.code(), absl::StrCat(std::string(what), ": ", std::string(a.message())));
}

std::chrono::system_clock::time_point In(absl::Duration d) {
  return std::chrono::system_clock::now() + absl::ToChronoMilliseconds(d);
}

}  // namespace

GrpcApplicationClient::GrpcApplicationClient(std::string manager_address, const SharedSecret* secret)
    : manager_address_(std::move(manager_address)),
      stub_(v1::ClusterManager::NewStub(secret->Connect(manager_address_))) {
  // Set by the daemon for a cluster-mode driver: links the driver to its application.
  if (const char* id = std::getenv("CENTELLA_DRIVER_ID"); id != nullptr) driver_id_ = id;
}

GrpcApplicationClient::~GrpcApplicationClient() {
  stopping_ = true;
  {
    absl::MutexLock lock(&mu_);
    if (watch_context_ != nullptr) watch_context_->TryCancel();
  }
  if (watcher_.joinable()) watcher_.join();
}

absl::StatusOr<std::string> GrpcApplicationClient::UploadBinary(const std::string& binary_path) {
  absl::StatusOr<std::string> hash = ContentHashOfFile(binary_path);
  if (!hash.ok()) return hash.status();
  {
    grpc::ClientContext ctx;
    ctx.set_deadline(In(absl::Seconds(10)));
    v1::StatBinaryRequest req;
    req.set_content_hash(*hash);
    v1::StatBinaryResponse resp;
    grpc::Status s = stub_->StatBinary(&ctx, req, &resp);
    if (!s.ok()) {
      return Annotate(s, absl::StrCat("cluster manager ", manager_address_));
    }
    if (resp.present()) return hash;
  }
  std::ifstream in(binary_path, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  grpc::ClientContext ctx;
  ctx.set_deadline(In(absl::Minutes(5)));
  v1::UploadBinaryResponse resp;
  auto writer = stub_->UploadBinary(&ctx, &resp);
  v1::UploadBinaryRequest header;
  header.mutable_header()->set_content_hash(*hash);
  header.mutable_header()->set_total_size(static_cast<int64_t>(bytes.size()));
  header.mutable_header()->set_name(binary_path.substr(binary_path.rfind('/') + 1));
  bool ok = writer->Write(header);
  constexpr size_t kChunk = 1 << 20;
  for (size_t off = 0; ok && off < bytes.size(); off += kChunk) {
    v1::UploadBinaryRequest chunk;
    chunk.mutable_chunk()->set_offset(static_cast<int64_t>(off));
    chunk.mutable_chunk()->set_data(bytes.substr(off, kChunk));
    chunk.mutable_chunk()->set_total_size(static_cast<int64_t>(bytes.size()));
    chunk.mutable_chunk()->set_last(off + kChunk >= bytes.size());
    ok = writer->Write(chunk);
  }
  writer->WritesDone();
  grpc::Status s = writer->Finish();
  if (!s.ok()) return Annotate(s, "uploading the job binary");
  Log()->info("uploaded {} ({} bytes) as {}", binary_path, bytes.size(), *hash);
  return hash;
}

absl::StatusOr<std::string> GrpcApplicationClient::Register(v1::ApplicationDescription description,
                                                     std::string driver_address,
                                                     EventCallback on_event) {
  description_ = std::move(description);
  driver_address_ = std::move(driver_address);
  on_event_ = std::move(on_event);
  v1::RegisterApplicationRequest req = RegisterRequest();
  v1::RegisterApplicationResponse resp;
  // A manager that is restarting is retried for a while (it keeps its port and state);
  // any other answer is final.
  absl::Time give_up = absl::Now() + absl::Seconds(20);
  absl::Duration backoff = absl::Milliseconds(100);
  grpc::Status s;
  while (true) {
    grpc::ClientContext ctx;
    ctx.set_deadline(In(absl::Seconds(10)));
    s = stub_->RegisterApplication(&ctx, req, &resp);
    if (s.error_code() != grpc::StatusCode::UNAVAILABLE || absl::Now() + backoff > give_up) break;
    Log()->warn("cluster manager {} unavailable ({}); retrying", manager_address_,
                s.error_message());
    absl::SleepFor(backoff);
    backoff = std::min(backoff * 2, absl::Seconds(2));
  }
  if (!s.ok()) return Annotate(s, absl::StrCat("cluster manager ", manager_address_));
  app_id_ = resp.app_id();
  watcher_ = std::thread([this] { WatchLoop(); });
  return app_id_;
}

v1::RegisterApplicationRequest GrpcApplicationClient::RegisterRequest() const {
  v1::RegisterApplicationRequest req;
  req.set_protocol_version(v1::PROTOCOL_VERSION_CURRENT);
  *req.mutable_description() = description_;
  req.set_driver_address(driver_address_);
  req.set_driver_id(driver_id_);
  return req;
}

void GrpcApplicationClient::WatchLoop() {
  absl::Duration backoff = absl::Milliseconds(100);
  bool reregister = false;
  while (!stopping_) {
    if (reregister) {
      // The manager restarted (or the stream broke): register again under our id.
      grpc::ClientContext ctx;
      ctx.set_deadline(In(absl::Seconds(5)));
      v1::RegisterApplicationRequest req = RegisterRequest();
      req.set_app_id(app_id_);
      v1::RegisterApplicationResponse resp;
      grpc::Status s = stub_->RegisterApplication(&ctx, req, &resp);
      if (s.error_code() == grpc::StatusCode::NOT_FOUND ||
          s.error_code() == grpc::StatusCode::FAILED_PRECONDITION) {
        // The manager no longer has (or has ended) this application: nothing to rejoin.
        Log()->error("the cluster manager refused to re-register {}: {}", app_id_,
                     s.error_message());
        return;
      }
      if (!s.ok()) {
        absl::SleepFor(backoff);
        backoff = std::min(backoff * 2, absl::Seconds(2));
        continue;
      }
      Log()->info("re-registered application {} with the cluster manager", app_id_);
    }
    grpc::ClientContext ctx;
    {
      absl::MutexLock lock(&mu_);
      if (stopping_) break;
      watch_context_ = &ctx;
    }
    v1::WatchApplicationRequest req;
    req.set_app_id(app_id_);
    auto reader = stub_->WatchApplication(&ctx, req);
    v1::ApplicationEvent event;
    while (reader->Read(&event)) {
      backoff = absl::Milliseconds(100);
      on_event_(event);
    }
    grpc::Status s = reader->Finish();
    {
      absl::MutexLock lock(&mu_);
      watch_context_ = nullptr;
    }
    if (stopping_) break;
    Log()->warn("lost the cluster manager's event stream ({}); reconnecting",
                s.error_message());
    absl::SleepFor(backoff);
    backoff = std::min(backoff * 2, absl::Seconds(2));
    reregister = true;
  }
}

absl::Status GrpcApplicationClient::RequestExecutors(int target) {
  grpc::ClientContext ctx;
  ctx.set_deadline(In(absl::Seconds(5)));
  v1::RequestExecutorsRequest req;
  req.set_app_id(app_id_);
  req.set_requested_total(target);
  v1::RequestExecutorsResponse resp;
  grpc::Status s = stub_->RequestExecutors(&ctx, req, &resp);
  return s.ok() ? absl::OkStatus() : Annotate(s, "requesting executors");
}

absl::Status GrpcApplicationClient::KillExecutors(const std::vector<std::string>& executor_ids,
                                           const std::string& reason) {
  grpc::ClientContext ctx;
  ctx.set_deadline(In(absl::Seconds(5)));
  v1::KillExecutorsRequest req;
  req.set_app_id(app_id_);
  for (const std::string& id : executor_ids) req.add_executor_ids(id);
  req.set_reason(reason);
  req.set_adjust_target(true);
  v1::KillExecutorsResponse resp;
  grpc::Status s = stub_->KillExecutors(&ctx, req, &resp);
  return s.ok() ? absl::OkStatus() : Annotate(s, "releasing executors");
}

void GrpcApplicationClient::Unregister(bool succeeded, const std::string& message) {
  stopping_ = true;
  {
    absl::MutexLock lock(&mu_);
    if (watch_context_ != nullptr) watch_context_->TryCancel();
  }
  if (watcher_.joinable()) watcher_.join();
  if (app_id_.empty()) return;
  grpc::ClientContext ctx;
  ctx.set_deadline(In(absl::Seconds(5)));
  v1::UnregisterApplicationRequest req;
  req.set_app_id(app_id_);
  req.set_final_state(succeeded ? v1::APPLICATION_STATE_FINISHED : v1::APPLICATION_STATE_FAILED);
  req.set_message(message);
  v1::UnregisterApplicationResponse resp;
  stub_->UnregisterApplication(&ctx, req, &resp);
}

}  // namespace centella

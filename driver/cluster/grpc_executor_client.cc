#include "driver/cluster/grpc_executor_client.h"

#include <chrono>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"

namespace centella {

GrpcExecutorClient::GrpcExecutorClient(std::string app_id, std::string executor_id,
                                       std::shared_ptr<grpc::Channel> channel)
    : app_id_(std::move(app_id)),
      executor_id_(std::move(executor_id)),
      stub_(v1::Executor::NewStub(std::move(channel))) {}

GrpcExecutorClient::~GrpcExecutorClient() {
  context_.TryCancel();
  if (!reader_.joinable()) return;
  // The last reference may be dropped by the reader thread itself (in on_closed).
  if (reader_.get_id() == std::this_thread::get_id()) {
    reader_.detach();
  } else {
    reader_.join();
  }
}

absl::Status GrpcExecutorClient::Open(UpdateCallback on_update, ClosedCallback on_closed,
                                      absl::Duration timeout) {
  on_update_ = std::move(on_update);
  on_closed_ = std::move(on_closed);
  stream_ = stub_->TaskStream(&context_);
  v1::DriverMessage attach;
  attach.mutable_attach()->set_app_id(app_id_);
  attach.mutable_attach()->set_executor_id(executor_id_);
  {
    absl::MutexLock lock(&mu_);
    if (!Send(attach)) {
      return absl::UnavailableError(absl::StrCat("executor ", executor_id_, " unreachable"));
    }
  }
  // The first answer must come within `timeout`; a hung executor must not hang us.
  absl::Notification first;
  v1::ExecutorMessage ready;
  bool got = false;
  std::thread waiter([&] {
    got = stream_->Read(&ready);
    first.Notify();
  });
  if (!first.WaitForNotificationWithTimeout(timeout)) context_.TryCancel();
  waiter.join();
  if (!got || !ready.has_ready()) {
    grpc::Status s = stream_->Finish();
    return absl::UnavailableError(absl::StrCat("executor ", executor_id_,
                                               " did not attach: ", s.error_message()));
  }
  cores_ = ready.ready().cores();
  reader_ = std::thread([this] { ReadLoop(); });
  return absl::OkStatus();
}

bool GrpcExecutorClient::Send(const v1::DriverMessage& msg) {
  return !writes_done_ && stream_->Write(msg);
}

bool GrpcExecutorClient::Launch(const std::shared_ptr<const v1::StagePlan>& plan,
                                const std::vector<v1::TaskDescriptor>& tasks) {
  absl::MutexLock lock(&mu_);
  auto key = std::make_pair(plan->stage_id(), plan->stage_attempt());
  if (!stages_sent_.contains(key)) {
    v1::DriverMessage stage;
    *stage.mutable_launch_stage()->mutable_plan() = *plan;
    if (!Send(stage)) return false;
    stages_sent_.insert(key);
  }
  v1::DriverMessage launch;
  for (const v1::TaskDescriptor& task : tasks) *launch.mutable_launch_tasks()->add_tasks() = task;
  return Send(launch);
}

void GrpcExecutorClient::KillTask(const std::string& task_id, const std::string& reason) {
  absl::MutexLock lock(&mu_);
  v1::DriverMessage msg;
  msg.mutable_kill_task()->set_task_id(task_id);
  msg.mutable_kill_task()->set_reason(reason);
  msg.mutable_kill_task()->set_interrupt(true);
  Send(msg);
}

void GrpcExecutorClient::RemoveStage(int stage_id) {
  absl::MutexLock lock(&mu_);
  if (absl::erase_if(stages_sent_, [stage_id](const auto& key) { return key.first == stage_id; }) ==
      0) {
    return;
  }
  v1::DriverMessage msg;
  msg.mutable_remove_stage()->set_stage_id(stage_id);
  Send(msg);
}

void GrpcExecutorClient::RemoveBroadcasts(const std::vector<int64_t>& broadcast_ids) {
  absl::MutexLock lock(&mu_);
  v1::DriverMessage msg;
  for (int64_t id : broadcast_ids) msg.mutable_remove_broadcasts()->add_broadcast_ids(id);
  Send(msg);
}

void GrpcExecutorClient::RemoveRdd(int rdd_id) {
  absl::MutexLock lock(&mu_);
  v1::DriverMessage msg;
  msg.mutable_remove_rdd()->set_rdd_id(rdd_id);
  Send(msg);
}

absl::StatusOr<std::string> GrpcExecutorClient::FetchResult(const std::string& block_id) {
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::minutes(5));
  v1::FetchResultRequest req;
  req.set_result_block_id(block_id);
  req.set_remove_after_fetch(true);
  auto reader = stub_->FetchResult(&ctx, req);
  std::string out;
  v1::DataChunk chunk;
  while (reader->Read(&chunk)) out.append(chunk.data());
  grpc::Status s = reader->Finish();
  if (!s.ok()) {
    return absl::UnavailableError(absl::StrCat("cannot fetch result ", block_id, " from executor ",
                                               executor_id_, ": ", s.error_message()));
  }
  return out;
}

void GrpcExecutorClient::Stop(const std::string& reason) {
  absl::MutexLock lock(&mu_);
  if (writes_done_) return;
  v1::DriverMessage msg;
  msg.mutable_stop()->set_reason(reason);
  Send(msg);
  stream_->WritesDone();
  writes_done_ = true;
}

void GrpcExecutorClient::ReadLoop() {
  v1::ExecutorMessage msg;
  while (stream_->Read(&msg)) {
    if (msg.has_task_update()) {
      on_update_(std::move(*msg.mutable_task_update()));
    } else if (msg.has_task_updates()) {
      for (v1::TaskResult& r : *msg.mutable_task_updates()->mutable_results()) {
        on_update_(std::move(r));
      }
    }
  }
  grpc::Status s = stream_->Finish();
  on_closed_(s.ok() ? "its task stream ended" : s.error_message());
}

}  // namespace centella

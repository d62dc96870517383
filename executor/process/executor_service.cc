#include "executor/process/executor_service.h"

#include <cstdlib>
#include <exception>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/logging/logger.h"

namespace centella {
namespace {

std::shared_ptr<spdlog::logger> Log() {
  static auto logger = GetLogger("executor");
  return logger;
}

}  // namespace

// Writes task results to the stream from one thread, coalescing every result that is
// ready into one message, and drops them once the stream is gone (a task may finish after
// its driver disconnected).
class ExecutorService::ResultWriter {
 public:
  explicit ResultWriter(grpc::ServerReaderWriter<v1::ExecutorMessage, v1::DriverMessage>* s)
      : stream_(s), thread_([this] { Run(); }) {}
  ~ResultWriter() { Close(); }

  // Sends a message directly (the ready message, before any result).
  bool WriteNow(const v1::ExecutorMessage& msg) {
    absl::MutexLock lock(&write_mu_);
    return stream_ != nullptr && stream_->Write(msg);
  }
  void Add(v1::TaskResult result) {
    absl::MutexLock lock(&mu_);
    if (!closed_) pending_.push_back(std::move(result));
  }
  // Flushes what is queued and stops; no write happens after this returns.
  void Close() {
    {
      absl::MutexLock lock(&mu_);
      if (closed_) return;
      closed_ = true;
    }
    thread_.join();
    absl::MutexLock lock(&write_mu_);
    stream_ = nullptr;
  }

 private:
  void Run() {
    while (true) {
      std::vector<v1::TaskResult> batch;
      bool closing;
      {
        absl::MutexLock lock(&mu_);
        mu_.Await(absl::Condition(
            +[](ResultWriter* w) ABSL_EXCLUSIVE_LOCKS_REQUIRED(w->mu_) {
              return w->closed_ || !w->pending_.empty();
            },
            this));
        batch.swap(pending_);
        closing = closed_;
      }
      if (!batch.empty()) {
        v1::ExecutorMessage msg;
        if (batch.size() == 1) {
          *msg.mutable_task_update() = std::move(batch[0]);
        } else {
          for (auto& r : batch) *msg.mutable_task_updates()->add_results() = std::move(r);
        }
        absl::MutexLock lock(&write_mu_);
        if (stream_ != nullptr && !stream_->Write(msg)) stream_ = nullptr;
      }
      if (closing) return;
    }
  }

  absl::Mutex write_mu_;
  grpc::ServerReaderWriter<v1::ExecutorMessage, v1::DriverMessage>* stream_
      ABSL_GUARDED_BY(write_mu_);
  absl::Mutex mu_;
  std::vector<v1::TaskResult> pending_ ABSL_GUARDED_BY(mu_);
  bool closed_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

ExecutorService::ExecutorService(std::string app_id, std::string executor_id, int cores,
                                 const SharedSecret* secret, const TaskRunner* runner,
                                 ThreadPool* pool, BroadcastCache* broadcasts)
    : app_id_(std::move(app_id)),
      executor_id_(std::move(executor_id)),
      cores_(cores),
      secret_(secret),
      runner_(runner),
      pool_(pool),
      broadcasts_(broadcasts) {}

// Exit status of an executor whose task stream failed with an exception (EX_SOFTWARE).
constexpr int kExitStreamFailure = 70;

grpc::Status ExecutorService::TaskStream(
    grpc::ServerContext* context,
    grpc::ServerReaderWriter<v1::ExecutorMessage, v1::DriverMessage>* stream) {
  if (grpc::Status s = secret_->Check(*context); !s.ok()) return s;
  v1::DriverMessage msg;
  if (!stream->Read(&msg) || !msg.has_attach()) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                        "a task stream must start with AttachStream");
  }
  if (msg.attach().app_id() != app_id_ || msg.attach().executor_id() != executor_id_) {
    return grpc::Status(grpc::StatusCode::FAILED_PRECONDITION,
                        absl::StrCat("this is executor ", executor_id_, " of ", app_id_, ", not ",
                                     msg.attach().executor_id(), " of ", msg.attach().app_id()));
  }
  {
    absl::MutexLock lock(&mu_);
    if (attached_) {
      return grpc::Status(grpc::StatusCode::ALREADY_EXISTS, "a driver is already attached");
    }
    attached_ = true;
  }
  auto writer = std::make_shared<ResultWriter>(stream);
  v1::ExecutorMessage ready;
  ready.mutable_ready()->set_executor_id(executor_id_);
  ready.mutable_ready()->set_cores(cores_);
  writer->WriteNow(ready);
  Log()->info("driver attached; running tasks on {} cores", cores_);

  bool clean = false;
  // An exception here (std::bad_alloc near the memory limit, most likely) leaves the
  // executor unable to serve its driver, which only sees the stream fail; staying alive
  // would keep its cores booked for nothing. Exit instead: the daemon reports the exit,
  // the driver re-runs the tasks, and the manager can grant the cores again.
  try {
    while (stream->Read(&msg)) {
      if (msg.has_launch_stage()) {
        const v1::StagePlan& plan = msg.launch_stage().plan();
        absl::StatusOr<std::shared_ptr<const StageInstance>> stage = BuildStageInstance(plan);
        absl::MutexLock lock(&mu_);
        if (stage.ok()) {
          stages_[{plan.stage_id(), plan.stage_attempt()}] = *std::move(stage);
        } else {
          // Tasks of this stage will fail with the reason when they arrive.
          Log()->error("cannot rebuild stage {}: {}", plan.stage_id(),
                       std::string(stage.status().message()));
          stages_.erase(std::make_pair(plan.stage_id(), plan.stage_attempt()));
          build_errors_[{plan.stage_id(), plan.stage_attempt()}] = stage.status();
        }
      } else if (msg.has_launch_tasks()) {
        for (const v1::TaskDescriptor& task : msg.launch_tasks().tasks()) {
          std::shared_ptr<const StageInstance> stage;
          absl::Status missing;
          {
            absl::MutexLock lock(&mu_);
            auto key = std::make_pair(task.stage_id(), task.stage_attempt());
            auto it = stages_.find(key);
            if (it != stages_.end()) {
              stage = it->second;
            } else {
              auto e = build_errors_.find(key);
              missing = e != build_errors_.end()
                            ? e->second
                            : absl::FailedPreconditionError(absl::StrCat(
                                  "task ", task.task_id(), " arrived before its stage plan"));
            }
          }
          std::shared_ptr<TaskInterrupt> interrupt = interrupts_.Track(task.task_id());
          pool_->Schedule([this, stage, task, writer, missing, interrupt] {
            v1::TaskResult result =
                stage ? runner_->Run(*stage, task, interrupt)
                      : UnfinishedTaskResult(task, v1::TASK_STATE_FAILED, missing);
            interrupts_.Finished(task.task_id());
            v1::TaskResult* r = &result;
            if (static_cast<int64_t>(r->value().size()) > max_inline_result_bytes_) {
              // Large results wait here until the driver fetches them (FetchResult), so one
              // big result never blocks the task stream or exceeds a message limit.
              std::string id = "taskresult_" + task.task_id();
              r->set_result_block_id(id);
              r->set_result_size(r->value().size());
              absl::MutexLock lock(&mu_);
              result_blocks_[id] = std::move(*r->mutable_value());
              r->clear_value();
            }
            writer->Add(std::move(result));
          });
        }
      } else if (msg.has_remove_stage()) {
        const int stage_id = msg.remove_stage().stage_id();
        interrupts_.ForgetStage(stage_id);
        absl::MutexLock lock(&mu_);
        absl::erase_if(stages_, [stage_id](const auto& kv) { return kv.first.first == stage_id; });
        absl::erase_if(build_errors_,
                       [stage_id](const auto& kv) { return kv.first.first == stage_id; });
      } else if (msg.has_remove_rdd()) {
        if (blocks_ != nullptr) blocks_->RemoveRdd(msg.remove_rdd().rdd_id());
      } else if (msg.has_remove_broadcasts()) {
        const auto& ids = msg.remove_broadcasts().broadcast_ids();
        broadcasts_->Remove(std::vector<int64_t>(ids.begin(), ids.end()));
      } else if (msg.has_kill_task()) {
        // The task stops at its next check (between batches of records) and reports
        // KILLED; one that has not started yet does not run.
        interrupts_.Kill(msg.kill_task().task_id(), msg.kill_task().reason());
      } else if (msg.has_stop()) {
        Log()->info("driver stopped this executor: {}", msg.stop().reason());
        clean = true;
        break;
      }
    }
  } catch (const std::exception& e) {
    Log()->critical("executor {} exits: serving the driver's task stream failed: {}", executor_id_,
                    e.what());
    Log()->flush();
    std::_Exit(kExitStreamFailure);
  }
  writer->Close();
  absl::MutexLock lock(&mu_);
  ended_ = true;
  stopped_cleanly_ = clean;
  if (!clean) Log()->warn("task stream from the driver ended");
  return grpc::Status::OK;
}

grpc::Status ExecutorService::FetchResult(grpc::ServerContext* context,
                                          const v1::FetchResultRequest* request,
                                          grpc::ServerWriter<v1::DataChunk>* writer) {
  if (grpc::Status s = secret_->Check(*context); !s.ok()) return s;
  std::string block;
  {
    absl::MutexLock lock(&mu_);
    auto it = result_blocks_.find(request->result_block_id());
    if (it == result_blocks_.end()) {
      return grpc::Status(grpc::StatusCode::NOT_FOUND,
                          "no result block " + request->result_block_id());
    }
    block = request->remove_after_fetch() ? std::move(it->second) : it->second;
    if (request->remove_after_fetch()) result_blocks_.erase(it);
  }
  const size_t chunk = request->max_chunk_bytes() > 0
                           ? std::min<size_t>(request->max_chunk_bytes(), 3 << 20)
                           : size_t{1} << 20;
  size_t offset =
      std::min<size_t>(static_cast<size_t>(std::max<int64_t>(0, request->offset())), block.size());
  do {
    v1::DataChunk c;
    c.set_offset(static_cast<int64_t>(offset));
    c.set_data(block.substr(offset, chunk));
    c.set_total_size(static_cast<int64_t>(block.size()));
    offset += c.data().size();
    c.set_last(offset >= block.size());
    if (!writer->Write(c)) break;
  } while (offset < block.size());
  return grpc::Status::OK;
}

bool ExecutorService::WaitForEnd() {
  absl::MutexLock lock(&mu_);
  mu_.Await(absl::Condition(&ended_));
  return stopped_cleanly_;
}

void ExecutorService::Abandon() {
  absl::MutexLock lock(&mu_);
  ended_ = true;
}

}  // namespace centella

#include "driver/streaming/streaming_context.h"

#include <csignal>
#include <filesystem>
#include <random>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/config/conf.h"
#include "common/event_loop/event_loop.h"
#include "common/logging/logger.h"
#include "common/status/status_macros.h"
#include "common/storage/local_storage.h"
#include "common/thread_pool/thread_pool.h"
#include "driver/streaming/dstream_node.h"
#include "driver/streaming/stream_event_log.h"
#include "driver/streaming/termination_signal.h"

namespace centella {
namespace {

std::shared_ptr<spdlog::logger> Log() { return GetLogger("streaming"); }

const ConfEntry<int64_t> kConcurrentJobs{
    "centella.streaming.concurrentJobs", 1,
    "Batches of a stream that may run at once (1: strictly one after another)."};

const ConfEntry<std::string> kCheckpoint{
    "centella.streaming.checkpoint", "",
    "Directory (shared by every node) of the stream's offsets and commits; empty: none."};
const ConfEntry<int64_t> kRetain{"centella.streaming.minBatchesToRetain", 100,
                                 "Batches of offsets and commits kept in the checkpoint."};

const ConfEntry<absl::Duration> kMaxFutureSkew{
    "centella.streaming.maxFutureSkew", absl::Minutes(1),
    "Event times further than this ahead of the clock do not move the watermark."};

constexpr absl::Duration kMinInterval = absl::Milliseconds(10);

// 128 random bits in hex: a stream's id (BatchRef::stream_id).
std::string NewStreamId() {
  std::random_device random;
  std::string id;
  for (int i = 0; i < 4; ++i) absl::StrAppend(&id, absl::Hex(random(), absl::kZeroPad8));
  return id;
}

// The watermark's entry among a commit's states.
constexpr char kWatermarkKey[] = "watermark";

std::string Millis(absl::Time t) { return absl::StrCat(absl::ToUnixMillis(t), " ms"); }

}  // namespace

absl::StatusOr<std::unique_ptr<StreamingContext>> StreamingContext::Create(
    Context& ctx, absl::Duration batch_interval, StreamingOptions options) {
  if (batch_interval < kMinInterval) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the batch interval must be at least 10 ms, not ", absl::FormatDuration(batch_interval)));
  }
  ASSIGN_OR_RETURN(int64_t jobs, ctx.conf().Get(kConcurrentJobs));
  if (jobs < 1 || jobs > 64) {
    return absl::InvalidArgumentError(
        absl::StrCat("centella.streaming.concurrentJobs must be between 1 and 64, not ", jobs));
  }
  ASSIGN_OR_RETURN(absl::Duration skew, ctx.conf().Get(kMaxFutureSkew));
  if (skew < absl::ZeroDuration()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "centella.streaming.maxFutureSkew must not be negative, not ", absl::FormatDuration(skew)));
  }
  std::string checkpoint = options.checkpoint_dir;
  if (checkpoint.empty()) {
    ASSIGN_OR_RETURN(checkpoint, ctx.conf().Get(kCheckpoint));
  }
  if (!checkpoint.empty()) {
    checkpoint = std::filesystem::absolute(checkpoint).lexically_normal().string();
  }
  absl::StatusOr<std::string> rdds = ctx.runtime().CheckpointDir();
  std::string rdd_checkpoints = rdds.ok() ? *rdds : "";
  if (rdd_checkpoints.empty() && !checkpoint.empty()) rdd_checkpoints = checkpoint + "/rdds";
  return std::unique_ptr<StreamingContext>(
      new StreamingContext(ctx, batch_interval, std::move(options), static_cast<int>(jobs), skew,
                           std::move(checkpoint), std::move(rdd_checkpoints)));
}

StreamingContext::StreamingContext(Context& ctx, absl::Duration interval, StreamingOptions options,
                                   int jobs, absl::Duration max_future_skew,
                                   std::string checkpoint_dir, std::string rdd_checkpoint_dir)
    : ctx_(&ctx),
      interval_(interval),
      options_(std::move(options)),
      concurrent_jobs_(jobs),
      watermarks_(options_.clock, max_future_skew),
      checkpoint_dir_(std::move(checkpoint_dir)),
      rdd_checkpoint_dir_(std::move(rdd_checkpoint_dir)) {}

StreamingContext::~StreamingContext() {
  stop(/*graceful=*/false);
  signals_.reset();  // joins the watcher, which may have been the one stopping
}

void StreamingContext::AddNode(std::shared_ptr<DStreamNodeBase> node) {
  absl::MutexLock lock(&graph_mu_);
  nodes_.push_back(std::move(node));
}

void StreamingContext::AddOutput(
    std::function<absl::StatusOr<PreparedOutput>(const BatchRef& batch)> prepare) {
  absl::MutexLock lock(&graph_mu_);
  outputs_.push_back(std::move(prepare));
}

void StreamingContext::AddGraphError(absl::Status error) {
  absl::MutexLock lock(&graph_mu_);
  if (graph_error_.ok()) graph_error_ = std::move(error);
}

absl::Status StreamingContext::start() {
  {
    absl::MutexLock lock(&mu_);
    if (started_) return absl::FailedPreconditionError("the streaming context was started before");
    absl::MutexLock graph(&graph_mu_);
    RETURN_IF_ERROR(graph_error_);
    if (outputs_.empty()) {
      return absl::FailedPreconditionError(
          "the stream has no output operation (foreach_rdd, print, ...): nothing would run");
    }
    // Batch times are whole intervals after a zero time on the same grid, so windows and
    // slides line up with them.
    const absl::Time now = options_.clock->Now();
    const absl::Time grid = absl::UnixEpoch() + absl::Floor(now - absl::UnixEpoch(), interval_);
    absl::Time zero = grid;
    const std::string& checkpoint = checkpoint_dir_;
    ASSIGN_OR_RETURN(int64_t retain, ctx_->conf().Get(kRetain));
    stream_id_ = NewStreamId();
    inputs_.clear();  // a start refused earlier may have listed them
    states_.clear();
    for (const auto& node : nodes_) {
      if (auto* input = dynamic_cast<StreamInput*>(node.get())) inputs_.push_back(input);
    }
    if (!checkpoint.empty()) {
      RETURN_IF_ERROR(OpenCheckpoint(checkpoint, static_cast<int>(retain), grid, &zero));
    }
    ASSIGN_OR_RETURN(std::string event_log_dir,
                     ctx_->conf().GetString("centella.eventLog.dir", ""));
    if (!event_log_dir.empty() && event_log_ == nullptr) {
      // The application's event log (driver/ui/event_log.h): batches beside its jobs.
      ASSIGN_OR_RETURN(event_log_, StreamEventLog::Open(event_log_dir, ctx_->app_id()));
    }
    for (size_t i = 0; i < nodes_.size(); ++i) {
      if (absl::Status s = nodes_[i]->Start(); !s.ok()) {
        for (size_t j = 0; j < i; ++j) nodes_[j]->Stop();
        return s;
      }
    }
    started_ = true;
    for (const auto& node : nodes_) node->set_zero_time(zero);
    generating_ = true;
    if (options_.stop_on_termination_signal) {
      absl::StatusOr<std::unique_ptr<TerminationSignal>> signals =
          TerminationSignal::Install([this](int signo) {
            Log()->info("{}: stopping the stream gracefully",
                        signo == SIGINT ? "SIGINT" : "SIGTERM");
            stop(/*graceful=*/true);
          });
      if (signals.ok()) {
        signals_ = *std::move(signals);
      } else {
        Log()->warn("{}", std::string(signals.status().message()));
      }
    }
    batches_ = std::make_unique<ThreadPool>(concurrent_jobs_, "stream-batch");
    timer_ = std::make_unique<EventLoop>("stream-timer", *options_.clock);
    if (rerun_) {
      Log()->info("Running batch {} again (at {}): it had not committed", rerun_->first,
                  Millis(rerun_->second));
      batches_->Schedule([this, batch = *rerun_] { RunBatch(batch.first, batch.second); });
    }
    const absl::Time first = grid + interval_;
    Log()->info("Streaming started: a batch every {}, first at {}", absl::FormatDuration(interval_),
                Millis(first));
    timer_->PostAfter(first - now, [this, first] { Tick(first); });
  }
  return absl::OkStatus();
}

absl::Status StreamingContext::OpenCheckpoint(const std::string& dir, int retain, absl::Time grid,
                                              absl::Time* zero) {
  absl::flat_hash_map<const DStreamNodeBase*, int> index;
  StreamMetadata metadata;
  metadata.batch_interval_ms = absl::ToInt64Milliseconds(interval_);
  for (const auto& node : nodes_) {
    std::vector<std::string> parents;
    for (const auto& p : node->parents()) parents.push_back(absl::StrCat(index[p.get()]));
    auto* input = dynamic_cast<StreamInput*>(node.get());
    if (node->parents().empty() && input == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat(
          node->name(),
          " cannot be checkpointed: its batches cannot be read again after a restart; use a "
          "replayable input (Kafka) or no centella.streaming.checkpoint"));
    }
    if (auto* state = dynamic_cast<StreamState*>(node.get())) {
      states_.emplace_back(static_cast<int>(metadata.graph.size()), state);
    }
    index[node.get()] = static_cast<int>(metadata.graph.size());
    metadata.graph.push_back(
        absl::StrCat(node->name(), " slide=", absl::FormatDuration(node->slide()), " parents=[",
                     absl::StrJoin(parents, ","), "] type=", node->record_type(),
                     input != nullptr ? absl::StrCat(" input=", input->input_id()) : ""));
  }
  ASSIGN_OR_RETURN(std::unique_ptr<LocalStorage> storage, LocalStorage::Open(dir));
  ASSIGN_OR_RETURN(checkpoint_, StreamCheckpoint::Open(std::move(storage), retain));
  metadata.stream_id = stream_id_;
  ASSIGN_OR_RETURN(stream_id_, checkpoint_->CheckOrWriteMetadata(metadata));
  ASSIGN_OR_RETURN(StreamRecovery recovery, checkpoint_->Recover());
  for (const auto& [index, state] : states_) {
    auto it = recovery.states.find(absl::StrCat("state:", index));
    if (it != recovery.states.end()) RETURN_IF_ERROR(state->Restore(it->second));
  }
  if (auto it = recovery.states.find(kWatermarkKey); it != recovery.states.end()) {
    RETURN_IF_ERROR(watermarks_.Restore(it->second));
  }
  if (!recovery.last_planned) return absl::OkStatus();
  const BatchOffsets& last = *recovery.last_planned;
  const bool rerun = !recovery.last_committed || *recovery.last_committed < last.batch_id;
  // An uncommitted batch runs again with its id and its recorded input, in the first
  // slot of this run (`grid`): every batch time of a run is then one it generates, so a
  // window or a state never asks an input for a batch between the runs, which would
  // read records that no per-batch output sees.
  for (StreamInput* input : inputs_) {
    auto it = last.inputs.find(input->input_id());
    if (it == last.inputs.end() || it->second.empty()) continue;
    RETURN_IF_ERROR(input->Restore(grid, it->second, rerun));
  }
  next_batch_id_ = last.batch_id + 1;
  if (rerun) {
    rerun_ = std::make_pair(last.batch_id, grid);
    *zero = grid - interval_;
  }
  Log()->info("Resuming from checkpoint {}: last committed batch {}, next batch {}", dir,
              recovery.last_committed ? absl::StrCat(*recovery.last_committed) : "none",
              next_batch_id_);
  return absl::OkStatus();
}

void StreamingContext::Tick(absl::Time batch_time) {
  if (!generating_) return;
  const int64_t id = next_batch_id_++;
  batches_->Schedule([this, id, batch_time] { RunBatch(id, batch_time); });
  const absl::Time next = batch_time + interval_;
  timer_->PostAfter(next - options_.clock->Now(), [this, next] { Tick(next); });
}

void StreamingContext::RunBatch(int64_t batch_id, absl::Time batch_time) {
  // After a failed batch none runs: a later one's commit would hide the failed one from
  // the restart that must run it again.
  if (cancelled_ || failed_) return;
  BatchInfo info;
  info.batch_id = batch_id;
  info.batch_time = batch_time;
  info.started = options_.clock->Now();
  std::vector<PreparedOutput> jobs;
  {
    absl::MutexLock lock(&graph_mu_);
    for (const auto& prepare : outputs_) {
      absl::StatusOr<PreparedOutput> job = prepare(BatchRef{batch_id, batch_time, stream_id_});
      if (!job.ok()) {
        info.status = job.status();
        break;
      }
      if (*job) jobs.push_back(*std::move(job));
    }
    info.stream_id = stream_id_;
    for (StreamInput* input : inputs_) {
      info.input_records[input->input_id()] += input->BatchRecords(batch_time);
      info.input_offsets[input->input_id()] = input->BatchOffsets(batch_time);
    }
    if (info.status.ok() && checkpoint_ != nullptr) {
      // Logged before any output runs: a crash from here on makes a restart run this
      // very batch again.
      BatchOffsets offsets;
      offsets.batch_id = batch_id;
      offsets.batch_time_ms = absl::ToUnixMillis(batch_time);
      for (StreamInput* input : inputs_) {
        offsets.inputs[input->input_id()] = input->BatchState(batch_time);
      }
      info.status = checkpoint_->WriteOffsets(offsets);
    }
  }
  for (PreparedOutput& job : jobs) {
    if (!info.status.ok() || cancelled_) break;
    info.status = job();
  }
  jobs.clear();
  const bool watermarked = watermarks_.has_sources();
  if (info.status.ok() && !cancelled_ && watermarked) {
    BatchWatermark wm = watermarks_.Advance(batch_time);
    info.watermark = wm.watermark;
    info.late_records = std::move(wm.late_records);
  }
  if (info.status.ok() && !cancelled_ && checkpoint_ != nullptr) {
    absl::MutexLock lock(&graph_mu_);
    BatchCommit commit;
    commit.batch_time_ms = absl::ToUnixMillis(batch_time);
    // The state after this batch, before the commit that a restart starts from.
    for (const auto& [index, state] : states_) {
      absl::StatusOr<std::string> record =
          state->Snapshot(batch_time, checkpoint_->StateDir(index, batch_id));
      if (!record.ok()) {
        info.status = record.status();
        break;
      }
      if (!record->empty()) commit.states[absl::StrCat("state:", index)] = *std::move(record);
    }
    if (watermarked) commit.states[kWatermarkKey] = watermarks_.Serialize();
    if (info.status.ok()) info.status = checkpoint_->WriteCommit(batch_id, commit);
  }
  {
    // What no window needs any more: its lineage, shuffles and blocks are released.
    absl::MutexLock lock(&graph_mu_);
    for (const auto& node : nodes_) node->ForgetUpTo(batch_time - node->remember());
  }
  info.finished = options_.clock->Now();
  if (info.status.ok()) {
    std::string event_time;
    if (watermarked) {
      event_time = absl::StrCat(", watermark ", info.watermark ? Millis(*info.watermark) : "none",
                                ", late records dropped ", info.late_records_total());
    }
    Log()->info("Batch {} ({}) done in {} (scheduling delay {}){}", batch_id, Millis(batch_time),
                absl::FormatDuration(absl::Trunc(info.processing_time(), absl::Milliseconds(1))),
                absl::FormatDuration(absl::Trunc(info.scheduling_delay(), absl::Milliseconds(1))),
                event_time);
  } else if (!cancelled_) {
    Log()->error("Batch {} ({}) failed: {}", batch_id, Millis(batch_time),
                 std::string(info.status.message()));
  }
  if (event_log_ != nullptr) event_log_->OnBatchCompleted(info);
  if (options_.listener) options_.listener->OnBatchCompleted(info);
  {
    absl::MutexLock lock(&mu_);
    ++batches_completed_;
  }
  if (!info.status.ok() && !cancelled_) {
    generating_ = false;
    failed_ = true;
    Terminate(
        absl::Status(info.status.code(), absl::StrCat("batch ", batch_id, " (", Millis(batch_time),
                                                      ") failed: ", info.status.message())));
  }
}

void StreamingContext::Terminate(absl::Status status) {
  absl::MutexLock lock(&mu_);
  if (terminated_) return;
  terminated_ = true;
  termination_ = std::move(status);
}

void StreamingContext::stop(bool graceful) {
  absl::MutexLock stopping(&stop_mu_);
  {
    absl::MutexLock lock(&mu_);
    if (!started_ || timer_ == nullptr) return;
  }
  generating_ = false;
  // Stopped before it is released: a tick still draining may call timer_ (it then posts
  // nothing), which reset() would already have nulled.
  timer_->Stop();
  timer_.reset();
  if (!graceful) {
    cancelled_ = true;
    ctx_->CancelAllJobs();
  }
  batches_->Shutdown();  // graceful: the batches already due run to their end
  {
    absl::MutexLock lock(&graph_mu_);
    for (const auto& node : nodes_) node->Stop();
  }
  Log()->info("Streaming stopped{}", graceful ? " gracefully" : "");
  Terminate(absl::OkStatus());
}

absl::Status StreamingContext::await_termination() {
  absl::MutexLock lock(&mu_);
  mu_.Await(absl::Condition(&terminated_));
  return termination_;
}

std::optional<absl::Status> StreamingContext::await_termination_or_timeout(absl::Duration timeout) {
  absl::MutexLock lock(&mu_);
  if (!mu_.AwaitWithTimeout(absl::Condition(&terminated_), timeout)) return std::nullopt;
  return termination_;
}

absl::StatusOr<std::string> StreamingContext::RddCheckpointDir() const {
  if (rdd_checkpoint_dir_.empty()) {
    return absl::FailedPreconditionError(
        "set centella.checkpoint.dir or a stream checkpoint (centella.streaming.checkpoint, "
        "StreamingOptions::checkpoint_dir) on storage every executor shares");
  }
  return rdd_checkpoint_dir_;
}

void StreamingContext::RequireRddCheckpointDir(absl::string_view op) {
  if (absl::Status dir = RddCheckpointDir().status(); !dir.ok()) {
    AddGraphError(absl::FailedPreconditionError(
        absl::StrCat(op, " keeps its state in checkpoints: ", dir.message())));
  }
}

void StreamingContext::RemoveRddCheckpoint(int rdd_id) {
  if (rdd_checkpoint_dir_.empty()) return;
  const std::string dir = absl::StrCat(rdd_checkpoint_dir_, "/rdd-", rdd_id);
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  if (ec) Log()->warn("cannot remove {}: {}", dir, ec.message());
}

int64_t StreamingContext::batches_completed() const {
  absl::MutexLock lock(&mu_);
  return batches_completed_;
}

int StreamingContext::held_rdds() const {
  absl::MutexLock lock(&graph_mu_);
  int n = 0;
  for (const auto& node : nodes_) n += node->held();
  return n;
}

}  // namespace centella

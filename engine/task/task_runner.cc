#include "engine/task/task_runner.h"

#include <exception>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "engine/shuffle/fetch_failure.h"
#include "engine/task/status_exception.h"

namespace centella {

v1::TaskResult ResultFor(const v1::TaskDescriptor& task, v1::TaskState state) {
  v1::TaskResult r;
  r.set_task_id(task.task_id());
  r.set_stage_id(task.stage_id());
  r.set_stage_attempt(task.stage_attempt());
  r.set_partition(task.partition());
  r.set_attempt(task.attempt());
  r.set_state(state);
  return r;
}

v1::TaskResult UnfinishedTaskResult(const v1::TaskDescriptor& task, v1::TaskState state,
                                    const absl::Status& status) {
  v1::TaskResult r = ResultFor(task, state);
  r.set_error_code(static_cast<int>(status.code()));
  r.set_error_message(std::string(status.message()));
  return r;
}

TaskRunner::TaskRunner(ShuffleStore* store, ShuffleFetcher* fetcher, BroadcastSource* broadcasts,
                       std::string executor_id, std::string host, std::string shuffle_address)
    : store_(store),
      fetcher_(fetcher),
      broadcasts_(broadcasts),
      executor_id_(std::move(executor_id)),
      host_(std::move(host)),
      shuffle_address_(std::move(shuffle_address)) {}

v1::TaskResult TaskRunner::Run(const StageInstance& stage, const v1::TaskDescriptor& task,
                               std::shared_ptr<const TaskInterrupt> interrupt) const {
  // The state is set below, once the outcome is known.
  v1::TaskResult result = ResultFor(task, v1::TASK_STATE_UNSPECIFIED);

  TaskContext ctx(&task, store_, fetcher_, broadcasts_, memory_, spill_dir_);
  ctx.set_blocks(blocks_);
  ctx.set_interrupt(std::move(interrupt));
  if (ctx.interrupted())
    return UnfinishedTaskResult(task, v1::TASK_STATE_KILLED, ctx.InterruptedStatus());
  absl::Time start = absl::Now();
  absl::StatusOr<TaskOutcome> outcome;
  try {
    TaskContext::ScopedCurrent current(&ctx);
    outcome = stage.runner->Run(ctx, stage.root());
  } catch (const StatusException& e) {
    // Centella's own accessors (a destroyed broadcast, ...): the status says it all.
    outcome = e.status();
  } catch (const std::exception& e) {
    outcome = absl::InternalError(absl::StrCat("user code threw: ", e.what()));
  } catch (...) {
    outcome = absl::InternalError("user code threw a non-standard exception");
  }
  ctx.metrics().set_run_time_micros(absl::ToInt64Microseconds(absl::Now() - start));
  ctx.metrics().set_peak_memory_bytes(ctx.memory().peak());
  *result.mutable_metrics() = ctx.metrics();
  ctx.accumulators().AppendUpdates(result.mutable_accumulator_updates());
  for (const BlockId& b : ctx.cached_blocks()) {
    v1::CachedBlock* c = result.add_cached_blocks();
    c->set_rdd_id(b.rdd_id);
    c->set_partition(b.partition);
  }
  for (const BlockId& b : ctx.dropped_blocks()) {
    v1::CachedBlock* c = result.add_dropped_blocks();
    c->set_rdd_id(b.rdd_id);
    c->set_partition(b.partition);
  }

  if (!outcome.ok()) {
    const absl::Status& s = outcome.status();
    result.set_error_code(static_cast<int>(s.code()));
    result.set_error_message(std::string(s.message()));
    if (std::optional<FetchFailureInfo> ff = GetFetchFailure(s)) {
      result.set_state(v1::TASK_STATE_FETCH_FAILED);
      v1::FetchFailure* f = result.mutable_fetch_failure();
      f->set_shuffle_id(ff->shuffle_id);
      f->set_map_id(ff->map_id);
      f->set_reduce_id(ff->reduce_id);
      f->set_shuffle_address(ff->address);
      f->set_server_unreachable(ff->server_unreachable);
      f->set_message(std::string(s.message()));
    } else if (ctx.interrupted()) {
      // Whatever the task was doing when it stopped, it stopped because it was killed.
      result.set_state(v1::TASK_STATE_KILLED);
      result.set_error_code(static_cast<int>(absl::StatusCode::kCancelled));
      result.set_error_message(std::string(ctx.InterruptedStatus().message()));
    } else {
      result.set_state(v1::TASK_STATE_FAILED);
    }
    return result;
  }
  result.set_state(v1::TASK_STATE_FINISHED);
  if (stage.plan.is_shuffle_map()) {
    v1::MapStatus* ms = result.mutable_map_status();
    ms->set_shuffle_id(stage.plan.shuffle_id());
    ms->set_map_id(task.partition());
    ms->set_map_attempt(task.attempt());
    ms->set_executor_id(executor_id_);
    ms->set_host(host_);
    ms->set_shuffle_address(shuffle_address_);
    ms->set_epoch(task.epoch());
    for (uint64_t size : outcome->block_sizes) ms->add_block_sizes(size);
  } else {
    result.set_result_size(outcome->value.size());
    result.set_value(std::move(outcome->value));
  }
  return result;
}

}  // namespace centella

#include "executor/task/task_context.h"

#include "absl/strings/str_cat.h"
#include "executor/shuffle/shuffle_fetcher.h"
#include "executor/shuffle/shuffle_store.h"

namespace centella {
namespace {

thread_local TaskContext* current_task = nullptr;

}  // namespace

TaskContext* TaskContext::Current() { return current_task; }

TaskContext::ScopedCurrent::ScopedCurrent(TaskContext* ctx) : previous_(current_task) {
  current_task = ctx;
}

TaskContext::ScopedCurrent::~ScopedCurrent() { current_task = previous_; }

absl::StatusOr<const void*> TaskContext::Broadcast(const BroadcastRef& ref,
                                                   BroadcastDecoder decode) {
  auto it = broadcast_values_.find(ref.id);
  if (it != broadcast_values_.end()) return it->second.get();
  if (broadcasts_ == nullptr) {
    return absl::InternalError(
        absl::StrCat("task ", task_->task_id(), " has no broadcast source for broadcast ", ref.id));
  }
  absl::StatusOr<std::shared_ptr<const void>> value = broadcasts_->Get(ref, decode);
  if (!value.ok()) return value.status();
  return broadcast_values_.emplace(ref.id, *std::move(value)).first->second.get();
}

absl::Status TaskContext::FetchShuffle(
    int shuffle_id, int reduce_id,
    absl::FunctionRef<absl::Status(int map_id, std::string_view block)> consume) {
  for (const v1::ShuffleReadInput& input : task_->shuffle_inputs()) {
    if (input.shuffle_id() != shuffle_id) continue;
    return fetcher_->Fetch(input, reduce_id, [&](int map_id, std::string_view block) {
      metrics_.set_shuffle_bytes_fetched(metrics_.shuffle_bytes_fetched() + block.size());
      return consume(map_id, block);
    });
  }
  return absl::InternalError(absl::StrCat(
      "task ", task_->task_id(), " was launched without the map outputs of shuffle ", shuffle_id));
}

absl::StatusOr<std::vector<uint64_t>> TaskContext::WriteShuffle(
    int shuffle_id, const std::vector<std::string>& blocks) {
  auto sizes = store_->WriteMapOutput(shuffle_id, partition(), attempt(), blocks);
  if (sizes.ok()) {
    uint64_t total = 0;
    for (uint64_t s : *sizes) total += s;
    metrics_.set_shuffle_bytes_written(metrics_.shuffle_bytes_written() + total);
  }
  return sizes;
}

}  // namespace centella

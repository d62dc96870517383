#include "engine/task/task_context.h"

#include <unistd.h>

#include <algorithm>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "engine/shuffle/shuffle_fetcher.h"
#include "engine/shuffle/shuffle_store.h"

namespace centella {
namespace {

thread_local TaskContext* current_task = nullptr;

}  // namespace

TaskContext* TaskContext::Current() { return current_task; }

TaskContext::ScopedCurrent::ScopedCurrent(TaskContext* ctx) : previous_(current_task) {
  current_task = ctx;
}

TaskContext::ScopedCurrent::~ScopedCurrent() { current_task = previous_; }

absl::Status TaskContext::InterruptedStatus() const {
  return absl::CancelledError(absl::StrCat("task ", task_->task_id(), " killed: ",
                                           interrupt_ != nullptr && !interrupt_->reason().empty()
                                               ? interrupt_->reason()
                                               : std::string("by the driver")));
}

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

TaskContext::TaskContext(const v1::TaskDescriptor* task, ShuffleStore* store,
                         ShuffleFetcher* fetcher, BroadcastSource* broadcasts,
                         MemoryManager* memory, std::string spill_dir)
    : task_(task),
      store_(store),
      fetcher_(fetcher),
      broadcasts_(broadcasts),
      memory_(memory, task->task_id()),
      spill_dir_(std::move(spill_dir)) {}

absl::StatusOr<std::unique_ptr<SpillFile>> TaskContext::CreateSpillFile() {
  std::string dir = spill_dir_;
  if (dir.empty()) {
    std::error_code ec;
    dir = std::filesystem::temp_directory_path(ec).string();
    if (ec) dir = "/tmp";
  }
  std::string name = task_->task_id();
  std::replace(name.begin(), name.end(), '/', '_');
  return SpillFile::Create(
      absl::StrCat(dir, "/spill-", name, "-", ::getpid(), "-", spill_files_++));
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
  return WriteShuffle(shuffle_id, static_cast<int>(blocks.size()),
                      [&blocks](int r, std::string* raw) {
                        *raw = blocks[r];
                        return absl::OkStatus();
                      });
}

absl::StatusOr<std::vector<uint64_t>> TaskContext::WriteShuffle(
    int shuffle_id, int num_blocks,
    absl::FunctionRef<absl::Status(int reduce_id, std::string* raw)> produce) {
  auto sizes = store_->WriteMapOutput(shuffle_id, partition(), attempt(), num_blocks, produce);
  if (sizes.ok()) {
    uint64_t total = 0;
    for (uint64_t s : *sizes) total += s;
    metrics_.set_shuffle_bytes_written(metrics_.shuffle_bytes_written() + total);
  }
  return sizes;
}

}  // namespace centella

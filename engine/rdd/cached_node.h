// CachedNode<T>: a persisted RDD (persist()/cache()). Computing a partition first looks
// in the executor's block manager: a partition in memory is read as is, one on disk is
// decoded, and a missing one is computed from the parent (its lineage), stored, and
// reported to the driver, which then prefers that executor for tasks reading it.
//
// The partition is materialized to be stored (as Spark does); a partition the block
// manager cannot keep is simply passed on and recomputed next time.
#ifndef CENTELLA_ENGINE_RDD_CACHED_NODE_H_
#define CENTELLA_ENGINE_RDD_CACHED_NODE_H_

#include <memory>
#include <string>
#include <vector>

#include "common/serde/serde.h"
#include "engine/memory/size_estimate.h"
#include "engine/plan/operator_registry.h"
#include "engine/rdd/plan_state.h"
#include "engine/rdd/run_pipeline.h"
#include "engine/storage/block_manager.h"
#include "engine/task/node.h"

namespace centella {

template <class T>
class CachedNode final : public RegisteredPlanObject<CachedNode<T>, Node<T>> {
 public:
  explicit CachedNode(StorageLevel level) : level_(level) {}

  std::string_view op_name() const override { return "persist"; }
  bool persisted() const override { return true; }
  StorageLevel level() const { return level_; }

  void SerializeState(std::string* out) const override {
    ByteWriter w(out);
    Serialize(w, level_);
  }
  static absl::StatusOr<std::unique_ptr<PlanObject>> FromState(std::string_view state) {
    return ReadPlanState(state, [](ByteReader& r) -> std::unique_ptr<PlanObject> {
      StorageLevel level{};
      if (!Deserialize(r, &level) || level > StorageLevel::kDiskOnly) return nullptr;
      return std::make_unique<CachedNode>(level);
    });
  }

  absl::Status Compute(TaskContext& ctx, int partition, BatchSink<T>& out) const override {
    const auto* parent = dynamic_cast<const Node<T>*>(this->parents().at(0).get());
    if (parent == nullptr) return absl::InternalError("persist parent has the wrong type");
    BlockManager* blocks = ctx.blocks();
    if (blocks == nullptr) return parent->Compute(ctx, partition, out);
    const BlockId id{this->rdd_id(), partition};

    if (std::shared_ptr<const void> object = blocks->GetObject(id)) {
      return EmitCopies(*static_cast<const std::vector<T>*>(object.get()), out);
    }
    absl::StatusOr<std::optional<std::string>> bytes = blocks->GetBytes(id);
    if (bytes.ok() && bytes->has_value()) {
      std::vector<T> records;
      absl::Status s = DeserializeFromString(**bytes, &records);
      if (s.ok()) return EmitMoved(records, out);
      // A damaged cache file is not the job's problem: recompute from lineage below.
    }

    std::vector<T> records;
    auto keep = [&records](std::span<T> batch) {
      for (T& x : batch) records.push_back(std::move(x));
      return true;
    };
    FunctionBatchSink<T, decltype(keep)> sink(keep);
    absl::Status s = parent->Compute(ctx, partition, sink);
    if (!s.ok()) return s;
    auto shared = std::make_shared<const std::vector<T>>(std::move(records));
    BlockManager::PutResult put =
        blocks->Put(id, level_, shared, EstimateBytes(*shared), &SerializeRecords);
    ctx.RecordDroppedBlocks(put.dropped);
    if (put.stored) ctx.RecordCachedBlock(id);
    return EmitCopies(*shared, out);
  }

 private:
  static std::string SerializeRecords(const void* object) {
    return SerializeToString(*static_cast<const std::vector<T>*>(object));
  }

  // The cached object is shared by concurrent tasks and later jobs: hand out copies.
  static absl::Status EmitCopies(const std::vector<T>& records, BatchSink<T>& out) {
    std::vector<T> batch;
    for (size_t i = 0; i < records.size(); i += kBatchSize) {
      const size_t end = std::min(records.size(), i + kBatchSize);
      batch.assign(records.begin() + i, records.begin() + end);
      if (!FlushBatch(batch, out)) break;
    }
    return absl::OkStatus();
  }
  static absl::Status EmitMoved(std::vector<T>& records, BatchSink<T>& out) {
    for (size_t i = 0; i < records.size(); i += kBatchSize) {
      std::span<T> batch(records.data() + i, std::min(kBatchSize, records.size() - i));
      if (!out.Consume(batch)) break;
    }
    return absl::OkStatus();
  }

  StorageLevel level_;
};

}  // namespace centella

#endif  // CENTELLA_ENGINE_RDD_CACHED_NODE_H_

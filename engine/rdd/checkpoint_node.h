// Checkpointed RDDs (Rdd::checkpoint): CheckpointWriteAction writes each partition to the
// shared checkpoint directory; CheckpointNode is the RDD read back from there — a source
// with no parents, so its lineage is cut and a lost partition is read again, never
// recomputed.
#ifndef CENTELLA_ENGINE_RDD_CHECKPOINT_NODE_H_
#define CENTELLA_ENGINE_RDD_CHECKPOINT_NODE_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/serde/serde.h"
#include "common/storage/local_storage.h"
#include "engine/plan/operator_registry.h"
#include "engine/rdd/checkpoint_file.h"
#include "engine/rdd/plan_state.h"
#include "engine/rdd/run_pipeline.h"
#include "engine/task/node.h"
#include "engine/task/task_context.h"

namespace centella {

// Runs on the executors: the partition's records, written as one checkpoint file. The
// result is the record count.
template <class T>
struct CheckpointWriteAction {
  std::string dir;
  std::vector<T> items;
  template <class X>
  void Add(X&& x) {
    items.emplace_back(std::forward<X>(x));
  }
  void Begin(TaskContext&) {}
  bool Done() const { return false; }
  absl::StatusOr<std::string> Finish(TaskContext& ctx) {
    absl::StatusOr<std::unique_ptr<LocalStorage>> storage = LocalStorage::Open(dir);
    if (!storage.ok()) return storage.status();
    absl::Status s = (*storage)->WriteAtomic(CheckpointPartName(ctx.partition()),
                                             EncodeCheckpointPart(SerializeToString(items)));
    if (!s.ok()) return s;
    return SerializeToString(static_cast<int64_t>(items.size()));
  }
  void Write(ByteWriter& w) const { w.PutBytes(dir); }
  static std::optional<CheckpointWriteAction> Read(ByteReader& r) {
    CheckpointWriteAction a;
    std::string_view dir;
    if (!r.GetBytes(&dir)) return std::nullopt;
    a.dir = std::string(dir);
    return a;
  }
};

template <class T>
class CheckpointNode final : public RegisteredPlanObject<CheckpointNode<T>, Node<T>> {
 public:
  explicit CheckpointNode(std::string dir) : dir_(std::move(dir)) {}

  std::string_view op_name() const override { return "checkpoint"; }
  void SerializeState(std::string* out) const override {
    ByteWriter w(out);
    w.PutBytes(dir_);
  }
  static absl::StatusOr<std::unique_ptr<PlanObject>> FromState(std::string_view state) {
    return ReadPlanState(state, [](ByteReader& r) -> std::unique_ptr<PlanObject> {
      std::string_view dir;
      if (!r.GetBytes(&dir)) return nullptr;
      return std::make_unique<CheckpointNode>(std::string(dir));
    });
  }

  absl::Status Compute(TaskContext& ctx, int partition, BatchSink<T>& out) const override {
    absl::StatusOr<std::unique_ptr<LocalStorage>> storage = LocalStorage::Open(dir_);
    if (!storage.ok()) return storage.status();
    const std::string name = CheckpointPartName(partition);
    const std::string path = absl::StrCat(dir_, "/", name);
    absl::StatusOr<std::string> file = (*storage)->Read(name);
    if (!file.ok()) {
      return absl::DataLossError(
          absl::StrCat("cannot read checkpoint file ", path, ": ", file.status().message()));
    }
    absl::StatusOr<std::string_view> payload = DecodeCheckpointPart(*file, path);
    if (!payload.ok()) return payload.status();
    std::vector<T> records;
    absl::Status s = DeserializeFromString(*payload, &records);
    if (!s.ok()) {
      return absl::DataLossError(
          absl::StrCat("checkpoint file ", path, " does not decode: ", s.message()));
    }
    for (size_t i = 0; i < records.size(); i += kBatchSize) {
      std::span<T> batch(records.data() + i, std::min(kBatchSize, records.size() - i));
      if (!out.Consume(batch)) break;
    }
    return absl::OkStatus();
  }

 private:
  std::string dir_;
};

}  // namespace centella

#endif  // CENTELLA_ENGINE_RDD_CHECKPOINT_NODE_H_

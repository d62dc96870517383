// ParallelizeNode<T>: a driver-side collection cut into slices, one per partition.
#ifndef CENTELLA_ENGINE_RDD_PARALLELIZE_NODE_H_
#define CENTELLA_ENGINE_RDD_PARALLELIZE_NODE_H_

#include <memory>
#include <string>
#include <vector>

#include "common/serde/serde.h"
#include "engine/plan/operator_registry.h"
#include "engine/rdd/plan_state.h"
#include "engine/rdd/run_pipeline.h"
#include "engine/task/node.h"

namespace centella {

template <class T>
class ParallelizeNode final : public RegisteredPlanObject<ParallelizeNode<T>, Node<T>> {
 public:
  explicit ParallelizeNode(std::vector<std::vector<T>> slices) : slices_(std::move(slices)) {}

  // Splits `data` into `num_slices` contiguous slices whose sizes differ by at most one.
  static std::vector<std::vector<T>> Slice(std::vector<T> data, int num_slices) {
    std::vector<std::vector<T>> slices(num_slices);
    size_t n = data.size();
    for (int i = 0; i < num_slices; ++i) {
      size_t begin = n * i / num_slices, end = n * (i + 1) / num_slices;
      slices[i].assign(std::make_move_iterator(data.begin() + begin),
                       std::make_move_iterator(data.begin() + end));
    }
    return slices;
  }

  std::string_view op_name() const override { return "parallelize"; }
  void SerializeState(std::string* out) const override {
    ByteWriter w(out);
    Serialize(w, slices_);
  }
  static absl::StatusOr<std::unique_ptr<PlanObject>> FromState(std::string_view state) {
    return ReadPlanState(state, [](ByteReader& r) -> std::unique_ptr<PlanObject> {
      std::vector<std::vector<T>> slices;
      if (!Deserialize(r, &slices)) return nullptr;
      return std::make_unique<ParallelizeNode>(std::move(slices));
    });
  }

  absl::Status Compute(TaskContext& ctx, int partition, BatchSink<T>& out) const override {
    if (partition < 0 || partition >= static_cast<int>(slices_.size())) {
      return absl::InvalidArgumentError(absl::StrCat("parallelize has no partition ", partition));
    }
    const std::vector<T>& slice = slices_[partition];
    std::vector<T> batch;
    for (size_t i = 0; i < slice.size(); i += kBatchSize) {
      size_t end = std::min(slice.size(), i + kBatchSize);
      batch.assign(slice.begin() + i, slice.begin() + end);
      if (!FlushBatch(batch, out)) break;
    }
    return absl::OkStatus();
  }

 private:
  std::vector<std::vector<T>> slices_;
};

}  // namespace centella

#endif  // CENTELLA_ENGINE_RDD_PARALLELIZE_NODE_H_

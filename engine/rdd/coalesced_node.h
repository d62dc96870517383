// CoalescedNode<T>: fewer partitions without a shuffle (Spark's coalesce(n, false)).
// Partition i reads the contiguous range of parent partitions [starts[i], starts[i+1]),
// one after the other, in the same task.
#ifndef CENTELLA_ENGINE_RDD_COALESCED_NODE_H_
#define CENTELLA_ENGINE_RDD_COALESCED_NODE_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/serde/serde.h"
#include "engine/plan/operator_registry.h"
#include "engine/rdd/plan_state.h"
#include "engine/task/node.h"

namespace centella {

namespace coalesce_internal {
// A sink that forwards to `out` and remembers whether it asked to stop.
template <class T>
class StopTracking final : public BatchSink<T> {
 public:
  explicit StopTracking(BatchSink<T>& out) : out_(out) {}
  bool Consume(std::span<T> batch) override {
    if (!stopped_) stopped_ = !out_.Consume(batch);
    return !stopped_;
  }
  bool stopped() const { return stopped_; }

 private:
  BatchSink<T>& out_;
  bool stopped_ = false;
};
}  // namespace coalesce_internal

template <class T>
class CoalescedNode final : public RegisteredPlanObject<CoalescedNode<T>, Node<T>> {
 public:
  // `starts` has one entry per output partition plus the parent's partition count.
  explicit CoalescedNode(std::vector<int> starts) : starts_(std::move(starts)) {}

  // Cuts `parent_partitions` into `n` contiguous groups whose sizes differ by at most one.
  static std::vector<int> EvenStarts(int parent_partitions, int n) {
    std::vector<int> starts(n + 1);
    for (int i = 0; i <= n; ++i) {
      starts[i] = static_cast<int>(static_cast<int64_t>(parent_partitions) * i / n);
    }
    return starts;
  }

  std::string_view op_name() const override { return "coalesce"; }
  void SerializeState(std::string* out) const override {
    ByteWriter w(out);
    Serialize(w, starts_);
  }
  static absl::StatusOr<std::unique_ptr<PlanObject>> FromState(std::string_view state) {
    return ReadPlanState(state, [](ByteReader& r) -> std::unique_ptr<PlanObject> {
      std::vector<int> starts;
      if (!Deserialize(r, &starts) || starts.empty()) return nullptr;
      return std::make_unique<CoalescedNode>(std::move(starts));
    });
  }

  absl::Status Compute(TaskContext& ctx, int partition, BatchSink<T>& out) const override {
    if (partition < 0 || partition + 1 >= static_cast<int>(starts_.size())) {
      return absl::InvalidArgumentError(absl::StrCat("coalesce has no partition ", partition));
    }
    const auto* parent = dynamic_cast<const Node<T>*>(this->parents().at(0).get());
    if (parent == nullptr) return absl::InternalError("coalesce parent has the wrong type");
    coalesce_internal::StopTracking<T> sink(out);
    for (int p = starts_[partition]; p < starts_[partition + 1] && !sink.stopped(); ++p) {
      absl::Status s = parent->Compute(ctx, p, sink);
      if (!s.ok()) return s;
    }
    return absl::OkStatus();
  }

 private:
  std::vector<int> starts_;
};

}  // namespace centella

#endif  // CENTELLA_ENGINE_RDD_COALESCED_NODE_H_

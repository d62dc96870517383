// UnionNode<T>: the partitions of several RDDs side by side (Spark's UnionRDD). Partition
// p is partition p - offset(j) of parent j; no data moves and nothing is deduplicated.
#ifndef CENTELLA_ENGINE_RDD_UNION_NODE_H_
#define CENTELLA_ENGINE_RDD_UNION_NODE_H_

#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "engine/plan/operator_registry.h"
#include "engine/rdd/plan_state.h"
#include "engine/task/node.h"

namespace centella {

template <class T>
class UnionNode final : public RegisteredPlanObject<UnionNode<T>, Node<T>> {
 public:
  std::string_view op_name() const override { return "union"; }
  void SerializeState(std::string*) const override {}
  static absl::StatusOr<std::unique_ptr<PlanObject>> FromState(std::string_view state) {
    return ReadPlanState(state, [](ByteReader&) -> std::unique_ptr<PlanObject> {
      return std::make_unique<UnionNode>();
    });
  }

  absl::Status Compute(TaskContext& ctx, int partition, BatchSink<T>& out) const override {
    int local = partition;
    for (const auto& parent : this->parents()) {
      if (local < parent->num_partitions()) {
        const auto* node = dynamic_cast<const Node<T>*>(parent.get());
        if (node == nullptr) {
          return absl::InternalError("a union parent does not produce the union's records");
        }
        return node->Compute(ctx, local, out);
      }
      local -= parent->num_partitions();
    }
    return absl::InvalidArgumentError(absl::StrCat("union has no partition ", partition));
  }
};

}  // namespace centella

#endif  // CENTELLA_ENGINE_RDD_UNION_NODE_H_

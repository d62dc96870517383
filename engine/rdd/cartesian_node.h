// CartesianNode<A, B>: every pair (a, b) of two RDDs (Spark's CartesianRDD). Partition
// i * nb + j pairs partition i of the left with partition j of the right; the left
// partition is held in memory while the right one streams past it.
#ifndef CENTELLA_ENGINE_RDD_CARTESIAN_NODE_H_
#define CENTELLA_ENGINE_RDD_CARTESIAN_NODE_H_

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "engine/memory/memory_manager.h"
#include "engine/memory/size_estimate.h"
#include "engine/plan/operator_registry.h"
#include "engine/rdd/plan_state.h"
#include "engine/rdd/run_pipeline.h"
#include "engine/task/node.h"

namespace centella {

template <class A, class B>
class CartesianNode final
    : public RegisteredPlanObject<CartesianNode<A, B>, Node<std::pair<A, B>>> {
 public:
  using Out = std::pair<A, B>;
  std::string_view op_name() const override { return "cartesian"; }
  void SerializeState(std::string*) const override {}
  static absl::StatusOr<std::unique_ptr<PlanObject>> FromState(std::string_view state) {
    return ReadPlanState(state, [](ByteReader&) -> std::unique_ptr<PlanObject> {
      return std::make_unique<CartesianNode>();
    });
  }

  absl::Status Compute(TaskContext& ctx, int partition, BatchSink<Out>& out) const override {
    const auto* left = dynamic_cast<const Node<A>*>(this->parents().at(0).get());
    const auto* right = dynamic_cast<const Node<B>*>(this->parents().at(1).get());
    if (left == nullptr || right == nullptr) {
      return absl::InternalError("cartesian parents have the wrong types");
    }
    const int nb = right->num_partitions();
    if (nb == 0 || partition < 0 || partition >= left->num_partitions() * nb) {
      return absl::InvalidArgumentError(absl::StrCat("cartesian has no partition ", partition));
    }
    // The left partition is held while the right one streams past: accounted (not
    // spillable).
    MemoryReservation reservation(&ctx.memory());
    int64_t bytes = 0;
    std::vector<A> lefts;
    auto keep = [&](std::span<A> batch) {
      for (A& a : batch) {
        lefts.push_back(std::move(a));
        bytes += EstimateBytes(lefts.back());
      }
      if (bytes > reservation.held()) reservation.Ensure(bytes);
      return true;
    };
    FunctionBatchSink<A, decltype(keep)> left_sink(keep);
    absl::Status s = left->Compute(ctx, partition / nb, left_sink);
    if (!s.ok()) return s;
    if (lefts.empty()) return absl::OkStatus();

    std::vector<Out> buffer;
    bool stopped = false;
    auto pair_up = [&](std::span<B> batch) {
      for (const B& b : batch) {
        for (const A& a : lefts) {
          buffer.emplace_back(a, b);
          if (buffer.size() >= kBatchSize && !FlushBatch(buffer, out)) {
            stopped = true;
            return false;
          }
        }
      }
      return true;
    };
    FunctionBatchSink<B, decltype(pair_up)> right_sink(pair_up);
    s = right->Compute(ctx, partition % nb, right_sink);
    if (!s.ok()) return s;
    if (!stopped && !buffer.empty()) FlushBatch(buffer, out);
    return absl::OkStatus();
  }
};

}  // namespace centella

#endif  // CENTELLA_ENGINE_RDD_CARTESIAN_NODE_H_

// PipelinedNode<Pipe>: a Pipeline of narrow operators given a node of its own.
//
// Created only when a pipelined RDD is converted to the erased type Rdd<T> (e.g. stored in
// a variable of that type or returned from a function); within one expression the
// operators stay fused into the consumer's loop. Records leave this node in batches.
#ifndef CENTELLA_ENGINE_RDD_PIPELINED_NODE_H_
#define CENTELLA_ENGINE_RDD_PIPELINED_NODE_H_

#include <memory>
#include <string>
#include <vector>

#include "engine/plan/operator_registry.h"
#include "engine/rdd/plan_state.h"
#include "engine/rdd/run_pipeline.h"
#include "engine/task/node.h"

namespace centella {

template <class Pipe>
class PipelinedNode final
    : public RegisteredPlanObject<PipelinedNode<Pipe>, Node<typename Pipe::Out>> {
 public:
  using Out = typename Pipe::Out;
  explicit PipelinedNode(Pipe pipe) : pipe_(std::move(pipe)) {}

  std::string_view op_name() const override { return "pipeline"; }
  void SerializeState(std::string* out) const override {
    ByteWriter w(out);
    pipe_.Write(w);
  }
  static absl::StatusOr<std::unique_ptr<PlanObject>> FromState(std::string_view state) {
    return ReadPlanState(state, [](ByteReader& r) -> std::unique_ptr<PlanObject> {
      std::optional<Pipe> pipe = Pipe::Read(r);
      if (!pipe) return nullptr;
      return std::make_unique<PipelinedNode>(std::move(*pipe));
    });
  }

  absl::Status Compute(TaskContext& ctx, int partition, BatchSink<Out>& out) const override {
    std::vector<Out> buffer;
    buffer.reserve(kBatchSize);
    bool stop = false;
    auto sink = [&](auto&& y) {
      buffer.emplace_back(std::forward<decltype(y)>(y));
      if (buffer.size() >= kBatchSize && !stop) stop = !FlushBatch(buffer, out);
    };
    absl::Status s =
        RunPipeline(ctx, *this->parents().at(0), partition, pipe_, sink, [&] { return stop; });
    if (!s.ok()) return s;
    if (!stop && !buffer.empty()) FlushBatch(buffer, out);
    return absl::OkStatus();
  }

 private:
  Pipe pipe_;
};

}  // namespace centella

#endif  // CENTELLA_ENGINE_RDD_PIPELINED_NODE_H_

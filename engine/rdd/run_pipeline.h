// RunPipeline: computes one partition of a node and pushes every record through a fused
// Pipeline into a per-record sink. The one loop every stage runs.
#ifndef CENTELLA_ENGINE_RDD_RUN_PIPELINE_H_
#define CENTELLA_ENGINE_RDD_RUN_PIPELINE_H_

#include <span>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "engine/task/batch_sink.h"
#include "engine/task/node.h"

namespace centella {

template <class T, class F>
class FunctionBatchSink final : public BatchSink<T> {
 public:
  explicit FunctionBatchSink(F f) : f_(std::move(f)) {}
  bool Consume(std::span<T> batch) override { return f_(batch); }

 private:
  F f_;
};

// `sink(record)` receives each output record; `stopped()` is polled after each batch and
// ends the computation early when it returns true. A killed task (ctx.interrupted()) ends
// after the batch it is in, with ctx.InterruptedStatus().
template <class Pipe, class Sink, class Stopped>
absl::Status RunPipeline(TaskContext& ctx, const NodeBase& root, int partition, const Pipe& pipe,
                         Sink& sink, Stopped stopped) {
  using In = typename Pipe::In;
  const auto* node = dynamic_cast<const Node<In>*>(&root);
  if (node == nullptr) {
    return absl::InternalError(absl::StrCat("node ", std::string(root.type_name()),
                                            " does not produce the records its stage expects"));
  }
  auto fused = pipe.Fuse(sink);
  int64_t records = 0;
  auto drain = [&](std::span<In> batch) {
    records += batch.size();
    for (In& x : batch) fused(std::move(x));
    return !stopped() && !ctx.interrupted();
  };
  FunctionBatchSink<In, decltype(drain)> adapter(drain);
  absl::Status s = node->Compute(ctx, partition, adapter);
  ctx.metrics().set_records_read(ctx.metrics().records_read() + records);
  if (ctx.interrupted()) return ctx.InterruptedStatus();
  return s;
}

// Moves records out of `buffer` into `out` in one batch; returns Consume's answer.
template <class T>
bool FlushBatch(std::vector<T>& buffer, BatchSink<T>& out) {
  bool more = out.Consume(std::span<T>(buffer));
  buffer.clear();
  return more;
}

}  // namespace centella

#endif  // CENTELLA_ENGINE_RDD_RUN_PIPELINE_H_

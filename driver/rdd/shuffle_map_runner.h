// ShuffleMapRunner<Pipe, Agg>: the end of a map stage. Runs the stage's pipeline, combines
// per key when the aggregation allows (map-side combine), hash-partitions the records
// into one block per reduce partition and writes them as this task's map output.
#ifndef CENTELLA_DRIVER_RDD_SHUFFLE_MAP_RUNNER_H_
#define CENTELLA_DRIVER_RDD_SHUFFLE_MAP_RUNNER_H_

#include <memory>
#include <string>
#include <type_traits>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "common/registry/operator_registry.h"
#include "common/serde/serde.h"
#include "common/serde/stable_hash.h"
#include "driver/rdd/aggregation.h"
#include "driver/rdd/combine_table.h"
#include "driver/rdd/plan_state.h"
#include "driver/rdd/run_pipeline.h"
#include "executor/task/stage_runner.h"

namespace centella {

template <class Pipe, class Agg>
class ShuffleMapRunner final
    : public RegisteredPlanObject<ShuffleMapRunner<Pipe, Agg>, StageRunner> {
 public:
  using K = typename Agg::Key;
  using V = typename Agg::Value;
  static_assert(std::is_same_v<typename Pipe::Out, std::pair<K, V>>);

  ShuffleMapRunner(Pipe pipe, Agg agg, int shuffle_id, int num_reduce)
      : pipe_(std::move(pipe)), agg_(std::move(agg)), shuffle_id_(shuffle_id),
        num_reduce_(num_reduce) {}

  void SerializeState(std::string* out) const override {
    ByteWriter w(out);
    pipe_.Write(w);
    agg_.Write(w);
    w.PutVarint(shuffle_id_);
    w.PutVarint(num_reduce_);
  }
  static absl::StatusOr<std::unique_ptr<PlanObject>> FromState(std::string_view state) {
    return ReadPlanState(state, [](ByteReader& r) -> std::unique_ptr<PlanObject> {
      std::optional<Pipe> pipe = Pipe::Read(r);
      if (!pipe) return nullptr;
      std::optional<Agg> agg = Agg::Read(r);
      uint64_t shuffle_id = 0, num_reduce = 0;
      if (!agg || !r.GetVarint(&shuffle_id) || !r.GetVarint(&num_reduce)) return nullptr;
      return std::make_unique<ShuffleMapRunner>(std::move(*pipe), std::move(*agg),
                                                static_cast<int>(shuffle_id),
                                                static_cast<int>(num_reduce));
    });
  }

  absl::StatusOr<TaskOutcome> Run(TaskContext& ctx, const NodeBase& root) const override {
    std::vector<std::string> blocks(num_reduce_);
    std::vector<ByteWriter> writers;
    writers.reserve(num_reduce_);
    for (std::string& b : blocks) writers.emplace_back(&b);
    int64_t written = 0;
    auto write = [&](const K& k, const auto& v) {
      ByteWriter& w = writers[HashPartition(StableHash(k), num_reduce_)];
      Serialize(w, k);
      Serialize(w, v);
      ++written;
    };

    absl::Status s;
    if constexpr (Agg::kMapSideCombine) {
      CombineTable<Agg> combined(&agg_);
      auto sink = [&](auto&& kv) {
        if constexpr (std::is_const_v<std::remove_reference_t<decltype(kv)>>) {
          combined.AddValue(K(kv.first), V(kv.second));
        } else {
          combined.AddValue(std::move(kv.first), std::move(kv.second));
        }
      };
      s = RunPipeline(ctx, root, ctx.partition(), pipe_, sink, [] { return false; });
      if (!s.ok()) return s;
      for (const auto& [k, c] : combined.Finish()) write(k, c);
    } else {
      auto sink = [&](auto&& kv) { write(kv.first, kv.second); };
      s = RunPipeline(ctx, root, ctx.partition(), pipe_, sink, [] { return false; });
      if (!s.ok()) return s;
    }
    ctx.metrics().set_shuffle_records_written(written);
    TaskOutcome outcome;
    auto sizes = ctx.WriteShuffle(shuffle_id_, blocks);
    if (!sizes.ok()) return sizes.status();
    outcome.block_sizes = std::move(*sizes);
    return outcome;
  }

 private:
  Pipe pipe_;
  Agg agg_;
  int shuffle_id_;
  int num_reduce_;
};

}  // namespace centella

#endif  // CENTELLA_DRIVER_RDD_SHUFFLE_MAP_RUNNER_H_

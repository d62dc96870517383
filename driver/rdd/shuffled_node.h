// ShuffledNode<Agg>: the first node of a stage that reads a shuffle. For its reduce
// partition it fetches the block of every map output, merges values per key with the
// aggregation, and emits (key, combined) pairs.
#ifndef CENTELLA_DRIVER_RDD_SHUFFLED_NODE_H_
#define CENTELLA_DRIVER_RDD_SHUFFLED_NODE_H_

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "common/registry/operator_registry.h"
#include "common/serde/serde.h"
#include "common/serde/stable_hash.h"
#include "driver/dag/shuffle_dependency.h"
#include "driver/rdd/aggregation.h"
#include "driver/rdd/combine_table.h"
#include "driver/rdd/plan_state.h"
#include "driver/rdd/run_pipeline.h"
#include "executor/shuffle/fetch_failure.h"
#include "executor/task/node.h"

namespace centella {

template <class Agg>
class ShuffledNode final
    : public RegisteredPlanObject<ShuffledNode<Agg>,
                                  Node<std::pair<typename Agg::Key, typename Agg::Combined>>> {
 public:
  using K = typename Agg::Key;
  using V = typename Agg::Value;
  using C = typename Agg::Combined;
  using Out = std::pair<K, C>;

  ShuffledNode(int shuffle_id, Agg agg) : shuffle_id_(shuffle_id), agg_(std::move(agg)) {}

  // Driver side: remembers the dependency so the DAG scheduler can find the map stage.
  void set_dependency(std::shared_ptr<ShuffleDependency> dep) { dep_ = std::move(dep); }
  std::shared_ptr<ShuffleDependency> shuffle_dependency() const override { return dep_; }
  std::string_view op_name() const override { return Agg::kName; }

  void SerializeState(std::string* out) const override {
    ByteWriter w(out);
    w.PutVarint(shuffle_id_);
    agg_.Write(w);
  }
  static absl::StatusOr<std::unique_ptr<PlanObject>> FromState(std::string_view state) {
    return ReadPlanState(state, [](ByteReader& r) -> std::unique_ptr<PlanObject> {
      uint64_t shuffle_id = 0;
      if (!r.GetVarint(&shuffle_id)) return nullptr;
      std::optional<Agg> agg = Agg::Read(r);
      if (!agg) return nullptr;
      return std::make_unique<ShuffledNode>(static_cast<int>(shuffle_id), std::move(*agg));
    });
  }

  absl::Status Compute(TaskContext& ctx, int partition, BatchSink<Out>& out) const override {
    CombineTable<Agg> table(&agg_);
    absl::Status s = ctx.FetchShuffle(
        shuffle_id_, partition, [&](int map_id, std::string_view block) -> absl::Status {
          ByteReader r(block);
          while (!r.done()) {
            K k{};
            if constexpr (Agg::kMapSideCombine) {
              C c{};
              if (!Deserialize(r, &k) || !Deserialize(r, &c)) break;
              table.AddCombiner(std::move(k), std::move(c));
            } else {
              V v{};
              if (!Deserialize(r, &k) || !Deserialize(r, &v)) break;
              table.AddValue(std::move(k), std::move(v));
            }
          }
          if (!r.ok()) {
            return FetchFailedError({shuffle_id_, map_id, partition, ""},
                                    std::string(r.status().message()));
          }
          return absl::OkStatus();
        });
    if (!s.ok()) return s;
    auto& map = table.Finish();
    std::vector<Out> buffer;
    buffer.reserve(std::min(map.size(), kBatchSize));
    for (auto it = map.begin(); it != map.end(); ++it) {
      buffer.emplace_back(std::move(const_cast<K&>(it->first)), std::move(it->second));
      if (buffer.size() >= kBatchSize && !FlushBatch(buffer, out)) return absl::OkStatus();
    }
    if (!buffer.empty()) FlushBatch(buffer, out);
    return absl::OkStatus();
  }

 private:
  int shuffle_id_;
  Agg agg_;
  std::shared_ptr<ShuffleDependency> dep_;
};

}  // namespace centella

#endif  // CENTELLA_DRIVER_RDD_SHUFFLED_NODE_H_

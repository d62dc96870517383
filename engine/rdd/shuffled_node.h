// ShuffledNode<Agg>: the first node of a stage that reads a shuffle. For its reduce
// partition it fetches the block of every map output, merges values per key with the
// aggregation, and emits (key, combined) pairs.
//
// The table is accounted against the task's memory. When the executor refuses it more,
// the table is spilled as a run sorted by key hash and emptied; at the end the runs and
// the remainder are merged by hash, combining the entries of equal keys, so a partition
// may hold far more distinct keys than fit in memory.
#ifndef CENTELLA_ENGINE_RDD_SHUFFLED_NODE_H_
#define CENTELLA_ENGINE_RDD_SHUFFLED_NODE_H_

#include <algorithm>
#include <memory>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "common/serde/serde.h"
#include "common/serde/stable_hash.h"
#include "engine/memory/memory_manager.h"
#include "engine/plan/operator_registry.h"
#include "engine/rdd/aggregation.h"
#include "engine/rdd/combine_table.h"
#include "engine/rdd/plan_state.h"
#include "engine/rdd/run_pipeline.h"
#include "engine/rdd/shuffle_dependency.h"
#include "engine/shuffle/fetch_failure.h"
#include "engine/task/node.h"
#include "engine/task/sorted_runs.h"

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
    using Entry = std::tuple<uint64_t, K, C>;
    auto by_hash = [](const Entry& a, const Entry& b) { return std::get<0>(a) < std::get<0>(b); };
    CombineTable<Agg> table(&agg_);
    MemoryReservation reservation(&ctx.memory());
    SortedRuns<Entry, decltype(by_hash)> runs(&ctx, by_hash);
    int64_t since_check = 0;
    // Every kCheckEvery records: grow the grant with the table, or spill the table.
    auto account = [&]() -> absl::Status {
      since_check = 0;
      const int64_t bytes = table.EstimatedBytes();
      if (bytes <= reservation.held() || reservation.Ensure(bytes)) return absl::OkStatus();
      std::vector<Entry> sorted = table.DrainSortedByHash();
      return runs.Spill(sorted);
    };
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
            if (++since_check == kCheckEvery) {
              absl::Status a = account();
              if (!a.ok()) return a;
            }
          }
          if (!r.ok()) {
            return FetchFailedError({shuffle_id_, map_id, partition, ""},
                                    std::string(r.status().message()));
          }
          return absl::OkStatus();
        });
    if (!s.ok()) return s;

    std::vector<Out> buffer;
    bool stopped = false;
    auto emit = [&](K&& k, C&& c) {
      buffer.emplace_back(std::move(k), std::move(c));
      if (buffer.size() >= kBatchSize) stopped = !FlushBatch(buffer, out);
      return !stopped;
    };
    if (runs.empty()) {
      auto& map = table.Finish();
      buffer.reserve(std::min(map.size(), kBatchSize));
      for (auto it = map.begin(); it != map.end() && !stopped; ++it) {
        emit(std::move(const_cast<K&>(it->first)), std::move(it->second));
      }
    } else {
      // Entries of one hash from every run, combined by key equality.
      std::vector<std::pair<K, C>> group;
      uint64_t group_hash = 0;
      auto flush_group = [&]() {
        for (auto& [k, c] : group) {
          if (!emit(std::move(k), std::move(c))) break;
        }
        group.clear();
      };
      std::vector<Entry> rest = table.DrainSortedByHash();
      s = runs.Merge(rest, [&](Entry&& e) {
        auto& [hash, k, c] = e;
        if (hash != group_hash) {
          flush_group();
          group_hash = hash;
        }
        auto same = std::find_if(group.begin(), group.end(),
                                 [&](const std::pair<K, C>& g) { return g.first == k; });
        if (same == group.end()) {
          group.emplace_back(std::move(k), std::move(c));
        } else {
          agg_.MergeCombiners(same->second, std::move(c));
        }
        return !stopped;
      });
      if (!s.ok()) return s;
      if (!stopped) flush_group();
    }
    if (!stopped && !buffer.empty()) FlushBatch(buffer, out);
    return absl::OkStatus();
  }

 private:
  static constexpr int64_t kCheckEvery = 1024;

  int shuffle_id_;
  Agg agg_;
  std::shared_ptr<ShuffleDependency> dep_;
};

}  // namespace centella

#endif  // CENTELLA_ENGINE_RDD_SHUFFLED_NODE_H_

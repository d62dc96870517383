// ShuffleReadNode<K, V>: the first node of a stage that reads a shuffle whose records were
// not combined (partition_by, repartition, sort_by_key). It emits the (key, value)
// records of its reduce partition either as they arrive or sorted by key.
//
// Sorted output is stable and the same in every run: records are ordered by key, and
// records with equal keys by (map partition, position in that map's output), whatever
// order the blocks arrive in. The sort buffer is accounted against the task's memory;
// when refused more it is sorted and spilled as a run, and the runs are merged at the end
// (an external merge sort), so a partition may be far larger than memory.
#ifndef CENTELLA_ENGINE_RDD_SHUFFLE_READ_NODE_H_
#define CENTELLA_ENGINE_RDD_SHUFFLE_READ_NODE_H_

#include <algorithm>
#include <memory>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "common/serde/serde.h"
#include "engine/memory/memory_manager.h"
#include "engine/memory/size_estimate.h"
#include "engine/plan/operator_registry.h"
#include "engine/rdd/plan_state.h"
#include "engine/rdd/run_pipeline.h"
#include "engine/rdd/shuffle_dependency.h"
#include "engine/shuffle/fetch_failure.h"
#include "engine/task/node.h"
#include "engine/task/sorted_runs.h"

namespace centella {

enum class ShuffleReadOrder : uint8_t { kArrival = 0, kAscending = 1, kDescending = 2 };

template <class K, class V>
class ShuffleReadNode final
    : public RegisteredPlanObject<ShuffleReadNode<K, V>, Node<std::pair<K, V>>> {
 public:
  using Out = std::pair<K, V>;

  ShuffleReadNode(int shuffle_id, ShuffleReadOrder order, std::string op_name)
      : shuffle_id_(shuffle_id), order_(order), op_name_(std::move(op_name)) {}

  void set_dependency(std::shared_ptr<ShuffleDependency> dep) { dep_ = std::move(dep); }
  std::shared_ptr<ShuffleDependency> shuffle_dependency() const override { return dep_; }
  std::string_view op_name() const override { return op_name_; }

  void SerializeState(std::string* out) const override {
    ByteWriter w(out);
    w.PutVarint(shuffle_id_);
    Serialize(w, order_);
    Serialize(w, op_name_);
  }
  static absl::StatusOr<std::unique_ptr<PlanObject>> FromState(std::string_view state) {
    return ReadPlanState(state, [](ByteReader& r) -> std::unique_ptr<PlanObject> {
      uint64_t shuffle_id = 0;
      ShuffleReadOrder order{};
      std::string name;
      if (!r.GetVarint(&shuffle_id) || !Deserialize(r, &order) || !Deserialize(r, &name)) {
        return nullptr;
      }
      if (order > ShuffleReadOrder::kDescending) return nullptr;
      return std::make_unique<ShuffleReadNode>(static_cast<int>(shuffle_id), order,
                                               std::move(name));
    });
  }

  absl::Status Compute(TaskContext& ctx, int partition, BatchSink<Out>& out) const override {
    if (order_ == ShuffleReadOrder::kArrival) return Stream(ctx, partition, out);
    return Sorted(ctx, partition, out);
  }

 private:
  // Decodes every record of `block` into `records`; a malformed block is a fetch failure
  // (the map output is recomputed), never silently short data.
  absl::Status Decode(int map_id, int partition, std::string_view block,
                      std::vector<Out>& records) const {
    ByteReader r(block);
    while (!r.done()) {
      Out kv;
      if (!Deserialize(r, &kv.first) || !Deserialize(r, &kv.second)) break;
      records.push_back(std::move(kv));
    }
    if (!r.ok()) {
      return FetchFailedError({shuffle_id_, map_id, partition, ""},
                              std::string(r.status().message()));
    }
    return absl::OkStatus();
  }

  absl::Status Stream(TaskContext& ctx, int partition, BatchSink<Out>& out) const {
    bool stopped = false;
    std::vector<Out> buffer;
    absl::Status s = ctx.FetchShuffle(
        shuffle_id_, partition, [&](int map_id, std::string_view block) -> absl::Status {
          if (stopped) return absl::OkStatus();
          buffer.clear();
          absl::Status d = Decode(map_id, partition, block, buffer);
          if (!d.ok()) return d;
          for (size_t i = 0; i < buffer.size() && !stopped; i += kBatchSize) {
            std::span<Out> batch(buffer.data() + i, std::min(kBatchSize, buffer.size() - i));
            stopped = !out.Consume(batch);
          }
          return absl::OkStatus();
        });
    return s;
  }

  absl::Status Sorted(TaskContext& ctx, int partition, BatchSink<Out>& out) const {
    // (key, map id, position in the map's block, value): a total order that does not
    // depend on the order blocks arrive in.
    using Tagged = std::tuple<K, int32_t, int64_t, V>;
    const bool ascending = order_ == ShuffleReadOrder::kAscending;
    auto less = [ascending](const Tagged& a, const Tagged& b) {
      const K& ka = std::get<0>(a);
      const K& kb = std::get<0>(b);
      if (ascending ? ka < kb : kb < ka) return true;
      if (ascending ? kb < ka : ka < kb) return false;
      return std::tie(std::get<1>(a), std::get<2>(a)) < std::tie(std::get<1>(b), std::get<2>(b));
    };
    SortedRuns<Tagged, decltype(less)> runs(&ctx, less);
    MemoryReservation reservation(&ctx.memory());
    std::vector<Tagged> buffer;
    int64_t bytes = 0;
    std::vector<Out> decoded;
    absl::Status s = ctx.FetchShuffle(
        shuffle_id_, partition, [&](int map_id, std::string_view block) -> absl::Status {
          decoded.clear();
          absl::Status d = Decode(map_id, partition, block, decoded);
          if (!d.ok()) return d;
          for (size_t i = 0; i < decoded.size(); ++i) {
            buffer.emplace_back(std::move(decoded[i].first), map_id, static_cast<int64_t>(i),
                                std::move(decoded[i].second));
            bytes += EstimateBytes(buffer.back());
            if (bytes > reservation.held() && !reservation.Ensure(bytes)) {
              std::sort(buffer.begin(), buffer.end(), less);
              absl::Status spilled = runs.Spill(buffer);
              if (!spilled.ok()) return spilled;
              bytes = 0;
            }
          }
          return absl::OkStatus();
        });
    if (!s.ok()) return s;
    std::sort(buffer.begin(), buffer.end(), less);

    std::vector<Out> batch;
    batch.reserve(kBatchSize);
    bool stopped = false;
    auto emit = [&](Tagged&& t) {
      batch.emplace_back(std::move(std::get<0>(t)), std::move(std::get<3>(t)));
      if (batch.size() >= kBatchSize) stopped = !FlushBatch(batch, out);
      return !stopped;
    };
    if (runs.empty()) {
      for (size_t i = 0; i < buffer.size() && emit(std::move(buffer[i])); ++i) {
      }
    } else {
      s = runs.Merge(buffer, emit);
      if (!s.ok()) return s;
    }
    if (!stopped && !batch.empty()) FlushBatch(batch, out);
    return absl::OkStatus();
  }

  int shuffle_id_;
  ShuffleReadOrder order_;
  std::string op_name_;
  std::shared_ptr<ShuffleDependency> dep_;
};

}  // namespace centella

#endif  // CENTELLA_ENGINE_RDD_SHUFFLE_READ_NODE_H_

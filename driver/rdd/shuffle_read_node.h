// ShuffleReadNode<K, V>: the first node of a stage that reads a shuffle whose records were
// not combined (partition_by, repartition, sort_by_key). It emits the (key, value)
// records of its reduce partition either as they arrive or sorted by key.
//
// Sorted output is stable and the same in every run: records are ordered by key, and
// records with equal keys by (map partition, position in that map's output), whatever
// order the blocks arrive in.
#ifndef CENTELLA_DRIVER_RDD_SHUFFLE_READ_NODE_H_
#define CENTELLA_DRIVER_RDD_SHUFFLE_READ_NODE_H_

#include <algorithm>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/registry/operator_registry.h"
#include "common/serde/serde.h"
#include "driver/dag/shuffle_dependency.h"
#include "driver/rdd/plan_state.h"
#include "driver/rdd/run_pipeline.h"
#include "executor/shuffle/fetch_failure.h"
#include "executor/task/node.h"

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
    std::map<int, std::vector<Out>> by_map;  // map id order makes ties deterministic
    absl::Status s = ctx.FetchShuffle(shuffle_id_, partition,
                                      [&](int map_id, std::string_view block) -> absl::Status {
                                        return Decode(map_id, partition, block, by_map[map_id]);
                                      });
    if (!s.ok()) return s;
    std::vector<Out> records;
    size_t total = 0;
    for (const auto& [id, part] : by_map) total += part.size();
    records.reserve(total);
    for (auto& [id, part] : by_map) {
      std::move(part.begin(), part.end(), std::back_inserter(records));
      std::vector<Out>().swap(part);
    }
    if (order_ == ShuffleReadOrder::kAscending) {
      std::stable_sort(records.begin(), records.end(),
                       [](const Out& a, const Out& b) { return a.first < b.first; });
    } else {
      std::stable_sort(records.begin(), records.end(),
                       [](const Out& a, const Out& b) { return b.first < a.first; });
    }
    for (size_t i = 0; i < records.size(); i += kBatchSize) {
      std::span<Out> batch(records.data() + i, std::min(kBatchSize, records.size() - i));
      if (!out.Consume(batch)) break;
    }
    return absl::OkStatus();
  }

  int shuffle_id_;
  ShuffleReadOrder order_;
  std::string op_name_;
  std::shared_ptr<ShuffleDependency> dep_;
};

}  // namespace centella

#endif  // CENTELLA_DRIVER_RDD_SHUFFLE_READ_NODE_H_

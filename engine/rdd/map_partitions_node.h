// MapPartitionsNode<Pipe, F, kWithIndex>: applies f to a whole partition at once.
//
// f receives the partition's records as a std::vector (materialized: a partition must
// fit in the task's memory), preceded by the partition's index when kWithIndex
// (map_partitions_with_index), and returns any range of output records.
#ifndef CENTELLA_ENGINE_RDD_MAP_PARTITIONS_NODE_H_
#define CENTELLA_ENGINE_RDD_MAP_PARTITIONS_NODE_H_

#include <memory>
#include <ranges>
#include <string>
#include <vector>

#include "engine/memory/memory_manager.h"
#include "engine/memory/size_estimate.h"
#include "engine/plan/operator_registry.h"
#include "engine/plan/shippable_function.h"
#include "engine/rdd/plan_state.h"
#include "engine/rdd/run_pipeline.h"
#include "engine/task/node.h"

namespace centella {

template <class F, class T, bool kWithIndex>
struct MapPartitionsResult {
  using type = std::invoke_result_t<const F&, std::vector<T>&&>;
};
template <class F, class T>
struct MapPartitionsResult<F, T, true> {
  using type = std::invoke_result_t<const F&, int, std::vector<T>&&>;
};

template <class Pipe, class F, bool kWithIndex = false>
using MapPartitionsOut = std::decay_t<std::ranges::range_reference_t<
    typename MapPartitionsResult<F, typename Pipe::Out, kWithIndex>::type>>;

template <class Pipe, class F, bool kWithIndex = false>
class MapPartitionsNode final
    : public RegisteredPlanObject<MapPartitionsNode<Pipe, F, kWithIndex>,
                                  Node<MapPartitionsOut<Pipe, F, kWithIndex>>> {
 public:
  using T = typename Pipe::Out;
  using U = MapPartitionsOut<Pipe, F, kWithIndex>;
  MapPartitionsNode(Pipe pipe, F f) : pipe_(std::move(pipe)), f_(std::move(f)) {}

  std::string_view op_name() const override {
    return kWithIndex ? "map_partitions_with_index" : "map_partitions";
  }
  void SerializeState(std::string* out) const override {
    ByteWriter w(out);
    pipe_.Write(w);
    FunctionSerde<F>::Write(w, f_);
  }
  static absl::StatusOr<std::unique_ptr<PlanObject>> FromState(std::string_view state) {
    return ReadPlanState(state, [](ByteReader& r) -> std::unique_ptr<PlanObject> {
      std::optional<Pipe> pipe = Pipe::Read(r);
      if (!pipe) return nullptr;
      std::optional<F> f = FunctionSerde<F>::Read(r);
      if (!f) return nullptr;
      return std::make_unique<MapPartitionsNode>(std::move(*pipe), std::move(*f));
    });
  }

  absl::Status Compute(TaskContext& ctx, int partition, BatchSink<U>& out) const override {
    // The materialized partition cannot spill: it is accounted (the task's peak memory
    // shows it) and grows whatever the grant.
    MemoryReservation reservation(&ctx.memory());
    int64_t bytes = 0;
    std::vector<T> records;
    auto sink = [&](auto&& x) {
      records.emplace_back(std::forward<decltype(x)>(x));
      bytes += EstimateBytes(records.back());
      if (bytes > reservation.held()) reservation.Ensure(bytes);
    };
    absl::Status s =
        RunPipeline(ctx, *this->parents().at(0), partition, pipe_, sink, [] { return false; });
    if (!s.ok()) return s;
    auto&& result = [&]() -> decltype(auto) {
      if constexpr (kWithIndex) {
        return std::invoke(f_, partition, std::move(records));
      } else {
        return std::invoke(f_, std::move(records));
      }
    }();
    std::vector<U> buffer;
    buffer.reserve(kBatchSize);
    for (auto&& y : result) {
      buffer.emplace_back(std::forward<decltype(y)>(y));
      if (buffer.size() >= kBatchSize && !FlushBatch(buffer, out)) return absl::OkStatus();
    }
    if (!buffer.empty()) FlushBatch(buffer, out);
    return absl::OkStatus();
  }

 private:
  Pipe pipe_;
  F f_;
};

}  // namespace centella

#endif  // CENTELLA_ENGINE_RDD_MAP_PARTITIONS_NODE_H_

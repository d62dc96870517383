// The operations of pair RDDs (T = std::pair<K, V>) and the set operations built on them:
// map_values, keys, values, distinct, intersection, subtract, the keyed aggregations
// (reduce_by_key, group_by_key, combine_by_key, aggregate_by_key, fold_by_key),
// partition_by, range_partitioner, sort_by_key and sort_by. Declared and documented in
// the Rdd class (driver/api/rdd.h), which includes this header: include rdd.h.
#ifndef CENTELLA_DRIVER_API_PAIR_OPERATIONS_H_
#define CENTELLA_DRIVER_API_PAIR_OPERATIONS_H_

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "driver/api/rdd.h"

namespace centella {

template <class T, class Pipe>
template <class F>
auto Rdd<T, Pipe>::map_values(F f) const {
  static_assert(rdd_internal::IsPair<T>::value, "map_values needs an RDD of std::pair");
  static_assert(kIsShippable<F>, CENTELLA_SHIPPABLE_MESSAGE);
  auto pipe = pipe_.Append(MapValuesOp<F>{std::move(f)});
  return Rdd<typename decltype(pipe)::Out, decltype(pipe)>(ctx_, node_, std::move(pipe));
}

template <class T, class Pipe>
template <class F>
auto Rdd<T, Pipe>::flat_map_values(F f) const {
  static_assert(rdd_internal::IsPair<T>::value, "flat_map_values needs an RDD of std::pair");
  static_assert(kIsShippable<F>, CENTELLA_SHIPPABLE_MESSAGE);
  auto pipe = pipe_.Append(FlatMapValuesOp<F>{std::move(f)});
  return Rdd<typename decltype(pipe)::Out, decltype(pipe)>(ctx_, node_, std::move(pipe));
}

template <class T, class Pipe>
auto Rdd<T, Pipe>::keys() const {
  static_assert(rdd_internal::IsPair<T>::value, "keys needs an RDD of std::pair");
  return map([](T kv) { return std::move(kv.first); });
}

template <class T, class Pipe>
auto Rdd<T, Pipe>::values() const {
  static_assert(rdd_internal::IsPair<T>::value, "values needs an RDD of std::pair");
  return map([](T kv) { return std::move(kv.second); });
}

template <class T, class Pipe>
auto Rdd<T, Pipe>::distinct(int num_partitions) const {
  return map([](T x) { return std::pair<T, bool>(std::move(x), true); })
      .reduce_by_key([](bool a, bool) { return a; }, num_partitions)
      .keys();
}

template <class T, class Pipe>
template <class OtherPipe>
auto Rdd<T, Pipe>::intersection(const Rdd<T, OtherPipe>& other, int num_partitions) const {
  auto left = map([](T x) { return std::pair<T, uint8_t>(std::move(x), 1); });
  auto right = other.map([](T x) { return std::pair<T, uint8_t>(std::move(x), 2); });
  return Rdd<std::pair<T, uint8_t>>(left)
      .union_(right)
      .reduce_by_key([](uint8_t a, uint8_t b) -> uint8_t { return a | b; },
                     JoinPartitions(other, num_partitions))
      .filter([](const std::pair<T, uint8_t>& kv) { return kv.second == 3; })
      .keys();
}

template <class T, class Pipe>
template <class OtherPipe>
auto Rdd<T, Pipe>::subtract(const Rdd<T, OtherPipe>& other, int num_partitions) const {
  // (occurrences on the left, present on the right)
  using Tally = std::pair<int64_t, bool>;
  auto left = map([](T x) { return std::pair<T, Tally>(std::move(x), Tally(1, false)); });
  auto right = other.map([](T x) { return std::pair<T, Tally>(std::move(x), Tally(0, true)); });
  return Rdd<std::pair<T, Tally>>(left)
      .union_(right)
      .reduce_by_key(
          [](Tally a, Tally b) { return Tally(a.first + b.first, a.second || b.second); },
          num_partitions > 0 ? num_partitions : std::max(1, this->num_partitions()))
      .flat_map([](std::pair<T, Tally> kv) {
        return std::vector<T>(kv.second.second ? 0 : kv.second.first, kv.first);
      });
}

template <class T, class Pipe>
template <class F>
auto Rdd<T, Pipe>::reduce_by_key(F f, int num_partitions) const {
  static_assert(rdd_internal::IsPair<T>::value, "reduce_by_key needs an RDD of std::pair");
  static_assert(kIsShippable<F>, CENTELLA_SHIPPABLE_MESSAGE);
  using K = typename T::first_type;
  using V = typename T::second_type;
  static_assert(std::is_invocable_r_v<V, const F&, V&&, V&&>,
                "reduce_by_key(f): f must combine two values into one: f(V, V) -> V");
  return ShuffleWith(ReduceAggregation<K, V, F>{std::move(f)},
                     HashPartitioner{DefaultPartitions(num_partitions)});
}

template <class T, class Pipe>
auto Rdd<T, Pipe>::group_by_key(int num_partitions) const {
  static_assert(rdd_internal::IsPair<T>::value, "group_by_key needs an RDD of std::pair");
  using K = typename T::first_type;
  using V = typename T::second_type;
  return ShuffleWith(GroupAggregation<K, V>{}, HashPartitioner{DefaultPartitions(num_partitions)});
}

template <class T, class Pipe>
template <class Create, class MergeValueF, class MergeCombinersF>
auto Rdd<T, Pipe>::combine_by_key(Create create, MergeValueF merge_value,
                                  MergeCombinersF merge_combiners, int num_partitions) const {
  static_assert(rdd_internal::IsPair<T>::value, "combine_by_key needs an RDD of std::pair");
  static_assert(kIsShippable<Create> && kIsShippable<MergeValueF> && kIsShippable<MergeCombinersF>,
                CENTELLA_SHIPPABLE_MESSAGE);
  using K = typename T::first_type;
  using V = typename T::second_type;
  using C = std::decay_t<std::invoke_result_t<const Create&, V&&>>;
  static_assert(std::is_invocable_r_v<C, const MergeValueF&, C&&, V&&>,
                "combine_by_key: merge_value must be f(C, V) -> C");
  static_assert(std::is_invocable_r_v<C, const MergeCombinersF&, C&&, C&&>,
                "combine_by_key: merge_combiners must be f(C, C) -> C");
  return ShuffleWith(
      CombineByKeyAggregation<K, V, C, Create, MergeValueF, MergeCombinersF>{
          std::move(create), std::move(merge_value), std::move(merge_combiners)},
      HashPartitioner{DefaultPartitions(num_partitions)});
}

template <class T, class Pipe>
template <class U, class Seq, class Comb>
auto Rdd<T, Pipe>::aggregate_by_key(U zero, Seq seq, Comb comb, int num_partitions) const {
  static_assert(rdd_internal::IsPair<T>::value, "aggregate_by_key needs an RDD of std::pair");
  static_assert(kIsShippable<Seq> && kIsShippable<Comb>, CENTELLA_SHIPPABLE_MESSAGE);
  static_assert(kIsSerializable<U>, CENTELLA_RECORD_MESSAGE);
  using K = typename T::first_type;
  using V = typename T::second_type;
  static_assert(std::is_invocable_r_v<U, const Seq&, U&&, V&&>,
                "aggregate_by_key: seq must be f(U, V) -> U");
  static_assert(std::is_invocable_r_v<U, const Comb&, U&&, U&&>,
                "aggregate_by_key: comb must be f(U, U) -> U");
  return ShuffleWith(
      AggregateByKeyAggregation<K, V, U, Seq, Comb>{std::move(zero), std::move(seq), comb},
      HashPartitioner{DefaultPartitions(num_partitions)});
}

template <class T, class Pipe>
template <class V, class F>
auto Rdd<T, Pipe>::fold_by_key(V zero, F f, int num_partitions) const {
  static_assert(rdd_internal::IsPair<T>::value, "fold_by_key needs an RDD of std::pair");
  return aggregate_by_key(typename T::second_type(std::move(zero)), f, f, num_partitions);
}

template <class T, class Pipe>
template <class Part>
auto Rdd<T, Pipe>::partition_by(Part partitioner) const {
  static_assert(rdd_internal::IsPair<T>::value, "partition_by needs an RDD of std::pair");
  return ShuffleRaw(std::move(partitioner), ShuffleReadOrder::kArrival, "partition_by");
}

template <class T, class Pipe>
auto Rdd<T, Pipe>::partition_by(int n) const {
  return partition_by(HashPartitioner{std::max(1, n)});
}

template <class T, class Pipe>
auto Rdd<T, Pipe>::range_partitioner(int n, bool ascending) const {
  static_assert(rdd_internal::IsPair<T>::value, "range_partitioner needs an RDD of std::pair");
  using K = typename T::first_type;
  using Result = absl::StatusOr<RangePartitioner<K>>;
  if (n <= 1) return Result(RangePartitioner<K>{{}, ascending});
  absl::Status lineage = LineageStatus(*node_);
  if (!lineage.ok()) return Result(lineage);
  // Spark's sizes: about 20 keys per output partition, oversampled 3x across inputs.
  const double wanted = std::min(20.0 * n, 1e6);
  const uint64_t per_partition =
      static_cast<uint64_t>(std::ceil(3.0 * wanted / std::max(1, num_partitions())));
  SampleKeysAction<K> action;
  action.size = per_partition;
  action.seed = static_cast<uint64_t>(node_->rdd_id());
  absl::StatusOr<std::vector<std::string>> parts =
      RunAction(std::move(action), AllPartitions(), "range_partitioner (sampling keys)");
  if (!parts.ok()) return Result(parts.status());
  std::vector<std::pair<K, double>> candidates;
  for (const std::string& bytes : *parts) {
    std::pair<uint64_t, std::vector<K>> sampled;
    absl::Status s = DeserializeFromString(bytes, &sampled);
    if (!s.ok()) return Result(s);
    if (sampled.second.empty()) continue;
    const double weight =
        static_cast<double>(sampled.first) / static_cast<double>(sampled.second.size());
    for (K& k : sampled.second) candidates.emplace_back(std::move(k), weight);
  }
  return Result(RangePartitioner<K>::FromWeightedSample(std::move(candidates), n, ascending));
}

template <class T, class Pipe>
auto Rdd<T, Pipe>::sort_by_key(bool ascending, int num_partitions) const {
  static_assert(rdd_internal::IsPair<T>::value, "sort_by_key needs an RDD of std::pair");
  using K = typename T::first_type;
  auto part = range_partitioner(DefaultPartitions(num_partitions), ascending);
  const ShuffleReadOrder order =
      ascending ? ShuffleReadOrder::kAscending : ShuffleReadOrder::kDescending;
  if (!part.ok()) {
    auto out = ShuffleRaw(RangePartitioner<K>{{}, ascending}, order, "sort_by_key");
    out.set_build_status(part.status());
    return out;
  }
  return ShuffleRaw(*std::move(part), order, "sort_by_key");
}

template <class T, class Pipe>
template <class F>
auto Rdd<T, Pipe>::sort_by(F f, bool ascending, int num_partitions) const {
  static_assert(kIsShippable<F>, CENTELLA_SHIPPABLE_MESSAGE);
  return map(KeyBy<F>{std::move(f)}).sort_by_key(ascending, num_partitions).values();
}

}  // namespace centella

#endif  // CENTELLA_DRIVER_API_PAIR_OPERATIONS_H_

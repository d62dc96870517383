// Aggregations: how values of one key are combined across a shuffle (Spark's
// combineByKey model). Each provides
//   Combined CreateCombiner(V&&), void MergeValue(Combined&, V&&),
//   void MergeCombiners(Combined&, Combined&&), and kMapSideCombine.
// With kMapSideCombine the map task combines its own records per key before writing
// (K, Combined); otherwise it writes (K, V) and all combining happens after the shuffle.
#ifndef CENTELLA_DRIVER_RDD_AGGREGATION_H_
#define CENTELLA_DRIVER_RDD_AGGREGATION_H_

#include <functional>
#include <optional>
#include <vector>

#include "driver/api/shippable_function.h"

namespace centella {

// reduce_by_key(f): f(V, V) -> V, associative and commutative.
template <class K, class V, class F>
struct ReduceAggregation {
  using Key = K;
  using Value = V;
  using Combined = V;
  static constexpr bool kMapSideCombine = true;
  static constexpr std::string_view kName = "reduce_by_key";
  F f;

  Combined CreateCombiner(V&& v) const { return std::move(v); }
  void MergeValue(Combined& c, V&& v) const { c = std::invoke(f, std::move(c), std::move(v)); }
  void MergeCombiners(Combined& c, Combined&& o) const {
    c = std::invoke(f, std::move(c), std::move(o));
  }
  void Write(ByteWriter& w) const { FunctionSerde<F>::Write(w, f); }
  static std::optional<ReduceAggregation> Read(ByteReader& r) {
    std::optional<F> g = FunctionSerde<F>::Read(r);
    if (!g) return std::nullopt;
    return ReduceAggregation{std::move(*g)};
  }
};

// group_by_key(): every value of a key, in no particular order.
template <class K, class V>
struct GroupAggregation {
  using Key = K;
  using Value = V;
  using Combined = std::vector<V>;
  static constexpr bool kMapSideCombine = false;
  static constexpr std::string_view kName = "group_by_key";

  Combined CreateCombiner(V&& v) const {
    Combined c;
    c.push_back(std::move(v));
    return c;
  }
  void MergeValue(Combined& c, V&& v) const { c.push_back(std::move(v)); }
  void MergeCombiners(Combined& c, Combined&& o) const {
    c.insert(c.end(), std::make_move_iterator(o.begin()), std::make_move_iterator(o.end()));
  }
  void Write(ByteWriter&) const {}
  static std::optional<GroupAggregation> Read(ByteReader&) { return GroupAggregation{}; }
};

// Reduce partition of a key hash: multiply-shift on the high bits, so no modulo and no
// bias from the low bits the hash tables use.
inline int HashPartition(uint64_t hash, int num_partitions) {
  return static_cast<int>((static_cast<unsigned __int128>(hash) * num_partitions) >> 64);
}

}  // namespace centella

#endif  // CENTELLA_DRIVER_RDD_AGGREGATION_H_

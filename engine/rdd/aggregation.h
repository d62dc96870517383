// Aggregations: how values of one key are combined across a shuffle (Spark's
// combineByKey model). Each provides
//   Combined CreateCombiner(V&&), void MergeValue(Combined&, V&&),
//   void MergeCombiners(Combined&, Combined&&), and kMapSideCombine.
// With kMapSideCombine the map task combines its own records per key before writing
// (K, Combined); otherwise it writes (K, V) and all combining happens after the shuffle.
#ifndef CENTELLA_ENGINE_RDD_AGGREGATION_H_
#define CENTELLA_ENGINE_RDD_AGGREGATION_H_

#include <functional>
#include <optional>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "engine/plan/shippable_function.h"

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

// combine_by_key(create, merge_value, merge_combiners): Spark's general form.
template <class K, class V, class C, class Create, class MergeValueF, class MergeCombinersF>
struct CombineByKeyAggregation {
  using Key = K;
  using Value = V;
  using Combined = C;
  static constexpr bool kMapSideCombine = true;
  static constexpr std::string_view kName = "combine_by_key";
  Create create;
  MergeValueF merge_value;
  MergeCombinersF merge_combiners;

  Combined CreateCombiner(V&& v) const { return std::invoke(create, std::move(v)); }
  void MergeValue(Combined& c, V&& v) const {
    c = std::invoke(merge_value, std::move(c), std::move(v));
  }
  void MergeCombiners(Combined& c, Combined&& o) const {
    c = std::invoke(merge_combiners, std::move(c), std::move(o));
  }
  void Write(ByteWriter& w) const {
    FunctionSerde<Create>::Write(w, create);
    FunctionSerde<MergeValueF>::Write(w, merge_value);
    FunctionSerde<MergeCombinersF>::Write(w, merge_combiners);
  }
  static std::optional<CombineByKeyAggregation> Read(ByteReader& r) {
    std::optional<Create> a = FunctionSerde<Create>::Read(r);
    if (!a) return std::nullopt;
    std::optional<MergeValueF> b = FunctionSerde<MergeValueF>::Read(r);
    if (!b) return std::nullopt;
    std::optional<MergeCombinersF> c = FunctionSerde<MergeCombinersF>::Read(r);
    if (!c) return std::nullopt;
    return CombineByKeyAggregation{std::move(*a), std::move(*b), std::move(*c)};
  }
};

// aggregate_by_key(zero, seq, comb) and fold_by_key(zero, f): every key starts from a copy
// of `zero` (shipped as a value, so it may be a string or a vector).
template <class K, class V, class U, class Seq, class Comb>
struct AggregateByKeyAggregation {
  using Key = K;
  using Value = V;
  using Combined = U;
  static constexpr bool kMapSideCombine = true;
  static constexpr std::string_view kName = "aggregate_by_key";
  U zero;
  Seq seq;
  Comb comb;

  Combined CreateCombiner(V&& v) const { return std::invoke(seq, U(zero), std::move(v)); }
  void MergeValue(Combined& c, V&& v) const { c = std::invoke(seq, std::move(c), std::move(v)); }
  void MergeCombiners(Combined& c, Combined&& o) const {
    c = std::invoke(comb, std::move(c), std::move(o));
  }
  void Write(ByteWriter& w) const {
    Serialize(w, zero);
    FunctionSerde<Seq>::Write(w, seq);
    FunctionSerde<Comb>::Write(w, comb);
  }
  static std::optional<AggregateByKeyAggregation> Read(ByteReader& r) {
    U zero{};
    if (!Deserialize(r, &zero)) return std::nullopt;
    std::optional<Seq> seq = FunctionSerde<Seq>::Read(r);
    if (!seq) return std::nullopt;
    std::optional<Comb> comb = FunctionSerde<Comb>::Read(r);
    if (!comb) return std::nullopt;
    return AggregateByKeyAggregation{std::move(zero), std::move(*seq), std::move(*comb)};
  }
};

// cogroup: the values of each key from two RDDs, tagged by side on the way in
// (std::variant index 0 = this RDD, 1 = the other), kept apart on the way out.
template <class K, class V, class W>
struct CogroupAggregation {
  using Key = K;
  using Value = std::variant<V, W>;
  using Combined = std::pair<std::vector<V>, std::vector<W>>;
  static constexpr bool kMapSideCombine = false;
  static constexpr std::string_view kName = "cogroup";

  Combined CreateCombiner(Value&& v) const {
    Combined c;
    MergeValue(c, std::move(v));
    return c;
  }
  void MergeValue(Combined& c, Value&& v) const {
    if (v.index() == 0) {
      c.first.push_back(std::move(std::get<0>(v)));
    } else {
      c.second.push_back(std::move(std::get<1>(v)));
    }
  }
  void MergeCombiners(Combined& c, Combined&& o) const {
    c.first.insert(c.first.end(), std::make_move_iterator(o.first.begin()),
                   std::make_move_iterator(o.first.end()));
    c.second.insert(c.second.end(), std::make_move_iterator(o.second.begin()),
                    std::make_move_iterator(o.second.end()));
  }
  void Write(ByteWriter&) const {}
  static std::optional<CogroupAggregation> Read(ByteReader&) { return CogroupAggregation{}; }
};

// No combining at all: (key, value) records cross the shuffle as they are (partition_by,
// sort_by_key, repartition).
template <class K, class V>
struct PassThroughAggregation {
  using Key = K;
  using Value = V;
  using Combined = V;
  static constexpr bool kMapSideCombine = false;
  void Write(ByteWriter&) const {}
  static std::optional<PassThroughAggregation> Read(ByteReader&) {
    return PassThroughAggregation{};
  }
};

}  // namespace centella

#endif  // CENTELLA_ENGINE_RDD_AGGREGATION_H_

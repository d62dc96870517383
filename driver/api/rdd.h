// Rdd<T>: a partitioned, immutable collection of records of type T, computed lazily from
// its lineage (Spark's RDD).
//
// Transformations return new RDDs and run nothing; actions run a job and return its
// result as absl::StatusOr. Narrow transformations (map, filter, flat_map) are fused at
// compile time: their result type is Rdd<U, Pipeline<...>>, so keep it in `auto`. Storing
// one in the erased type Rdd<U> is always allowed and makes the pipeline a node of its
// own (records then cross that boundary in batches).
//
// Functions passed to transformations are shipped to executors (see
// shippable_function.h): capture by value, and only plain values.
#ifndef CENTELLA_DRIVER_API_RDD_H_
#define CENTELLA_DRIVER_API_RDD_H_

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <numeric>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "common/serde/serde.h"
#include "common/status/status_macros.h"
#include "driver/api/context.h"
#include "driver/api/pipeline.h"
#include "driver/api/shippable_function.h"
#include "driver/dag/lineage_status.h"
#include "driver/rdd/actions.h"
#include "driver/rdd/aggregation.h"
#include "driver/rdd/cached_node.h"
#include "driver/rdd/cartesian_node.h"
#include "driver/rdd/checkpoint_node.h"
#include "driver/rdd/coalesced_node.h"
#include "driver/rdd/map_partitions_node.h"
#include "driver/rdd/parallelize_node.h"
#include "driver/rdd/partitioner.h"
#include "driver/rdd/pipelined_node.h"
#include "driver/rdd/result_runner.h"
#include "driver/rdd/sample_node.h"
#include "driver/rdd/shuffle_map_runner.h"
#include "driver/rdd/shuffle_read_node.h"
#include "driver/rdd/shuffled_node.h"
#include "driver/rdd/union_node.h"

namespace centella {

// The predicate of lookup(): shipped with the key it looks for.
template <class K>
struct KeyEquals {
  K key{};
  template <class P>
  bool operator()(const P& kv) const {
    return kv.first == key;
  }
  CENTELLA_FIELDS(key)
};

// sort_by(f): the record keyed by f(record). A struct rather than a lambda so that f may
// be any shippable function: a trivially copyable f makes KeyBy trivially copyable, and
// a function object with CENTELLA_FIELDS makes it serializable.
template <class F>
struct KeyBy {
  F f;
  template <class T>
  auto operator()(T x) const {
    auto k = std::invoke(f, std::as_const(x));
    return std::pair<decltype(k), T>(std::move(k), std::move(x));
  }
};
template <class F>
struct Serde<KeyBy<F>, std::enable_if_t<kIsSerializable<F>>> {
  static void Write(ByteWriter& w, const KeyBy<F>& v) { Serialize(w, v.f); }
  static bool Read(ByteReader& r, KeyBy<F>* v) { return Deserialize(r, &v->f); }
};

// top(n, cmp): cmp with its arguments swapped.
template <class Cmp>
struct ReversedOrder {
  Cmp cmp;
  template <class A, class B>
  bool operator()(const A& a, const B& b) const {
    return std::invoke(cmp, b, a);
  }
};
template <class Cmp>
struct Serde<ReversedOrder<Cmp>, std::enable_if_t<kIsSerializable<Cmp>>> {
  static void Write(ByteWriter& w, const ReversedOrder<Cmp>& v) { Serialize(w, v.cmp); }
  static bool Read(ByteReader& r, ReversedOrder<Cmp>* v) { return Deserialize(r, &v->cmp); }
};

// zip_with_index(): adds each partition's first global index to its records' positions.
template <class T>
struct ZipWithIndexFn {
  std::vector<int64_t> offsets;
  std::vector<std::pair<T, int64_t>> operator()(int partition, std::vector<T>&& xs) const {
    std::vector<std::pair<T, int64_t>> out;
    out.reserve(xs.size());
    int64_t i = offsets.at(partition);
    for (T& x : xs) out.emplace_back(std::move(x), i++);
    return out;
  }
  CENTELLA_FIELDS(offsets)
};

// repartition(n): deals a partition's records to the n new partitions in turn, starting
// at a position that depends on the partition (as Spark does), so that small partitions
// do not all pile into partition 0.
template <class T>
struct RoundRobinKeys {
  int n = 1;
  std::vector<std::pair<int, T>> operator()(int partition, std::vector<T>&& xs) const {
    std::vector<std::pair<int, T>> out;
    out.reserve(xs.size());
    int next = HashPartition(StableHash(partition), n);
    for (T& x : xs) {
      out.emplace_back(next, std::move(x));
      if (++next == n) next = 0;
    }
    return out;
  }
};

namespace rdd_internal {
template <class T>
struct IsPair : std::false_type {};
template <class A, class B>
struct IsPair<std::pair<A, B>> : std::true_type {};

// The value type of `OtherRdd`, an RDD of (K, value) pairs, for joins with an RDD keyed by K.
template <class OtherRdd, class K>
struct PairOf {
  using Record = typename OtherRdd::Record;
  static_assert(IsPair<Record>::value, "the other RDD of a join or cogroup must hold std::pair");
  static_assert(std::is_same_v<typename Record::first_type, K>,
                "join and cogroup need both RDDs keyed by the same type");
  using Value = typename Record::second_type;
};
}  // namespace rdd_internal

#define CENTELLA_RECORD_MESSAGE                                                           \
  "Centella cannot move these records between tasks: their type has no serialized form. " \
  "List the members of your record type with CENTELLA_FIELDS(...) inside the type, or "   \
  "specialize centella::Serde<T>. (std::string_view cannot leave the function that made " \
  "it: convert it to std::string.)"

template <class T, class Pipe = Pipeline<T>>
class Rdd {
 public:
  using Record = T;
  using In = typename Pipe::In;
  static_assert(std::is_same_v<typename Pipe::Out, T>);

  Rdd(Context* ctx, std::shared_ptr<Node<In>> node, Pipe pipe = Pipe())
      : ctx_(ctx), node_(std::move(node)), pipe_(std::move(pipe)) {}

  // Erases a fused pipeline into a node of its own: Rdd<T> r = other.map(...);
  template <class OtherPipe>
  requires(Pipe::kIsIdentity && !std::is_same_v<OtherPipe, Pipe>)
      Rdd(const Rdd<T, OtherPipe>& other)  // NOLINT(google-explicit-constructor)
      : ctx_(other.context()), node_(other.AsNode()) {}

  // ---- narrow transformations (fused) ----

  // f(T) -> U
  template <class F>
  auto map(F f) const {
    static_assert(kIsShippable<F>, CENTELLA_SHIPPABLE_MESSAGE);
    static_assert(std::is_invocable_v<const F&, T&&>,
                  "map(f): f must accept the RDD's record type");
    auto pipe = pipe_.Append(MapOp<F>{std::move(f)});
    return Rdd<typename decltype(pipe)::Out, decltype(pipe)>(ctx_, node_, std::move(pipe));
  }

  // f(const T&) -> bool; keeps the records for which f is true.
  template <class F>
  auto filter(F f) const {
    static_assert(kIsShippable<F>, CENTELLA_SHIPPABLE_MESSAGE);
    static_assert(std::is_invocable_r_v<bool, const F&, const T&>,
                  "filter(f): f must take the RDD's record and return bool");
    auto pipe = pipe_.Append(FilterOp<F>{std::move(f)});
    return Rdd<T, decltype(pipe)>(ctx_, node_, std::move(pipe));
  }

  // f(T) -> any range of U (a std::vector<U>, a view, ...); emits every element.
  template <class F>
  auto flat_map(F f) const {
    static_assert(kIsShippable<F>, CENTELLA_SHIPPABLE_MESSAGE);
    static_assert(std::is_invocable_v<const F&, T&&>,
                  "flat_map(f): f must accept the RDD's record type");
    auto pipe = pipe_.Append(FlatMapOp<F>{std::move(f)});
    return Rdd<typename decltype(pipe)::Out, decltype(pipe)>(ctx_, node_, std::move(pipe));
  }

  // f(std::vector<T>&&) -> any range of U: the whole partition at once.
  template <class F>
  auto map_partitions(F f) const {
    static_assert(kIsShippable<F>, CENTELLA_SHIPPABLE_MESSAGE);
    static_assert(std::is_invocable_v<const F&, std::vector<T>&&>,
                  "map_partitions(f): f must accept a std::vector of the RDD's records");
    auto node = std::make_shared<MapPartitionsNode<Pipe, F>>(pipe_, std::move(f));
    ctx_->InitNode(*node, node_->num_partitions(), {node_});
    using U = typename MapPartitionsNode<Pipe, F>::U;
    return Rdd<U, Pipeline<U>>(ctx_, std::move(node));
  }

  // f(int partition, std::vector<T>&&) -> any range of U: like map_partitions, with the
  // partition's index.
  template <class F>
  auto map_partitions_with_index(F f) const {
    static_assert(kIsShippable<F>, CENTELLA_SHIPPABLE_MESSAGE);
    static_assert(std::is_invocable_v<const F&, int, std::vector<T>&&>,
                  "map_partitions_with_index(f): f must accept (int partition, std::vector of "
                  "the RDD's records)");
    auto node = std::make_shared<MapPartitionsNode<Pipe, F, true>>(pipe_, std::move(f));
    ctx_->InitNode(*node, node_->num_partitions(), {node_});
    using U = typename MapPartitionsNode<Pipe, F, true>::U;
    return Rdd<U, Pipeline<U>>(ctx_, std::move(node));
  }

  // A random sample: each record kept with probability `fraction` (without replacement),
  // or repeated Poisson(fraction) times (with replacement). The same seed gives the same
  // sample.
  Rdd<T, Pipeline<T>> sample(bool with_replacement, double fraction, uint64_t seed = 0) const {
    auto node = std::make_shared<SampleNode<Pipe>>(pipe_, with_replacement, fraction, seed);
    ctx_->InitNode(*node, node_->num_partitions(), {node_});
    if (!(fraction >= 0) || (!with_replacement && fraction > 1)) {
      node->set_build_status(absl::InvalidArgumentError(
          absl::StrCat("sample(): fraction must be ", with_replacement ? ">= 0" : "in [0, 1]",
                       ", got ", fraction)));
    }
    return Rdd<T, Pipeline<T>>(ctx_, std::move(node));
  }

  // The partitions of this RDD followed by those of `other` (duplicates kept). Named
  // union_ because `union` is a C++ keyword.
  template <class OtherPipe>
  Rdd<T, Pipeline<T>> union_(const Rdd<T, OtherPipe>& other) const {
    auto node = std::make_shared<UnionNode<T>>();
    std::shared_ptr<NodeBase> a = AsNode(), b = other.AsNode();
    ctx_->InitNode(*node, a->num_partitions() + b->num_partitions(), {a, b});
    return Rdd<T, Pipeline<T>>(ctx_, std::move(node));
  }

  // Every pair (a, b) with a from this RDD and b from `other`; num_partitions() *
  // other.num_partitions() partitions.
  template <class U, class OtherPipe>
  auto cartesian(const Rdd<U, OtherPipe>& other) const {
    using Out = std::pair<T, U>;
    auto node = std::make_shared<CartesianNode<T, U>>();
    std::shared_ptr<NodeBase> a = AsNode(), b = other.AsNode();
    ctx_->InitNode(*node, a->num_partitions() * b->num_partitions(), {a, b});
    return Rdd<Out, Pipeline<Out>>(ctx_, std::move(node));
  }

  // Fewer partitions. Without a shuffle, contiguous partitions are read one after the
  // other by one task (asking for more partitions than there are changes nothing); with
  // `shuffle` it is repartition(n).
  Rdd<T, Pipeline<T>> coalesce(int n, bool shuffle = false) const {
    if (shuffle) return repartition(n);
    const int have = node_->num_partitions();
    if (n <= 0 || n >= have) return Rdd<T, Pipeline<T>>(ctx_, AsNode());
    auto node = std::make_shared<CoalescedNode<T>>(CoalescedNode<T>::EvenStarts(have, n));
    ctx_->InitNode(*node, n, {AsNode()});
    return Rdd<T, Pipeline<T>>(ctx_, std::move(node));
  }

  // Exactly n partitions of about equal size, through a shuffle.
  Rdd<T, Pipeline<T>> repartition(int n) const {
    static_assert(kIsSerializable<T>, CENTELLA_RECORD_MESSAGE);
    n = std::max(1, n);
    return map_partitions_with_index(RoundRobinKeys<T>{n})
        .ShuffleRaw(DirectPartitioner{n}, ShuffleReadOrder::kArrival, "repartition")
        .values();
  }

  // (record, its index): indices count from 0 in partition order, then record order.
  // Runs a job to count the records of every partition first (as Spark does).
  auto zip_with_index() const {
    static_assert(kIsSerializable<T>, CENTELLA_RECORD_MESSAGE);
    std::vector<int64_t> offsets(num_partitions(), 0);
    absl::Status status = LineageStatus(*node_);
    if (status.ok() && num_partitions() > 1) {
      absl::StatusOr<std::vector<std::string>> counts =
          RunAction(CountAction{}, AllPartitions(), "zip_with_index (counting)");
      status = counts.status();
      int64_t next = 0;
      for (size_t i = 0; status.ok() && i < counts->size(); ++i) {
        offsets[i] = next;
        int64_t n = 0;
        status = DeserializeFromString((*counts)[i], &n);
        next += n;
      }
    }
    auto out = map_partitions_with_index(ZipWithIndexFn<T>{std::move(offsets)});
    if (!status.ok()) out.set_build_status(std::move(status));
    return out;
  }

  // ---- caching ----

  // Keeps the partitions of this RDD on the executors that compute them, so that later
  // jobs read them instead of recomputing their lineage (see StorageLevel). Use the RDD
  // this returns: it is the persisted one.
  Rdd<T, Pipeline<T>> persist(StorageLevel level = StorageLevel::kMemoryOnly) const {
    static_assert(kIsSerializable<T>, CENTELLA_RECORD_MESSAGE);
    auto node = std::make_shared<CachedNode<T>>(level);
    ctx_->InitNode(*node, node_->num_partitions(), {AsNode()});
    return Rdd<T, Pipeline<T>>(ctx_, std::move(node));
  }
  Rdd<T, Pipeline<T>> cache() const { return persist(StorageLevel::kMemoryOnly); }

  // Drops the cached partitions of an RDD that persist() returned, on every executor.
  // FailedPrecondition for any other RDD.
  absl::Status unpersist() const {
    if (!Pipe::kIsIdentity || !node_->persisted()) {
      return absl::FailedPreconditionError(
          "unpersist() of an RDD that is not persisted: call it on the RDD persist() returned");
    }
    ctx_->Unpersist(node_->rdd_id());
    return absl::OkStatus();
  }

  // Writes every partition to the checkpoint directory (centella.checkpoint.dir, shared by
  // all executors) and returns the RDD read back from there: its lineage is cut, so a lost
  // partition is read again instead of recomputed. Runs a job now (unlike Spark's lazy
  // RDD.checkpoint; like Dataset.checkpoint(eager = true)). FailedPrecondition when no
  // checkpoint directory is configured.
  absl::StatusOr<Rdd<T, Pipeline<T>>> checkpoint() const {
    static_assert(kIsSerializable<T>, CENTELLA_RECORD_MESSAGE);
    RETURN_IF_ERROR(LineageStatus(*node_));
    ASSIGN_OR_RETURN(std::string root, ctx_->CheckpointDir());
    std::shared_ptr<Node<T>> source = AsNode();
    const std::string dir = absl::StrCat(root, "/rdd-", source->rdd_id());
    CheckpointWriteAction<T> action;
    action.dir = dir;
    RETURN_IF_ERROR(RunAction(std::move(action), AllPartitions(), "checkpoint").status());
    auto node = std::make_shared<CheckpointNode<T>>(dir);
    ctx_->InitNode(*node, num_partitions());
    return Rdd<T, Pipeline<T>>(ctx_, std::move(node));
  }

  // ---- narrow transformations of pair RDDs (T = std::pair<K, V>) ----

  // f(V) -> W: (k, v) -> (k, f(v)).
  template <class F>
  auto map_values(F f) const {
    static_assert(rdd_internal::IsPair<T>::value, "map_values needs an RDD of std::pair");
    static_assert(kIsShippable<F>, CENTELLA_SHIPPABLE_MESSAGE);
    auto pipe = pipe_.Append(MapValuesOp<F>{std::move(f)});
    return Rdd<typename decltype(pipe)::Out, decltype(pipe)>(ctx_, node_, std::move(pipe));
  }

  // f(V) -> range of W: (k, v) -> (k, w) for each w.
  template <class F>
  auto flat_map_values(F f) const {
    static_assert(rdd_internal::IsPair<T>::value, "flat_map_values needs an RDD of std::pair");
    static_assert(kIsShippable<F>, CENTELLA_SHIPPABLE_MESSAGE);
    auto pipe = pipe_.Append(FlatMapValuesOp<F>{std::move(f)});
    return Rdd<typename decltype(pipe)::Out, decltype(pipe)>(ctx_, node_, std::move(pipe));
  }

  auto keys() const {
    static_assert(rdd_internal::IsPair<T>::value, "keys needs an RDD of std::pair");
    return map([](T kv) { return std::move(kv.first); });
  }

  auto values() const {
    static_assert(rdd_internal::IsPair<T>::value, "values needs an RDD of std::pair");
    return map([](T kv) { return std::move(kv.second); });
  }

  // Each distinct record once (a shuffle; equality and StableHash of T).
  auto distinct(int num_partitions = 0) const {
    return map([](T x) { return std::pair<T, bool>(std::move(x), true); })
        .reduce_by_key([](bool a, bool) { return a; }, num_partitions)
        .keys();
  }

  // Each record present in both RDDs, once.
  template <class OtherPipe>
  auto intersection(const Rdd<T, OtherPipe>& other, int num_partitions = 0) const {
    auto left = map([](T x) { return std::pair<T, uint8_t>(std::move(x), 1); });
    auto right = other.map([](T x) { return std::pair<T, uint8_t>(std::move(x), 2); });
    return Rdd<std::pair<T, uint8_t>>(left)
        .union_(right)
        .reduce_by_key([](uint8_t a, uint8_t b) -> uint8_t { return a | b; },
                       JoinPartitions(other, num_partitions))
        .filter([](const std::pair<T, uint8_t>& kv) { return kv.second == 3; })
        .keys();
  }

  // The records of this RDD that do not occur in `other`, duplicates kept (as Spark).
  template <class OtherPipe>
  auto subtract(const Rdd<T, OtherPipe>& other, int num_partitions = 0) const {
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

  // ---- shuffles (pair RDDs: T = std::pair<K, V>) ----

  // Merges the values of each key with f(V, V) -> V (associative and commutative), with
  // a map-side combine. `num_partitions` 0 keeps the parent's partition count.
  template <class F>
  auto reduce_by_key(F f, int num_partitions = 0) const {
    static_assert(rdd_internal::IsPair<T>::value, "reduce_by_key needs an RDD of std::pair");
    static_assert(kIsShippable<F>, CENTELLA_SHIPPABLE_MESSAGE);
    using K = typename T::first_type;
    using V = typename T::second_type;
    static_assert(std::is_invocable_r_v<V, const F&, V&&, V&&>,
                  "reduce_by_key(f): f must combine two values into one: f(V, V) -> V");
    return ShuffleWith(ReduceAggregation<K, V, F>{std::move(f)},
                       HashPartitioner{DefaultPartitions(num_partitions)});
  }

  // All values of each key as a std::vector (in no particular order).
  auto group_by_key(int num_partitions = 0) const {
    static_assert(rdd_internal::IsPair<T>::value, "group_by_key needs an RDD of std::pair");
    using K = typename T::first_type;
    using V = typename T::second_type;
    return ShuffleWith(GroupAggregation<K, V>{},
                       HashPartitioner{DefaultPartitions(num_partitions)});
  }

  // combine_by_key(create(V) -> C, merge_value(C, V) -> C, merge_combiners(C, C) -> C):
  // the general per-key aggregation, combined on the map side.
  template <class Create, class MergeValueF, class MergeCombinersF>
  auto combine_by_key(Create create, MergeValueF merge_value, MergeCombinersF merge_combiners,
                      int num_partitions = 0) const {
    static_assert(rdd_internal::IsPair<T>::value, "combine_by_key needs an RDD of std::pair");
    static_assert(
        kIsShippable<Create> && kIsShippable<MergeValueF> && kIsShippable<MergeCombinersF>,
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

  // aggregate_by_key(zero, seq(U, V) -> U, comb(U, U) -> U): every key starts from `zero`.
  template <class U, class Seq, class Comb>
  auto aggregate_by_key(U zero, Seq seq, Comb comb, int num_partitions = 0) const {
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

  // fold_by_key(zero, f(V, V) -> V): reduce_by_key starting every key from `zero`.
  template <class V, class F>
  auto fold_by_key(V zero, F f, int num_partitions = 0) const {
    static_assert(rdd_internal::IsPair<T>::value, "fold_by_key needs an RDD of std::pair");
    return aggregate_by_key(typename T::second_type(std::move(zero)), f, f, num_partitions);
  }

  // (key, (values here, values in other)) for every key of either RDD.
  template <class Other>
  auto cogroup(const Other& other, int num_partitions = 0) const {
    static_assert(rdd_internal::IsPair<T>::value, "cogroup needs an RDD of std::pair");
    using K = typename T::first_type;
    using V = typename T::second_type;
    using W = typename rdd_internal::PairOf<Other, K>::Value;
    using Tagged = std::pair<K, std::variant<V, W>>;
    auto left = map([](T kv) {
      return Tagged(std::move(kv.first),
                    std::variant<V, W>(std::in_place_index<0>, std::move(kv.second)));
    });
    auto right = other.map([](std::pair<K, W> kv) {
      return Tagged(std::move(kv.first),
                    std::variant<V, W>(std::in_place_index<1>, std::move(kv.second)));
    });
    return Rdd<Tagged>(left).union_(right).ShuffleWith(
        CogroupAggregation<K, V, W>{}, HashPartitioner{JoinPartitions(other, num_partitions)});
  }

  // (key, (v, w)) for every pair of values of a key present in both RDDs.
  template <class Other>
  auto join(const Other& other, int num_partitions = 0) const {
    using K = typename T::first_type;
    using V = typename T::second_type;
    using W = typename rdd_internal::PairOf<Other, K>::Value;
    return cogroup(other, num_partitions)
        .flat_map_values([](std::pair<std::vector<V>, std::vector<W>> g) {
          std::vector<std::pair<V, W>> out;
          out.reserve(g.first.size() * g.second.size());
          for (const V& v : g.first) {
            for (const W& w : g.second) out.emplace_back(v, w);
          }
          return out;
        });
  }

  // (key, (v, w or nullopt)): every value of this RDD, matched or not.
  template <class Other>
  auto left_outer_join(const Other& other, int num_partitions = 0) const {
    using K = typename T::first_type;
    using V = typename T::second_type;
    using W = typename rdd_internal::PairOf<Other, K>::Value;
    return cogroup(other, num_partitions)
        .flat_map_values([](std::pair<std::vector<V>, std::vector<W>> g) {
          std::vector<std::pair<V, std::optional<W>>> out;
          for (const V& v : g.first) {
            if (g.second.empty()) out.emplace_back(v, std::nullopt);
            for (const W& w : g.second) out.emplace_back(v, w);
          }
          return out;
        });
  }

  // (key, (v or nullopt, w)): every value of `other`, matched or not.
  template <class Other>
  auto right_outer_join(const Other& other, int num_partitions = 0) const {
    using K = typename T::first_type;
    using V = typename T::second_type;
    using W = typename rdd_internal::PairOf<Other, K>::Value;
    return cogroup(other, num_partitions)
        .flat_map_values([](std::pair<std::vector<V>, std::vector<W>> g) {
          std::vector<std::pair<std::optional<V>, W>> out;
          for (const W& w : g.second) {
            if (g.first.empty()) out.emplace_back(std::nullopt, w);
            for (const V& v : g.first) out.emplace_back(v, w);
          }
          return out;
        });
  }

  // (key, (v or nullopt, w or nullopt)): every value of both, matched where possible.
  template <class Other>
  auto full_outer_join(const Other& other, int num_partitions = 0) const {
    using K = typename T::first_type;
    using V = typename T::second_type;
    using W = typename rdd_internal::PairOf<Other, K>::Value;
    return cogroup(other, num_partitions)
        .flat_map_values([](std::pair<std::vector<V>, std::vector<W>> g) {
          std::vector<std::pair<std::optional<V>, std::optional<W>>> out;
          if (g.first.empty()) {
            for (const W& w : g.second) out.emplace_back(std::nullopt, w);
          } else if (g.second.empty()) {
            for (const V& v : g.first) out.emplace_back(v, std::nullopt);
          } else {
            for (const V& v : g.first) {
              for (const W& w : g.second) out.emplace_back(v, w);
            }
          }
          return out;
        });
  }

  // Records laid out by `partitioner` (HashPartitioner{n}, a RangePartitioner from
  // range_partitioner(), or CustomPartitioner{n, f} with f(const K&) -> int in [0, n)).
  template <class Part>
  auto partition_by(Part partitioner) const {
    static_assert(rdd_internal::IsPair<T>::value, "partition_by needs an RDD of std::pair");
    return ShuffleRaw(std::move(partitioner), ShuffleReadOrder::kArrival, "partition_by");
  }
  // Hash partitioning into n partitions.
  auto partition_by(int n) const { return partition_by(HashPartitioner{std::max(1, n)}); }

  // A range partitioner into about `n` partitions with bounds from a sample of the keys
  // (runs a job over this RDD, as Spark's RangePartitioner does).
  auto range_partitioner(int n, bool ascending = true) const {
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

  // Sorted by key (operator<) across partitions: partition i's keys all come before
  // partition i+1's, so collect() returns the records in key order; equal keys keep a
  // deterministic order. Samples the keys first (a job) to choose the ranges.
  auto sort_by_key(bool ascending = true, int num_partitions = 0) const {
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

  // Sorted by f(record) (see sort_by_key).
  template <class F>
  auto sort_by(F f, bool ascending = true, int num_partitions = 0) const {
    static_assert(kIsShippable<F>, CENTELLA_SHIPPABLE_MESSAGE);
    return map(KeyBy<F>{std::move(f)}).sort_by_key(ascending, num_partitions).values();
  }

  // ---- actions ----

  // Every record, partition by partition.
  absl::StatusOr<std::vector<T>> collect() const {
    static_assert(kIsSerializable<T>, CENTELLA_RECORD_MESSAGE);
    ASSIGN_OR_RETURN(std::vector<std::string> parts,
                     RunAction(CollectAction<T>{}, AllPartitions(), "collect"));
    std::vector<T> out;
    for (const std::string& bytes : parts) {
      std::vector<T> items;
      RETURN_IF_ERROR(DeserializeFromString(bytes, &items));
      std::move(items.begin(), items.end(), std::back_inserter(out));
    }
    return out;
  }

  absl::StatusOr<int64_t> count() const {
    ASSIGN_OR_RETURN(std::vector<std::string> parts,
                     RunAction(CountAction{}, AllPartitions(), "count"));
    int64_t total = 0;
    for (const std::string& bytes : parts) {
      int64_t n;
      RETURN_IF_ERROR(DeserializeFromString(bytes, &n));
      total += n;
    }
    return total;
  }

  // Folds all records with f(T, T) -> T (associative and commutative).
  // FailedPrecondition on an empty RDD.
  template <class F>
  absl::StatusOr<T> reduce(F f) const {
    static_assert(kIsSerializable<T>, CENTELLA_RECORD_MESSAGE);
    static_assert(kIsShippable<F>, CENTELLA_SHIPPABLE_MESSAGE);
    ASSIGN_OR_RETURN(std::vector<std::string> parts,
                     RunAction(ReduceAction<T, F>{f, std::nullopt}, AllPartitions(), "reduce"));
    std::optional<T> acc;
    for (const std::string& bytes : parts) {
      std::optional<T> part;
      RETURN_IF_ERROR(DeserializeFromString(bytes, &part));
      if (!part) continue;
      acc = acc ? std::invoke(f, std::move(*acc), std::move(*part)) : std::move(*part);
    }
    if (!acc) return absl::FailedPreconditionError("reduce() of an empty RDD");
    return *std::move(acc);
  }

  // The first record; FailedPrecondition on an empty RDD.
  absl::StatusOr<T> first() const {
    ASSIGN_OR_RETURN(std::vector<T> one, take(1));
    if (one.empty()) return absl::FailedPreconditionError("first() of an empty RDD");
    return std::move(one[0]);
  }

  // Folds every partition from `zero` with f(T, T) -> T, then the partition results
  // from `zero` again (so `zero` must be f's identity, as in Spark).
  template <class F>
  absl::StatusOr<T> fold(T zero, F f) const {
    static_assert(kIsSerializable<T>, CENTELLA_RECORD_MESSAGE);
    static_assert(kIsShippable<F>, CENTELLA_SHIPPABLE_MESSAGE);
    ASSIGN_OR_RETURN(std::vector<std::string> parts,
                     RunAction(FoldAction<T, F>{zero, f, std::nullopt}, AllPartitions(), "fold"));
    T acc = zero;
    for (const std::string& bytes : parts) {
      T part{};
      RETURN_IF_ERROR(DeserializeFromString(bytes, &part));
      acc = std::invoke(f, std::move(acc), std::move(part));
    }
    return acc;
  }

  // seq(U, T) -> U within partitions, comb(U, U) -> U across them, both from `zero`.
  template <class U, class Seq, class Comb>
  absl::StatusOr<U> aggregate(U zero, Seq seq, Comb comb) const {
    static_assert(kIsSerializable<U>, CENTELLA_RECORD_MESSAGE);
    static_assert(kIsShippable<Seq>, CENTELLA_SHIPPABLE_MESSAGE);
    ASSIGN_OR_RETURN(
        std::vector<std::string> parts,
        RunAction(AggregateAction<U, Seq>{zero, seq, std::nullopt}, AllPartitions(), "aggregate"));
    U acc = zero;
    for (const std::string& bytes : parts) {
      U part{};
      RETURN_IF_ERROR(DeserializeFromString(bytes, &part));
      acc = std::invoke(comb, std::move(acc), std::move(part));
    }
    return acc;
  }

  // Runs f(T) on every record on the executors (for side effects).
  template <class F>
  absl::Status foreach (F f) const {
    static_assert(kIsShippable<F>, CENTELLA_SHIPPABLE_MESSAGE);
    return RunAction(ForeachAction<F>{std::move(f)}, AllPartitions(), "foreach").status();
  }

  // Runs f(std::vector<T>&&) once per partition on the executors.
  template <class F>
  absl::Status foreach_partition(F f) const {
    static_assert(kIsShippable<F>, CENTELLA_SHIPPABLE_MESSAGE);
    return RunAction(ForeachPartitionAction<T, F>{std::move(f), {}}, AllPartitions(),
                     "foreach_partition")
        .status();
  }

  // How many times each distinct record occurs.
  absl::StatusOr<std::map<T, int64_t>> count_by_value() const {
    ASSIGN_OR_RETURN(auto counts, map([](T x) {
                                    return std::pair<T, int64_t>(std::move(x), 1);
                                  }).reduce_by_key([](int64_t a, int64_t b) {
                                      return a + b;
                                    }).collect());
    return std::map<T, int64_t>(counts.begin(), counts.end());
  }

  // Pair RDDs: how many records each key has.
  auto count_by_key() const {
    static_assert(rdd_internal::IsPair<T>::value, "count_by_key needs an RDD of std::pair");
    return keys().count_by_value();
  }

  // Pair RDDs: every (key, value) as a map; for a key present twice, one of its values.
  auto collect_as_map() const {
    static_assert(rdd_internal::IsPair<T>::value, "collect_as_map needs an RDD of std::pair");
    using K = typename T::first_type;
    using V = typename T::second_type;
    absl::StatusOr<std::vector<T>> all = collect();
    if (!all.ok()) return absl::StatusOr<std::map<K, V>>(all.status());
    std::map<K, V> out;
    for (T& kv : *all) out[std::move(kv.first)] = std::move(kv.second);
    return absl::StatusOr<std::map<K, V>>(std::move(out));
  }

  // Pair RDDs: every value of `key` (a StatusOr of a vector of values).
  template <class K>
  auto lookup(const K& key) const {
    static_assert(rdd_internal::IsPair<T>::value, "lookup needs an RDD of std::pair");
    using Key = typename T::first_type;
    return filter(KeyEquals<Key>{Key(key)}).values().collect();
  }

  // The first `n` records, scanning as few partitions as it can: one at first, then four
  // times as many each round (like Spark).
  absl::StatusOr<std::vector<T>> take(int64_t n) const {
    static_assert(kIsSerializable<T>, CENTELLA_RECORD_MESSAGE);
    std::vector<T> out;
    int total = num_partitions();
    int scanned = 0;
    int64_t batch = 1;
    while (static_cast<int64_t>(out.size()) < n && scanned < total) {
      int end = static_cast<int>(std::min<int64_t>(total, scanned + batch));
      std::vector<int> parts(end - scanned);
      std::iota(parts.begin(), parts.end(), scanned);
      TakeAction<T> action;
      action.limit = static_cast<uint64_t>(n - static_cast<int64_t>(out.size()));
      ASSIGN_OR_RETURN(std::vector<std::string> results,
                       RunAction(std::move(action), std::move(parts), "take"));
      for (const std::string& bytes : results) {
        std::vector<T> items;
        RETURN_IF_ERROR(DeserializeFromString(bytes, &items));
        for (T& item : items) {
          if (static_cast<int64_t>(out.size()) < n) out.push_back(std::move(item));
        }
      }
      scanned = end;
      batch *= 4;
    }
    return out;
  }

  // The n smallest records under cmp (default operator<), in order.
  template <class Cmp = std::less<T>>
  absl::StatusOr<std::vector<T>> take_ordered(int64_t n, Cmp cmp = Cmp()) const {
    static_assert(kIsSerializable<T>, CENTELLA_RECORD_MESSAGE);
    static_assert(kIsShippable<Cmp>, CENTELLA_SHIPPABLE_MESSAGE);
    if (n <= 0) return std::vector<T>();
    TakeOrderedAction<T, Cmp> action{static_cast<uint64_t>(n), cmp, {}};
    ASSIGN_OR_RETURN(std::vector<std::string> parts,
                     RunAction(std::move(action), AllPartitions(), "take_ordered"));
    std::vector<T> all;
    for (const std::string& bytes : parts) {
      std::vector<T> items;
      RETURN_IF_ERROR(DeserializeFromString(bytes, &items));
      std::move(items.begin(), items.end(), std::back_inserter(all));
    }
    std::stable_sort(all.begin(), all.end(), cmp);
    if (static_cast<int64_t>(all.size()) > n) all.resize(n);
    return all;
  }

  // The n largest records (default operator<), largest first.
  template <class Cmp = std::less<T>>
  absl::StatusOr<std::vector<T>> top(int64_t n, Cmp cmp = Cmp()) const {
    return take_ordered(n, ReversedOrder<Cmp>{cmp});
  }

  // Writes one text file per partition, dir/part-00000..., one record per line (see
  // text_format.h), then an empty dir/_SUCCESS. AlreadyExists if `dir` exists.
  absl::Status save_as_text_file(const std::string& dir) const {
    RETURN_IF_ERROR(LineageStatus(*node_));  // a bad input must not leave an empty `dir`
    // Absolute: executors run in their own working directories.
    const std::string path = std::filesystem::absolute(dir).lexically_normal().string();
    RETURN_IF_ERROR(ctx_->PrepareOutputDir(path));
    SaveTextAction<T> action;
    action.dir = path;
    absl::StatusOr<std::vector<std::string>> r =
        RunAction(std::move(action), AllPartitions(), "save_as_text_file");
    absl::Status committed = r.status();
    if (r.ok()) committed = ctx_->CommitOutputParts(path, *r);
    RETURN_IF_ERROR(ctx_->FinishOutputDir(path, committed.ok()));
    return committed;
  }

  // ---- introspection ----
  int num_partitions() const { return node_->num_partitions(); }
  Context* context() const { return ctx_; }
  // Makes the first action over this RDD fail with `s` (an error found while building it).
  void set_build_status(absl::Status s) const { node_->set_build_status(std::move(s)); }

  // This RDD as a lineage node: the source node itself, or a PipelinedNode over it.
  std::shared_ptr<Node<T>> AsNode() const {
    if constexpr (Pipe::kIsIdentity) {
      return node_;
    } else {
      auto node = std::make_shared<PipelinedNode<Pipe>>(pipe_);
      ctx_->InitNode(*node, node_->num_partitions(), {node_});
      return node;
    }
  }

 private:
  std::vector<int> AllPartitions() const {
    std::vector<int> parts(num_partitions());
    std::iota(parts.begin(), parts.end(), 0);
    return parts;
  }

  template <class Action>
  absl::StatusOr<std::vector<std::string>> RunAction(Action action, std::vector<int> parts,
                                                     std::string_view name) const {
    auto runner = std::make_shared<ResultRunner<Pipe, Action>>(pipe_, std::move(action));
    return ctx_->RunJob(node_, std::move(runner), std::move(parts), std::string(name));
  }

  // Partitions of a shuffle's output: the caller's choice, else as many as the input.
  int DefaultPartitions(int requested) const {
    return requested > 0 ? requested : std::max(1, node_->num_partitions());
  }
  // Binary operators (joins, cogroup, intersection) default to the larger input's count.
  template <class Other>
  int JoinPartitions(const Other& other, int requested) const {
    return requested > 0 ? requested
                         : std::max({1, node_->num_partitions(), other.num_partitions()});
  }

  template <class Agg, class Part>
  auto ShuffleWith(Agg agg, Part part) const {
    using K = typename Agg::Key;
    using Out = std::pair<K, typename Agg::Combined>;
    static_assert(kIsSerializable<T> && kIsSerializable<Out>, CENTELLA_RECORD_MESSAGE);
    const int n = part.num_partitions();
    int shuffle_id = ctx_->NewShuffleId();
    auto map_runner =
        std::make_shared<ShuffleMapRunner<Pipe, Agg, Part>>(pipe_, agg, shuffle_id, part);
    auto dep = std::make_shared<ShuffleDependency>(shuffle_id, node_, std::move(map_runner), n,
                                                   std::string(Agg::kName));
    auto node = std::make_shared<ShuffledNode<Agg>>(shuffle_id, std::move(agg));
    node->set_dependency(std::move(dep));
    ctx_->InitNode(*node, n);
    return Rdd<Out, Pipeline<Out>>(ctx_, std::move(node));
  }

  // A shuffle that moves (key, value) records to `part`'s partitions without combining.
  template <class Part>
  auto ShuffleRaw(Part part, ShuffleReadOrder order, std::string name) const {
    static_assert(kIsSerializable<T>, CENTELLA_RECORD_MESSAGE);
    using K = typename T::first_type;
    using V = typename T::second_type;
    const int n = part.num_partitions();
    int shuffle_id = ctx_->NewShuffleId();
    auto map_runner = std::make_shared<ShuffleMapRunner<Pipe, PassThroughAggregation<K, V>, Part>>(
        pipe_, PassThroughAggregation<K, V>{}, shuffle_id, std::move(part));
    auto dep =
        std::make_shared<ShuffleDependency>(shuffle_id, node_, std::move(map_runner), n, name);
    auto node = std::make_shared<ShuffleReadNode<K, V>>(shuffle_id, order, std::move(name));
    node->set_dependency(std::move(dep));
    ctx_->InitNode(*node, n);
    return Rdd<T, Pipeline<T>>(ctx_, std::move(node));
  }

  template <class U, class P>
  friend class Rdd;

  Context* ctx_;
  std::shared_ptr<Node<In>> node_;
  Pipe pipe_;
};

template <class T>
Rdd<T, Pipeline<T>> Context::parallelize(std::vector<T> data, int num_slices) {
  static_assert(kIsSerializable<T>, CENTELLA_RECORD_MESSAGE);
  int n = num_slices > 0 ? num_slices : default_parallelism();
  auto node = std::make_shared<ParallelizeNode<T>>(ParallelizeNode<T>::Slice(std::move(data), n));
  InitNode(*node, n);
  return Rdd<T, Pipeline<T>>(this, std::move(node));
}

}  // namespace centella

#endif  // CENTELLA_DRIVER_API_RDD_H_

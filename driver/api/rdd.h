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
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <numeric>
#include <string>
#include <type_traits>
#include <utility>
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
#include "driver/rdd/map_partitions_node.h"
#include "driver/rdd/parallelize_node.h"
#include "driver/rdd/pipelined_node.h"
#include "driver/rdd/result_runner.h"
#include "driver/rdd/shuffle_map_runner.h"
#include "driver/rdd/shuffled_node.h"

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

namespace rdd_internal {
template <class T>
struct IsPair : std::false_type {};
template <class A, class B>
struct IsPair<std::pair<A, B>> : std::true_type {};
}  // namespace rdd_internal

#define CENTELLA_RECORD_MESSAGE                                                         \
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
    return ShuffleWith(ReduceAggregation<K, V, F>{std::move(f)}, num_partitions);
  }

  // All values of each key as a std::vector (in no particular order).
  auto group_by_key(int num_partitions = 0) const {
    static_assert(rdd_internal::IsPair<T>::value, "group_by_key needs an RDD of std::pair");
    using K = typename T::first_type;
    using V = typename T::second_type;
    return ShuffleWith(GroupAggregation<K, V>{}, num_partitions);
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
    ASSIGN_OR_RETURN(std::vector<std::string> parts,
                     RunAction(AggregateAction<U, Seq>{zero, seq, std::nullopt}, AllPartitions(),
                               "aggregate"));
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
  absl::Status foreach(F f) const {
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
    ASSIGN_OR_RETURN(auto counts,
                     map([](T x) { return std::pair<T, int64_t>(std::move(x), 1); })
                         .reduce_by_key([](int64_t a, int64_t b) { return a + b; })
                         .collect());
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
    RETURN_IF_ERROR(ctx_->FinishOutputDir(path, r.ok()));
    return r.status();
  }

  // ---- introspection ----
  int num_partitions() const { return node_->num_partitions(); }
  Context* context() const { return ctx_; }

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

  template <class Agg>
  auto ShuffleWith(Agg agg, int num_partitions) const {
    using K = typename Agg::Key;
    using Out = std::pair<K, typename Agg::Combined>;
    static_assert(kIsSerializable<T> && kIsSerializable<Out>, CENTELLA_RECORD_MESSAGE);
    int n = num_partitions > 0 ? num_partitions : std::max(1, node_->num_partitions());
    int shuffle_id = ctx_->NewShuffleId();
    auto map_runner = std::make_shared<ShuffleMapRunner<Pipe, Agg>>(pipe_, agg, shuffle_id, n);
    auto dep = std::make_shared<ShuffleDependency>(shuffle_id, node_, std::move(map_runner), n,
                                                   std::string(Agg::kName));
    auto node = std::make_shared<ShuffledNode<Agg>>(shuffle_id, std::move(agg));
    node->set_dependency(std::move(dep));
    ctx_->InitNode(*node, n);
    return Rdd<Out, Pipeline<Out>>(ctx_, std::move(node));
  }

  Context* ctx_;
  std::shared_ptr<Node<In>> node_;
  Pipe pipe_;
};

template <class T>
Rdd<T, Pipeline<T>> Context::parallelize(std::vector<T> data, int num_slices) {
  static_assert(kIsSerializable<T>, CENTELLA_RECORD_MESSAGE);
  int n = num_slices > 0 ? num_slices : default_parallelism();
  auto node =
      std::make_shared<ParallelizeNode<T>>(ParallelizeNode<T>::Slice(std::move(data), n));
  InitNode(*node, n);
  return Rdd<T, Pipeline<T>>(this, std::move(node));
}

}  // namespace centella

#endif  // CENTELLA_DRIVER_API_RDD_H_

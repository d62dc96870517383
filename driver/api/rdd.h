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
#include "driver/api/job_future.h"
#include "driver/dag/lineage_status.h"
#include "driver/runtime/output_committer.h"
#include "engine/plan/pipeline.h"
#include "engine/plan/shippable_function.h"
#include "engine/rdd/actions.h"
#include "engine/rdd/aggregation.h"
#include "engine/rdd/cached_node.h"
#include "engine/rdd/cartesian_node.h"
#include "engine/rdd/checkpoint_node.h"
#include "engine/rdd/coalesced_node.h"
#include "engine/rdd/join_expansion.h"
#include "engine/rdd/map_partitions_node.h"
#include "engine/rdd/operator_functions.h"
#include "engine/rdd/parallelize_node.h"
#include "engine/rdd/partitioner.h"
#include "engine/rdd/pipelined_node.h"
#include "engine/rdd/result_runner.h"
#include "engine/rdd/sample_node.h"
#include "engine/rdd/shuffle_map_runner.h"
#include "engine/rdd/shuffle_read_node.h"
#include "engine/rdd/shuffled_node.h"
#include "engine/rdd/union_node.h"

namespace centella {

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
    ctx_->runtime().InitNode(*node, node_->num_partitions(), {node_});
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
    ctx_->runtime().InitNode(*node, node_->num_partitions(), {node_});
    using U = typename MapPartitionsNode<Pipe, F, true>::U;
    return Rdd<U, Pipeline<U>>(ctx_, std::move(node));
  }

  // A random sample: each record kept with probability `fraction` (without replacement),
  // or repeated Poisson(fraction) times (with replacement). The same seed gives the same
  // sample.
  Rdd<T, Pipeline<T>> sample(bool with_replacement, double fraction, uint64_t seed = 0) const {
    auto node = std::make_shared<SampleNode<Pipe>>(pipe_, with_replacement, fraction, seed);
    ctx_->runtime().InitNode(*node, node_->num_partitions(), {node_});
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
    ctx_->runtime().InitNode(*node, a->num_partitions() + b->num_partitions(), {a, b});
    return Rdd<T, Pipeline<T>>(ctx_, std::move(node));
  }

  // Every pair (a, b) with a from this RDD and b from `other`; num_partitions() *
  // other.num_partitions() partitions.
  template <class U, class OtherPipe>
  auto cartesian(const Rdd<U, OtherPipe>& other) const {
    using Out = std::pair<T, U>;
    auto node = std::make_shared<CartesianNode<T, U>>();
    std::shared_ptr<NodeBase> a = AsNode(), b = other.AsNode();
    ctx_->runtime().InitNode(*node, a->num_partitions() * b->num_partitions(), {a, b});
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
    ctx_->runtime().InitNode(*node, n, {AsNode()});
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
    ctx_->runtime().InitNode(*node, node_->num_partitions(), {AsNode()});
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
    ctx_->runtime().Unpersist(node_->rdd_id());
    return absl::OkStatus();
  }

  // Writes every partition to the checkpoint directory (centella.checkpoint.dir, shared by
  // all executors) and returns the RDD read back from there: its lineage is cut, so a lost
  // partition is read again instead of recomputed. Runs a job now (unlike Spark's lazy
  // RDD.checkpoint; like Dataset.checkpoint(eager = true)). FailedPrecondition when no
  // checkpoint directory is configured.
  absl::StatusOr<Rdd<T, Pipeline<T>>> checkpoint() const {
    ASSIGN_OR_RETURN(std::string root, ctx_->runtime().CheckpointDir());
    return checkpoint_to(absl::StrCat(root, "/rdd-", AsNode()->rdd_id()));
  }
  // checkpoint() into `dir` (absolute, on storage every executor can write and read)
  // rather than under centella.checkpoint.dir: where a stream keeps its state snapshots.
  absl::StatusOr<Rdd<T, Pipeline<T>>> checkpoint_to(const std::string& dir) const {
    static_assert(kIsSerializable<T>, CENTELLA_RECORD_MESSAGE);
    RETURN_IF_ERROR(LineageStatus(*node_));
    CheckpointWriteAction<T> action;
    action.dir = dir;
    RETURN_IF_ERROR(RunAction(std::move(action), AllPartitions(), "checkpoint").status());
    auto node = std::make_shared<CheckpointNode<T>>(dir);
    ctx_->runtime().InitNode(*node, num_partitions());
    return Rdd<T, Pipeline<T>>(ctx_, std::move(node));
  }

  // ---- pair RDDs (T = std::pair<K, V>): driver/api/pair_operations.h, joins.h ----

  // f(V) -> W: (k, v) -> (k, f(v)).
  template <class F>
  auto map_values(F f) const;

  // f(V) -> range of W: (k, v) -> (k, w) for each w.
  template <class F>
  auto flat_map_values(F f) const;

  auto keys() const;

  auto values() const;

  // Each distinct record once (a shuffle; equality and StableHash of T).
  auto distinct(int num_partitions = 0) const;

  // Each record present in both RDDs, once.
  template <class OtherPipe>
  auto intersection(const Rdd<T, OtherPipe>& other, int num_partitions = 0) const;

  // The records of this RDD that do not occur in `other`, duplicates kept (as Spark).
  template <class OtherPipe>
  auto subtract(const Rdd<T, OtherPipe>& other, int num_partitions = 0) const;

  // Merges the values of each key with f(V, V) -> V (associative and commutative), with
  // a map-side combine. `num_partitions` 0 keeps the parent's partition count.
  template <class F>
  auto reduce_by_key(F f, int num_partitions = 0) const;

  // All values of each key as a std::vector (in no particular order).
  auto group_by_key(int num_partitions = 0) const;

  // combine_by_key(create(V) -> C, merge_value(C, V) -> C, merge_combiners(C, C) -> C):
  // the general per-key aggregation, combined on the map side.
  template <class Create, class MergeValueF, class MergeCombinersF>
  auto combine_by_key(Create create, MergeValueF merge_value, MergeCombinersF merge_combiners,
                      int num_partitions = 0) const;

  // aggregate_by_key(zero, seq(U, V) -> U, comb(U, U) -> U): every key starts from `zero`.
  template <class U, class Seq, class Comb>
  auto aggregate_by_key(U zero, Seq seq, Comb comb, int num_partitions = 0) const;

  // fold_by_key(zero, f(V, V) -> V): reduce_by_key starting every key from `zero`.
  template <class V, class F>
  auto fold_by_key(V zero, F f, int num_partitions = 0) const;

  // (key, (values here, values in other)) for every key of either RDD.
  template <class Other>
  auto cogroup(const Other& other, int num_partitions = 0) const;

  // (key, (v, w)) for every pair of values of a key present in both RDDs.
  template <class Other>
  auto join(const Other& other, int num_partitions = 0) const;

  // (key, (v, w or nullopt)): every value of this RDD, matched or not.
  template <class Other>
  auto left_outer_join(const Other& other, int num_partitions = 0) const;

  // (key, (v or nullopt, w)): every value of `other`, matched or not.
  template <class Other>
  auto right_outer_join(const Other& other, int num_partitions = 0) const;

  // (key, (v or nullopt, w or nullopt)): every value of both, matched where possible.
  template <class Other>
  auto full_outer_join(const Other& other, int num_partitions = 0) const;

  // Records laid out by `partitioner` (HashPartitioner{n}, a RangePartitioner from
  // range_partitioner(), or CustomPartitioner{n, f} with f(const K&) -> int in [0, n)).
  template <class Part>
  auto partition_by(Part partitioner) const;

  // Hash partitioning into n partitions.
  auto partition_by(int n) const;

  // A range partitioner into about `n` partitions with bounds from a sample of the keys
  // (runs a job over this RDD, as Spark's RangePartitioner does).
  auto range_partitioner(int n, bool ascending = true) const;

  // Sorted by key (operator<) across partitions: partition i's keys all come before
  // partition i+1's, so collect() returns the records in key order; equal keys keep a
  // deterministic order. Samples the keys first (a job) to choose the ranges.
  auto sort_by_key(bool ascending = true, int num_partitions = 0) const;

  // Sorted by f(record) (see sort_by_key).
  template <class F>
  auto sort_by(F f, bool ascending = true, int num_partitions = 0) const;

  // ---- actions: driver/api/rdd_actions.h ----

  // Every record, partition by partition.
  absl::StatusOr<std::vector<T>> collect() const;

  absl::StatusOr<int64_t> count() const;

  // Folds all records with f(T, T) -> T (associative and commutative).
  // FailedPrecondition on an empty RDD.
  template <class F>
  absl::StatusOr<T> reduce(F f) const;

  // The first record; FailedPrecondition on an empty RDD.
  absl::StatusOr<T> first() const;

  // Folds every partition from `zero` with f(T, T) -> T, then the partition results
  // from `zero` again (so `zero` must be f's identity, as in Spark).
  template <class F>
  absl::StatusOr<T> fold(T zero, F f) const;

  // seq(U, T) -> U within partitions, comb(U, U) -> U across them, both from `zero`.
  template <class U, class Seq, class Comb>
  absl::StatusOr<U> aggregate(U zero, Seq seq, Comb comb) const;

  // Runs f(T) on every record on the executors (for side effects).
  template <class F>
  absl::Status foreach (F f) const;

  // Runs f(std::vector<T>&&) once per partition on the executors.
  template <class F>
  absl::Status foreach_partition(F f) const;

  // How many times each distinct record occurs.
  absl::StatusOr<std::map<T, int64_t>> count_by_value() const;

  // Pair RDDs: how many records each key has.
  auto count_by_key() const;

  // Pair RDDs: every (key, value) as a map; for a key present twice, one of its values.
  auto collect_as_map() const;

  // Pair RDDs: every value of `key` (a StatusOr of a vector of values).
  template <class K>
  auto lookup(const K& key) const;

  // The first `n` records, scanning as few partitions as it can: one at first, then four
  // times as many each round (like Spark).
  absl::StatusOr<std::vector<T>> take(int64_t n) const;

  // The n smallest records under cmp (default operator<), in order.
  template <class Cmp = std::less<T>>
  absl::StatusOr<std::vector<T>> take_ordered(int64_t n, Cmp cmp = Cmp()) const;

  // The n largest records (default operator<), largest first.
  template <class Cmp = std::less<T>>
  absl::StatusOr<std::vector<T>> top(int64_t n, Cmp cmp = Cmp()) const;

  // Writes one text file per partition, dir/part-00000..., one record per line (see
  // text_format.h), then an empty dir/_SUCCESS. AlreadyExists if `dir` exists.
  absl::Status save_as_text_file(const std::string& dir) const;

  // ---- asynchronous actions: start the job and return at once (driver/api/job_future.h)

  // collect() without waiting.
  JobFuture<std::vector<T>> collect_async() const;
  // count() without waiting.
  JobFuture<int64_t> count_async() const;
  // foreach(f) without waiting.
  template <class F>
  JobFuture<void> foreach_async(F f) const;
  // foreach_partition(f) without waiting.
  template <class F>
  JobFuture<void> foreach_partition_async(F f) const;

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
      ctx_->runtime().InitNode(*node, node_->num_partitions(), {node_});
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
    return ctx_->runtime().RunJob(node_, std::move(runner), std::move(parts), std::string(name));
  }
  // aggregate() as job `name`: fold() is aggregate(zero, f, f) under its own job name.
  template <class U, class Seq, class Comb>
  absl::StatusOr<U> RunAggregate(U zero, Seq seq, Comb comb, std::string_view name) const;
  // RunAction without waiting.
  template <class Action>
  std::shared_ptr<JobCompletion> SubmitAction(Action action, std::string_view name) const {
    auto runner = std::make_shared<ResultRunner<Pipe, Action>>(pipe_, std::move(action));
    return ctx_->runtime().SubmitJob(node_, std::move(runner), AllPartitions(), std::string(name));
  }
  // The values of collect() and count() from their partitions' results.
  static absl::StatusOr<std::vector<T>> DecodeCollect(const std::vector<std::string>& parts);
  static absl::StatusOr<int64_t> DecodeCount(const std::vector<std::string>& parts);

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
    int shuffle_id = ctx_->runtime().NewShuffleId();
    auto map_runner =
        std::make_shared<ShuffleMapRunner<Pipe, Agg, Part>>(pipe_, agg, shuffle_id, part);
    auto dep = std::make_shared<ShuffleDependency>(shuffle_id, node_, std::move(map_runner), n,
                                                   std::string(Agg::kName));
    dep->set_release_hook(ctx_->runtime().ShuffleReleaseHook());
    auto node = std::make_shared<ShuffledNode<Agg>>(shuffle_id, std::move(agg));
    node->set_dependency(std::move(dep));
    ctx_->runtime().InitNode(*node, n);
    return Rdd<Out, Pipeline<Out>>(ctx_, std::move(node));
  }

  // A shuffle that moves (key, value) records to `part`'s partitions without combining.
  template <class Part>
  auto ShuffleRaw(Part part, ShuffleReadOrder order, std::string name) const {
    static_assert(kIsSerializable<T>, CENTELLA_RECORD_MESSAGE);
    using K = typename T::first_type;
    using V = typename T::second_type;
    const int n = part.num_partitions();
    int shuffle_id = ctx_->runtime().NewShuffleId();
    auto map_runner = std::make_shared<ShuffleMapRunner<Pipe, PassThroughAggregation<K, V>, Part>>(
        pipe_, PassThroughAggregation<K, V>{}, shuffle_id, std::move(part));
    auto dep =
        std::make_shared<ShuffleDependency>(shuffle_id, node_, std::move(map_runner), n, name);
    dep->set_release_hook(ctx_->runtime().ShuffleReleaseHook());
    auto node = std::make_shared<ShuffleReadNode<K, V>>(shuffle_id, order, std::move(name));
    node->set_dependency(std::move(dep));
    ctx_->runtime().InitNode(*node, n);
    return Rdd<T, Pipeline<T>>(ctx_, std::move(node));
  }

  // cogroup, then each key's groups expanded into the pairs of a join of kind kKind.
  template <JoinKind kKind, class Other>
  auto JoinOf(const Other& other, int num_partitions) const;

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
  runtime_->InitNode(*node, n);
  return Rdd<T, Pipeline<T>>(this, std::move(node));
}

}  // namespace centella

// The members declared above and defined apart, so that one include gives the whole API.
#include "driver/api/joins.h"
#include "driver/api/pair_operations.h"
#include "driver/api/rdd_actions.h"

#endif  // CENTELLA_DRIVER_API_RDD_H_

// The actions of Rdd: each runs a job (ResultRunner + an action of engine/rdd/actions.h)
// and combines the partitions' results on the driver. Declared and documented in the Rdd
// class (driver/api/rdd.h), which includes this header: include rdd.h.
#ifndef CENTELLA_DRIVER_API_RDD_ACTIONS_H_
#define CENTELLA_DRIVER_API_RDD_ACTIONS_H_

#include <algorithm>
#include <filesystem>
#include <iterator>
#include <map>
#include <numeric>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "driver/api/rdd.h"
#include "driver/runtime/output_committer.h"

namespace centella {

template <class T, class Pipe>
absl::StatusOr<std::vector<T>> Rdd<T, Pipe>::DecodeCollect(const std::vector<std::string>& parts) {
  std::vector<T> out;
  for (const std::string& bytes : parts) {
    std::vector<T> items;
    RETURN_IF_ERROR(DeserializeFromString(bytes, &items));
    std::move(items.begin(), items.end(), std::back_inserter(out));
  }
  return out;
}

template <class T, class Pipe>
absl::StatusOr<int64_t> Rdd<T, Pipe>::DecodeCount(const std::vector<std::string>& parts) {
  int64_t total = 0;
  for (const std::string& bytes : parts) {
    int64_t n = 0;
    RETURN_IF_ERROR(DeserializeFromString(bytes, &n));
    total += n;
  }
  return total;
}

template <class T, class Pipe>
absl::StatusOr<std::vector<T>> Rdd<T, Pipe>::collect() const {
  static_assert(kIsSerializable<T>, CENTELLA_RECORD_MESSAGE);
  ASSIGN_OR_RETURN(std::vector<std::string> parts,
                   RunAction(CollectAction<T>{}, AllPartitions(), "collect"));
  return DecodeCollect(parts);
}

template <class T, class Pipe>
absl::StatusOr<int64_t> Rdd<T, Pipe>::count() const {
  ASSIGN_OR_RETURN(std::vector<std::string> parts,
                   RunAction(CountAction{}, AllPartitions(), "count"));
  return DecodeCount(parts);
}

template <class T, class Pipe>
JobFuture<std::vector<T>> Rdd<T, Pipe>::collect_async() const {
  static_assert(kIsSerializable<T>, CENTELLA_RECORD_MESSAGE);
  return JobFuture<std::vector<T>>(SubmitAction(CollectAction<T>{}, "collect_async"),
                                   &DecodeCollect);
}

template <class T, class Pipe>
JobFuture<int64_t> Rdd<T, Pipe>::count_async() const {
  return JobFuture<int64_t>(SubmitAction(CountAction{}, "count_async"), &DecodeCount);
}

template <class T, class Pipe>
template <class F>
absl::StatusOr<T> Rdd<T, Pipe>::reduce(F f) const {
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

template <class T, class Pipe>
absl::StatusOr<T> Rdd<T, Pipe>::first() const {
  ASSIGN_OR_RETURN(std::vector<T> one, take(1));
  if (one.empty()) return absl::FailedPreconditionError("first() of an empty RDD");
  return std::move(one[0]);
}

template <class T, class Pipe>
template <class F>
absl::StatusOr<T> Rdd<T, Pipe>::fold(T zero, F f) const {
  return RunAggregate(std::move(zero), f, f, "fold");
}

template <class T, class Pipe>
template <class U, class Seq, class Comb>
absl::StatusOr<U> Rdd<T, Pipe>::aggregate(U zero, Seq seq, Comb comb) const {
  return RunAggregate(std::move(zero), std::move(seq), std::move(comb), "aggregate");
}

template <class T, class Pipe>
template <class U, class Seq, class Comb>
absl::StatusOr<U> Rdd<T, Pipe>::RunAggregate(U zero, Seq seq, Comb comb,
                                             std::string_view name) const {
  static_assert(kIsSerializable<U>, CENTELLA_RECORD_MESSAGE);
  static_assert(kIsShippable<Seq>, CENTELLA_SHIPPABLE_MESSAGE);
  ASSIGN_OR_RETURN(
      std::vector<std::string> parts,
      RunAction(AggregateAction<U, Seq>{zero, seq, std::nullopt}, AllPartitions(), name));
  U acc = zero;
  for (const std::string& bytes : parts) {
    U part{};
    RETURN_IF_ERROR(DeserializeFromString(bytes, &part));
    acc = std::invoke(comb, std::move(acc), std::move(part));
  }
  return acc;
}

template <class T, class Pipe>
template <class F>
absl::Status Rdd<T, Pipe>::foreach (F f) const {
  static_assert(kIsShippable<F>, CENTELLA_SHIPPABLE_MESSAGE);
  return RunAction(ForeachAction<F>{std::move(f)}, AllPartitions(), "foreach").status();
}

template <class T, class Pipe>
template <class F>
absl::Status Rdd<T, Pipe>::foreach_partition(F f) const {
  static_assert(kIsShippable<F>, CENTELLA_SHIPPABLE_MESSAGE);
  return RunAction(ForeachPartitionAction<T, F>{std::move(f), {}}, AllPartitions(),
                   "foreach_partition")
      .status();
}

template <class T, class Pipe>
template <class F>
JobFuture<void> Rdd<T, Pipe>::foreach_async(F f) const {
  static_assert(kIsShippable<F>, CENTELLA_SHIPPABLE_MESSAGE);
  return JobFuture<void>(SubmitAction(ForeachAction<F>{std::move(f)}, "foreach_async"),
                         [](const std::vector<std::string>&) { return absl::OkStatus(); });
}

template <class T, class Pipe>
template <class F>
JobFuture<void> Rdd<T, Pipe>::foreach_partition_async(F f) const {
  static_assert(kIsShippable<F>, CENTELLA_SHIPPABLE_MESSAGE);
  return JobFuture<void>(
      SubmitAction(ForeachPartitionAction<T, F>{std::move(f), {}}, "foreach_partition_async"),
      [](const std::vector<std::string>&) { return absl::OkStatus(); });
}

template <class T, class Pipe>
absl::StatusOr<std::map<T, int64_t>> Rdd<T, Pipe>::count_by_value() const {
  ASSIGN_OR_RETURN(auto counts, map([](T x) {
                                  return std::pair<T, int64_t>(std::move(x), 1);
                                }).reduce_by_key([](int64_t a, int64_t b) {
                                    return a + b;
                                  }).collect());
  return std::map<T, int64_t>(counts.begin(), counts.end());
}

template <class T, class Pipe>
auto Rdd<T, Pipe>::count_by_key() const {
  static_assert(rdd_internal::IsPair<T>::value, "count_by_key needs an RDD of std::pair");
  return keys().count_by_value();
}

template <class T, class Pipe>
auto Rdd<T, Pipe>::collect_as_map() const {
  static_assert(rdd_internal::IsPair<T>::value, "collect_as_map needs an RDD of std::pair");
  using K = typename T::first_type;
  using V = typename T::second_type;
  absl::StatusOr<std::vector<T>> all = collect();
  if (!all.ok()) return absl::StatusOr<std::map<K, V>>(all.status());
  std::map<K, V> out;
  for (T& kv : *all) out[std::move(kv.first)] = std::move(kv.second);
  return absl::StatusOr<std::map<K, V>>(std::move(out));
}

template <class T, class Pipe>
template <class K>
auto Rdd<T, Pipe>::lookup(const K& key) const {
  static_assert(rdd_internal::IsPair<T>::value, "lookup needs an RDD of std::pair");
  using Key = typename T::first_type;
  return filter(KeyEquals<Key>{Key(key)}).values().collect();
}

template <class T, class Pipe>
absl::StatusOr<std::vector<T>> Rdd<T, Pipe>::take(int64_t n) const {
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

template <class T, class Pipe>
template <class Cmp>
absl::StatusOr<std::vector<T>> Rdd<T, Pipe>::take_ordered(int64_t n, Cmp cmp) const {
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

template <class T, class Pipe>
template <class Cmp>
absl::StatusOr<std::vector<T>> Rdd<T, Pipe>::top(int64_t n, Cmp cmp) const {
  return take_ordered(n, ReversedOrder<Cmp>{cmp});
}

template <class T, class Pipe>
absl::Status Rdd<T, Pipe>::save_as_text_file(const std::string& dir) const {
  RETURN_IF_ERROR(LineageStatus(*node_));  // a bad input must not leave an empty `dir`
  // Absolute: executors run in their own working directories.
  const std::string path = std::filesystem::absolute(dir).lexically_normal().string();
  RETURN_IF_ERROR(OutputCommitter::Prepare(path));
  SaveTextAction<T> action;
  action.dir = path;
  absl::StatusOr<std::vector<std::string>> r =
      RunAction(std::move(action), AllPartitions(), "save_as_text_file");
  absl::Status committed = r.status();
  if (r.ok()) committed = OutputCommitter::CommitParts(path, *r);
  RETURN_IF_ERROR(OutputCommitter::Finish(path, committed.ok()));
  return committed;
}

}  // namespace centella

#endif  // CENTELLA_DRIVER_API_RDD_ACTIONS_H_

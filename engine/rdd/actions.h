// Actions: what a result stage computes per partition, and how the driver combines the
// partial results. Each action type provides
//   void Begin(TaskContext&)    before the first record
//   void Add(record)            consume one record of the partition
//   bool Done() const           true when no more records are needed (take)
//   StatusOr<std::string> Finish(TaskContext&)   the partition's serialized result
//   Write/Read                  its captured state, shipped in the stage plan
// Instances are copied per task, so Add may keep per-partition state.
#ifndef CENTELLA_ENGINE_RDD_ACTIONS_H_
#define CENTELLA_ENGINE_RDD_ACTIONS_H_

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_format.h"
#include "common/serde/serde.h"
#include "engine/plan/shippable_function.h"
#include "engine/rdd/sample_random.h"
#include "engine/rdd/text_format.h"
#include "engine/task/task_context.h"

namespace centella {

template <class T>
struct CollectAction {
  std::vector<T> items;
  template <class X>
  void Add(X&& x) {
    items.emplace_back(std::forward<X>(x));
  }
  void Begin(TaskContext&) {}
  bool Done() const { return false; }
  absl::StatusOr<std::string> Finish(TaskContext&) { return SerializeToString(items); }
  void Write(ByteWriter&) const {}
  static std::optional<CollectAction> Read(ByteReader&) { return CollectAction{}; }
};

template <class T>
struct TakeAction {
  uint64_t limit = 0;
  std::vector<T> items;
  template <class X>
  void Add(X&& x) {
    if (items.size() < limit) items.emplace_back(std::forward<X>(x));
  }
  void Begin(TaskContext&) {}
  bool Done() const { return items.size() >= limit; }
  absl::StatusOr<std::string> Finish(TaskContext&) { return SerializeToString(items); }
  void Write(ByteWriter& w) const { w.PutVarint(limit); }
  static std::optional<TakeAction> Read(ByteReader& r) {
    TakeAction a;
    if (!r.GetVarint(&a.limit)) return std::nullopt;
    return a;
  }
};

struct CountAction {
  int64_t count = 0;
  template <class X>
  void Add(X&&) {
    ++count;
  }
  void Begin(TaskContext&) {}
  bool Done() const { return false; }
  absl::StatusOr<std::string> Finish(TaskContext&) { return SerializeToString(count); }
  void Write(ByteWriter&) const {}
  static std::optional<CountAction> Read(ByteReader&) { return CountAction{}; }
};

// reduce(f): the partition's fold with f, or nothing for an empty partition.
template <class T, class F>
struct ReduceAction {
  F f;
  std::optional<T> acc;
  template <class X>
  void Add(X&& x) {
    if (acc) {
      acc = std::invoke(f, std::move(*acc), std::forward<X>(x));
    } else {
      acc.emplace(std::forward<X>(x));
    }
  }
  void Begin(TaskContext&) {}
  bool Done() const { return false; }
  absl::StatusOr<std::string> Finish(TaskContext&) { return SerializeToString(acc); }
  void Write(ByteWriter& w) const { FunctionSerde<F>::Write(w, f); }
  static std::optional<ReduceAction> Read(ByteReader& r) {
    std::optional<F> g = FunctionSerde<F>::Read(r);
    if (!g) return std::nullopt;
    return ReduceAction{std::move(*g), std::nullopt};
  }
};

// aggregate(zero, seq, comb): the partition folded from `zero` with seq(U, T) -> U; the
// driver combines partitions with comb(U, U) -> U. fold(zero, f) is aggregate(zero, f, f):
// its partitions run this action with seq = f.
template <class U, class Seq>
struct AggregateAction {
  U zero;
  Seq seq;
  std::optional<U> acc;
  void Begin(TaskContext&) { acc = zero; }
  template <class X>
  void Add(X&& x) {
    acc = std::invoke(seq, std::move(*acc), std::forward<X>(x));
  }
  bool Done() const { return false; }
  absl::StatusOr<std::string> Finish(TaskContext&) { return SerializeToString(*acc); }
  void Write(ByteWriter& w) const {
    Serialize(w, zero);
    FunctionSerde<Seq>::Write(w, seq);
  }
  static std::optional<AggregateAction> Read(ByteReader& r) {
    U zero{};
    if (!Deserialize(r, &zero)) return std::nullopt;
    std::optional<Seq> g = FunctionSerde<Seq>::Read(r);
    if (!g) return std::nullopt;
    return AggregateAction{std::move(zero), std::move(*g), std::nullopt};
  }
};

// foreach(f): runs f on every record, on the executors, for its side effects.
template <class F>
struct ForeachAction {
  F f;
  void Begin(TaskContext&) {}
  template <class X>
  void Add(X&& x) {
    std::invoke(f, std::forward<X>(x));
  }
  bool Done() const { return false; }
  absl::StatusOr<std::string> Finish(TaskContext&) { return std::string(); }
  void Write(ByteWriter& w) const { FunctionSerde<F>::Write(w, f); }
  static std::optional<ForeachAction> Read(ByteReader& r) {
    std::optional<F> g = FunctionSerde<F>::Read(r);
    if (!g) return std::nullopt;
    return ForeachAction{std::move(*g)};
  }
};

// foreach_partition(f): f(std::vector<T>&&) once per partition (e.g. one connection per
// partition to an external store).
template <class T, class F>
struct ForeachPartitionAction {
  F f;
  std::vector<T> items;
  void Begin(TaskContext&) {}
  template <class X>
  void Add(X&& x) {
    items.emplace_back(std::forward<X>(x));
  }
  bool Done() const { return false; }
  absl::StatusOr<std::string> Finish(TaskContext&) {
    std::invoke(f, std::move(items));
    return std::string();
  }
  void Write(ByteWriter& w) const { FunctionSerde<F>::Write(w, f); }
  static std::optional<ForeachPartitionAction> Read(ByteReader& r) {
    std::optional<F> g = FunctionSerde<F>::Read(r);
    if (!g) return std::nullopt;
    return ForeachPartitionAction{std::move(*g), {}};
  }
};

// save_as_text_file: each task writes its lines to an attempt file under
// <dir>/_temporary/ and commits it by renaming it to <dir>/part-NNNNN. Rename is atomic,
// and every attempt of a partition computes the same lines from the same lineage, so a
// duplicate commit (retry, speculation) replaces a file with identical contents.
// take_ordered(n, cmp): the partition's n smallest records under cmp, kept in a bounded
// max-heap so a partition of any size costs O(n) memory.
template <class T, class Cmp>
struct TakeOrderedAction {
  uint64_t limit = 0;
  Cmp cmp;
  std::vector<T> heap;  // a max-heap under cmp: heap.front() is the largest kept
  template <class X>
  void Add(X&& x) {
    if (limit == 0) return;
    if (heap.size() < limit) {
      heap.emplace_back(std::forward<X>(x));
      std::push_heap(heap.begin(), heap.end(), cmp);
    } else if (std::invoke(cmp, x, heap.front())) {
      std::pop_heap(heap.begin(), heap.end(), cmp);
      heap.back() = std::forward<X>(x);
      std::push_heap(heap.begin(), heap.end(), cmp);
    }
  }
  void Begin(TaskContext&) {}
  bool Done() const { return false; }
  absl::StatusOr<std::string> Finish(TaskContext&) {
    std::sort_heap(heap.begin(), heap.end(), cmp);
    return SerializeToString(heap);
  }
  void Write(ByteWriter& w) const {
    w.PutVarint(limit);
    FunctionSerde<Cmp>::Write(w, cmp);
  }
  static std::optional<TakeOrderedAction> Read(ByteReader& r) {
    uint64_t limit = 0;
    if (!r.GetVarint(&limit)) return std::nullopt;
    std::optional<Cmp> cmp = FunctionSerde<Cmp>::Read(r);
    if (!cmp) return std::nullopt;
    return TakeOrderedAction{limit, std::move(*cmp), {}};
  }
};

// For range partitioning: the partition's record count and a uniform sample of at most
// `size` of its keys (reservoir sampling, seeded per partition so reruns agree).
template <class K>
struct SampleKeysAction {
  uint64_t size = 0;
  uint64_t seed = 0;
  uint64_t seen = 0;
  SampleRandom random{0};
  std::vector<K> sample;
  void Begin(TaskContext& ctx) {
    random = SampleRandom(seed ^ (0x9e3779b97f4a7c15ULL * (ctx.partition() + 1)));
  }
  template <class X>
  void Add(X&& kv) {
    ++seen;
    if (sample.size() < size) {
      sample.push_back(kv.first);
      return;
    }
    uint64_t slot = random.Below(seen);
    if (slot < size) sample[slot] = kv.first;
  }
  bool Done() const { return false; }
  absl::StatusOr<std::string> Finish(TaskContext&) {
    return SerializeToString(std::pair<uint64_t, std::vector<K>>(seen, sample));
  }
  void Write(ByteWriter& w) const {
    w.PutVarint(size);
    w.PutVarint(seed);
  }
  static std::optional<SampleKeysAction> Read(ByteReader& r) {
    SampleKeysAction a;
    if (!r.GetVarint(&a.size) || !r.GetVarint(&a.seed)) return std::nullopt;
    return a;
  }
};

template <class T>
struct SaveTextAction {
  std::string dir;
  std::string buffer;
  std::FILE* file = nullptr;
  std::string attempt_path;
  absl::Status error;

  template <class X>
  void Add(X&& x) {
    AppendText(&buffer, x);
    buffer.push_back('\n');
    if (buffer.size() >= (1 << 20)) Flush();
  }
  void Begin(TaskContext& ctx) {
    attempt_path =
        absl::StrFormat("%s/_temporary/part-%05d.attempt-%d", dir, ctx.partition(), ctx.attempt());
    file = std::fopen(attempt_path.c_str(), "wb");
    if (file == nullptr) error = absl::InternalError(absl::StrCat("cannot create ", attempt_path));
  }
  bool Done() const { return !error.ok(); }
  absl::StatusOr<std::string> Finish(TaskContext& ctx) {
    Flush();
    if (file != nullptr && std::fclose(file) != 0 && error.ok()) {
      error = absl::InternalError(absl::StrCat("cannot close ", attempt_path));
    }
    file = nullptr;
    if (!error.ok()) return error;
    // The driver commits (renames) the attempt whose result the job keeps, so that with
    // speculative or duplicate attempts exactly one commits each partition.
    return attempt_path.substr(attempt_path.rfind('/') + 1);
  }
  void Write(ByteWriter& w) const { w.PutBytes(dir); }
  static std::optional<SaveTextAction> Read(ByteReader& r) {
    std::string_view d;
    if (!r.GetBytes(&d)) return std::nullopt;
    SaveTextAction a;
    a.dir = std::string(d);
    return a;
  }
  SaveTextAction() = default;
  SaveTextAction(const SaveTextAction& o) : dir(o.dir) {}  // per-task copies start fresh
  ~SaveTextAction() {
    if (file != nullptr) std::fclose(file);
  }

 private:
  void Flush() {
    if (buffer.empty() || !error.ok()) return;
    if (file == nullptr) return;
    if (std::fwrite(buffer.data(), 1, buffer.size(), file) != buffer.size()) {
      error = absl::InternalError(absl::StrCat("cannot write ", attempt_path));
    }
    buffer.clear();
  }
};

}  // namespace centella

#endif  // CENTELLA_ENGINE_RDD_ACTIONS_H_

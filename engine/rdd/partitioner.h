// Partitioners: which reduce partition a shuffled record's key goes to (Spark's
// Partitioner). Each provides
//   int num_partitions() const
//   int operator()(const K& key) const      in [0, num_partitions()) for a valid partitioner
//   Write(ByteWriter&) / static Read(ByteReader&)   shipped inside the map stage's plan
// The map task checks every answer, so a custom partitioner that returns a partition out
// of range fails the task with a message naming the partition, not a corrupt shuffle.
#ifndef CENTELLA_ENGINE_RDD_PARTITIONER_H_
#define CENTELLA_ENGINE_RDD_PARTITIONER_H_

#include <algorithm>
#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "common/serde/serde.h"
#include "common/serde/stable_hash.h"
#include "engine/plan/shippable_function.h"

namespace centella {

// Reduce partition of a key hash: multiply-shift on the high bits, so no modulo and no
// bias from the low bits the hash tables use.
inline int HashPartition(uint64_t hash, int num_partitions) {
  return static_cast<int>((static_cast<unsigned __int128>(hash) * num_partitions) >> 64);
}

// By StableHash of the key: the same key lands in the same partition in every process.
struct HashPartitioner {
  int partitions = 1;

  int num_partitions() const { return partitions; }
  template <class K>
  int operator()(const K& key) const {
    return HashPartition(StableHash(key), partitions);
  }
  void Write(ByteWriter& w) const { w.PutVarint(partitions); }
  static std::optional<HashPartitioner> Read(ByteReader& r) {
    uint64_t n = 0;
    if (!r.GetVarint(&n) || n == 0) return std::nullopt;
    return HashPartitioner{static_cast<int>(n)};
  }
};

// By ranges of keys (operator<): partition i holds the keys in (bounds[i-1], bounds[i]],
// the last one the keys above every bound; descending reverses the partition order, so
// that reading partitions 0..n-1 gives keys in the requested order. Build one from a
// sample with Rdd::range_partitioner().
template <class K>
struct RangePartitioner {
  std::vector<K> bounds;  // strictly increasing
  bool ascending = true;

  int num_partitions() const { return static_cast<int>(bounds.size()) + 1; }
  int operator()(const K& key) const {
    int p = static_cast<int>(std::lower_bound(bounds.begin(), bounds.end(), key) - bounds.begin());
    return ascending ? p : static_cast<int>(bounds.size()) - p;
  }
  void Write(ByteWriter& w) const {
    Serialize(w, bounds);
    Serialize(w, ascending);
  }
  static std::optional<RangePartitioner> Read(ByteReader& r) {
    RangePartitioner p;
    if (!Deserialize(r, &p.bounds) || !Deserialize(r, &p.ascending)) return std::nullopt;
    return p;
  }

  // At most `partitions - 1` bounds cutting `candidates` (key, weight: how many records
  // the sampled key stands for) into ranges of about equal total weight. Equal keys never
  // straddle a bound, so there may be fewer partitions than asked for when keys repeat.
  static RangePartitioner FromWeightedSample(std::vector<std::pair<K, double>> candidates,
                                             int partitions, bool ascending) {
    RangePartitioner p;
    p.ascending = ascending;
    if (partitions <= 1 || candidates.empty()) return p;
    std::sort(candidates.begin(), candidates.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    double total = 0;
    for (const auto& c : candidates) total += c.second;
    const double step = total / partitions;
    double cumulative = 0;
    double target = step;
    for (size_t i = 0; i < candidates.size() && static_cast<int>(p.bounds.size()) < partitions - 1;
         ++i) {
      cumulative += candidates[i].second;
      if (cumulative < target) continue;
      const K& key = candidates[i].first;
      if (p.bounds.empty() || p.bounds.back() < key) {
        p.bounds.push_back(key);
        target += step;
      }
    }
    return p;
  }
};

// The key is the partition number itself (repartition's round robin uses it).
struct DirectPartitioner {
  int partitions = 1;

  int num_partitions() const { return partitions; }
  template <class K>
  int operator()(const K& key) const {
    return static_cast<int>(key);
  }
  void Write(ByteWriter& w) const { w.PutVarint(partitions); }
  static std::optional<DirectPartitioner> Read(ByteReader& r) {
    uint64_t n = 0;
    if (!r.GetVarint(&n) || n == 0) return std::nullopt;
    return DirectPartitioner{static_cast<int>(n)};
  }
};

// A user function f(const K&) -> int choosing among `partitions` partitions. f is shipped
// like any other user function (see shippable_function.h).
template <class F>
struct CustomPartitioner {
  int partitions = 1;
  F f;

  int num_partitions() const { return partitions; }
  template <class K>
  int operator()(const K& key) const {
    return static_cast<int>(std::invoke(f, key));
  }
  void Write(ByteWriter& w) const {
    w.PutVarint(partitions);
    FunctionSerde<F>::Write(w, f);
  }
  static std::optional<CustomPartitioner> Read(ByteReader& r) {
    uint64_t n = 0;
    if (!r.GetVarint(&n) || n == 0) return std::nullopt;
    std::optional<F> f = FunctionSerde<F>::Read(r);
    if (!f) return std::nullopt;
    return CustomPartitioner{static_cast<int>(n), std::move(*f)};
  }
};

}  // namespace centella

#endif  // CENTELLA_ENGINE_RDD_PARTITIONER_H_

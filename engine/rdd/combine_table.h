// CombineTable<Agg>: the per-key table of an aggregation (map-side combine and the reduce
// side of a shuffle), fed in small batches so that memory latency overlaps.
//
// With many distinct keys the table is far larger than the caches and a lookup mostly
// waits for memory. Add() hashes each key once and prefetches its slot group; every
// kBatch keys the lookups run, by then mostly hitting cache. Single-threaded.
//
// The table tracks its estimated size (EstimatedBytes) so that its owner can ask for
// memory as it grows and spill it (DrainSortedByHash) when refused.
#ifndef CENTELLA_ENGINE_RDD_COMBINE_TABLE_H_
#define CENTELLA_ENGINE_RDD_COMBINE_TABLE_H_

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "common/serde/stable_hash.h"
#include "engine/memory/size_estimate.h"

namespace centella {

template <class Agg>
class CombineTable {
 public:
  using K = typename Agg::Key;
  using V = typename Agg::Value;
  using C = typename Agg::Combined;
  using Map = absl::flat_hash_map<K, C, StableHashFunctor<K>>;

  explicit CombineTable(const Agg* agg) : agg_(agg) {}

  // Adds one value (combined with MergeValue) or one combiner (MergeCombiners).
  void AddValue(K&& key, V&& value) { Add<false>(std::move(key), std::move(value)); }
  void AddCombiner(K&& key, C&& combiner) { Add<true>(std::move(key), std::move(combiner)); }

  // Applies every pending addition and returns the table.
  Map& Finish() {
    Flush();
    return map_;
  }

  // Empties the table and gives its memory back (after Finish() and moving entries out).
  void Clear() {
    Map().swap(map_);
    tracker_.Reset();
  }

  // Estimated bytes held by the applied entries (extrapolated between measurements).
  int64_t EstimatedBytes() const { return tracker_.estimate(); }

  // Applies pending additions, moves every entry out as (StableHash(key), key, combined)
  // sorted by hash — the order in which spilled runs are merged — and empties the table.
  std::vector<std::tuple<uint64_t, K, C>> DrainSortedByHash() {
    Flush();
    std::vector<std::tuple<uint64_t, K, C>> out;
    out.reserve(map_.size());
    for (auto& [k, c] : map_)
      out.emplace_back(StableHash(k), std::move(const_cast<K&>(k)), std::move(c));
    Clear();
    std::sort(out.begin(), out.end(),
              [](const auto& a, const auto& b) { return std::get<0>(a) < std::get<0>(b); });
    return out;
  }

 private:
  static constexpr int kBatch = 16;  // enough lookups in flight to cover memory latency

  template <bool kIsCombiner, class X>
  void Add(K&& key, X&& x) {
    Pending& p = pending_[n_];
    p.hash = map_.hash_function()(key);
    map_.prefetch(key);
    p.key = std::move(key);
    p.is_combiner = kIsCombiner;
    if constexpr (kIsCombiner) {
      p.combiner = std::move(x);
    } else {
      p.value = std::move(x);
    }
    if (++n_ == kBatch) Flush();
  }

  void Flush() {
    for (int i = 0; i < n_; ++i) {
      Pending& p = pending_[i];
      auto it = map_.find(p.key, p.hash);
      if (it == map_.end()) {
        map_.emplace(std::move(p.key), p.is_combiner ? std::move(p.combiner)
                                                     : agg_->CreateCombiner(std::move(p.value)));
      } else if (p.is_combiner) {
        agg_->MergeCombiners(it->second, std::move(p.combiner));
      } else {
        agg_->MergeValue(it->second, std::move(p.value));
      }
      if (tracker_.Updated()) tracker_.Measured(Measure());
    }
    n_ = 0;
  }

  // Slots (a flat table allocates capacity, one control byte each) plus the heap memory
  // the entries own; O(size), so called only at SizeTracker's sample points.
  int64_t Measure() const {
    int64_t bytes = static_cast<int64_t>(map_.capacity() * (sizeof(std::pair<K, C>) + 1));
    if constexpr (!std::is_trivially_copyable_v<K> || !std::is_trivially_copyable_v<C>) {
      for (const auto& [k, c] : map_) bytes += HeapBytes(k) + HeapBytes(c);
    }
    return bytes;
  }

  struct Pending {
    K key{};
    V value{};
    C combiner{};
    size_t hash = 0;
    bool is_combiner = false;
  };

  const Agg* agg_;
  Map map_;
  SizeTracker tracker_;
  std::array<Pending, kBatch> pending_;
  int n_ = 0;
};

}  // namespace centella

#endif  // CENTELLA_ENGINE_RDD_COMBINE_TABLE_H_

// CombineTable<Agg>: the per-key table of an aggregation (map-side combine and the reduce
// side of a shuffle), fed in small batches so that memory latency overlaps.
//
// With many distinct keys the table is far larger than the caches and a lookup mostly
// waits for memory. Add() hashes each key once and prefetches its slot group; every
// kBatch keys the lookups run, by then mostly hitting cache. Single-threaded.
#ifndef CENTELLA_DRIVER_RDD_COMBINE_TABLE_H_
#define CENTELLA_DRIVER_RDD_COMBINE_TABLE_H_

#include <array>
#include <cstddef>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "common/serde/stable_hash.h"

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
    }
    n_ = 0;
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
  std::array<Pending, kBatch> pending_;
  int n_ = 0;
};

}  // namespace centella

#endif  // CENTELLA_DRIVER_RDD_COMBINE_TABLE_H_

// The small function objects RDD operators ship to executors on the user's behalf:
// lookup's key predicate, sort_by's key extractor, top's reversed order, zip_with_index's
// offsets and repartition's round-robin keys. Each is serializable when what it wraps is.
#ifndef CENTELLA_ENGINE_RDD_OPERATOR_FUNCTIONS_H_
#define CENTELLA_ENGINE_RDD_OPERATOR_FUNCTIONS_H_

#include <cstdint>
#include <functional>
#include <type_traits>
#include <utility>
#include <vector>

#include "common/serde/serde.h"
#include "common/serde/stable_hash.h"
#include "engine/rdd/partitioner.h"

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

}  // namespace centella

#endif  // CENTELLA_ENGINE_RDD_OPERATOR_FUNCTIONS_H_

// cogroup and the four joins of pair RDDs. Every join is a cogroup — both sides tagged
// and shuffled together, one shuffle — whose groups one JoinExpansion turns into pairs
// (engine/rdd/join_expansion.h). Declared in the Rdd class (driver/api/rdd.h), which
// includes this header: include rdd.h.
#ifndef CENTELLA_DRIVER_API_JOINS_H_
#define CENTELLA_DRIVER_API_JOINS_H_

#include <utility>
#include <variant>
#include <vector>

#include "driver/api/rdd.h"
#include "engine/rdd/join_expansion.h"

namespace centella {

template <class T, class Pipe>
template <class Other>
auto Rdd<T, Pipe>::cogroup(const Other& other, int num_partitions) const {
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

template <class T, class Pipe>
template <JoinKind kKind, class Other>
auto Rdd<T, Pipe>::JoinOf(const Other& other, int num_partitions) const {
  using K = typename T::first_type;
  using V = typename T::second_type;
  using W = typename rdd_internal::PairOf<Other, K>::Value;
  return cogroup(other, num_partitions).flat_map_values(JoinExpansion<kKind, V, W>{});
}

template <class T, class Pipe>
template <class Other>
auto Rdd<T, Pipe>::join(const Other& other, int num_partitions) const {
  return JoinOf<JoinKind::kInner>(other, num_partitions);
}

template <class T, class Pipe>
template <class Other>
auto Rdd<T, Pipe>::left_outer_join(const Other& other, int num_partitions) const {
  return JoinOf<JoinKind::kLeftOuter>(other, num_partitions);
}

template <class T, class Pipe>
template <class Other>
auto Rdd<T, Pipe>::right_outer_join(const Other& other, int num_partitions) const {
  return JoinOf<JoinKind::kRightOuter>(other, num_partitions);
}

template <class T, class Pipe>
template <class Other>
auto Rdd<T, Pipe>::full_outer_join(const Other& other, int num_partitions) const {
  return JoinOf<JoinKind::kFullOuter>(other, num_partitions);
}

}  // namespace centella

#endif  // CENTELLA_DRIVER_API_JOINS_H_

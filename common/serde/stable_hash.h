// StableHash: a 64-bit hash of a record that is identical in every process running the
// same binary, on every machine.
//
// Shuffle partitioning must agree between the map task that writes a key and every other
// map task writing the same key on another host, so it cannot use absl::Hash or
// std::hash (absl::Hash is seeded per process). Built in for the types Serde knows;
// user types hash their CENTELLA_FIELDS, or specialize centella::StableHasher<T>.
#ifndef CENTELLA_COMMON_SERDE_STABLE_HASH_H_
#define CENTELLA_COMMON_SERDE_STABLE_HASH_H_

#include <cstdint>
#include <cstring>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "common/serde/serde.h"

// Inlined: hashing short keys is on the hot path of every shuffle and combine.
#define XXH_INLINE_ALL
#include <xxhash.h>

namespace centella {

namespace hash_internal {
// splitmix64 finalizer: a bijective mix with full avalanche.
inline uint64_t Mix(uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}
inline uint64_t Combine(uint64_t seed, uint64_t h) {
  return Mix(seed ^ (h + 0x9e3779b97f4a7c15ULL + (seed << 6) + (seed >> 2)));
}
inline uint64_t HashBytes(const void* data, size_t n) { return XXH3_64bits(data, n); }
}  // namespace hash_internal

template <class T, class Enable = void>
struct StableHasher;

template <class T>
uint64_t StableHash(const T& v) {
  return StableHasher<T>{}(v);
}

template <class T>
struct StableHasher<T, std::enable_if_t<std::is_integral_v<T> || std::is_enum_v<T>>> {
  uint64_t operator()(T v) const { return hash_internal::Mix(static_cast<uint64_t>(v)); }
};

template <class T>
struct StableHasher<T, std::enable_if_t<std::is_floating_point_v<T>>> {
  uint64_t operator()(T v) const {
    if (v == 0) v = 0;  // +0.0 and -0.0 compare equal, so they must hash equal
    double d = static_cast<double>(v);
    uint64_t bits;
    std::memcpy(&bits, &d, sizeof(bits));
    return hash_internal::Mix(bits);
  }
};

template <>
struct StableHasher<std::string> {
  uint64_t operator()(std::string_view v) const {
    return hash_internal::HashBytes(v.data(), v.size());
  }
};
template <>
struct StableHasher<std::string_view> : StableHasher<std::string> {};

template <class A, class B>
struct StableHasher<std::pair<A, B>> {
  uint64_t operator()(const std::pair<A, B>& v) const {
    return hash_internal::Combine(StableHash(v.first), StableHash(v.second));
  }
};

template <class... Ts>
struct StableHasher<std::tuple<Ts...>> {
  uint64_t operator()(const std::tuple<Ts...>& v) const {
    uint64_t h = 0x51ed2701ULL;
    std::apply(
        [&h](const auto&... xs) {
          ((h = hash_internal::Combine(h, StableHash<std::decay_t<decltype(xs)>>(xs))), ...);
        },
        v);
    return h;
  }
};

template <class T>
struct StableHasher<std::optional<T>> {
  uint64_t operator()(const std::optional<T>& v) const {
    return v ? hash_internal::Combine(1, StableHash(*v)) : 0x7f4a7c15ULL;
  }
};

template <class T, class A>
struct StableHasher<std::vector<T, A>> {
  uint64_t operator()(const std::vector<T, A>& v) const {
    uint64_t h = hash_internal::Mix(v.size());
    for (const T& x : v) h = hash_internal::Combine(h, StableHash(x));
    return h;
  }
};

template <class T>
struct StableHasher<T, std::enable_if_t<serde_internal::HasFields<T>::value>> {
  uint64_t operator()(const T& v) const {
    uint64_t h = 0x2545f491ULL;
    std::apply(
        [&h](const auto&... xs) {
          ((h = hash_internal::Combine(h, StableHash<std::decay_t<decltype(xs)>>(xs))), ...);
        },
        v.centella_fields());
    return h;
  }
};

// Hash functor for hash tables keyed by records (e.g. absl::flat_hash_map<K, V,
// StableHashFunctor<K>>); the tables then work for every key type Centella can shuffle.
template <class T>
struct StableHashFunctor {
  size_t operator()(const T& v) const { return StableHash(v); }
};

}  // namespace centella

#endif  // CENTELLA_COMMON_SERDE_STABLE_HASH_H_

// Estimated memory footprint of records, for memory accounting.
//
// EstimateBytes(x) is sizeof(x) plus the heap memory x owns (string and vector capacity,
// recursively); types it does not know count as sizeof. SizeTracker follows a growing
// collection without measuring it on every update: it measures at geometrically spaced
// points and extrapolates in between (Spark's SizeTracker), so tracking costs O(1)
// amortized per update.
#ifndef CENTELLA_ENGINE_MEMORY_SIZE_ESTIMATE_H_
#define CENTELLA_ENGINE_MEMORY_SIZE_ESTIMATE_H_

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "common/serde/serde.h"

namespace centella {

// Heap bytes owned by a value (not counting sizeof the value itself).
template <class T>
int64_t HeapBytes(const T& v);

namespace size_internal {
template <class T>
struct Heap {
  static int64_t Of(const T& v) {
    if constexpr (serde_internal::HasFields<T>::value) {
      return std::apply([](const auto&... xs) { return (int64_t{0} + ... + HeapBytes(xs)); },
                        v.centella_fields());
    } else {
      return 0;
    }
  }
};
template <>
struct Heap<std::string> {
  static int64_t Of(const std::string& s) {
    // Short strings live inside the object (libstdc++ keeps up to 15 chars inline).
    return s.capacity() > 15 ? static_cast<int64_t>(s.capacity()) + 1 : 0;
  }
};
template <class A, class B>
struct Heap<std::pair<A, B>> {
  static int64_t Of(const std::pair<A, B>& v) { return HeapBytes(v.first) + HeapBytes(v.second); }
};
template <class... Ts>
struct Heap<std::tuple<Ts...>> {
  static int64_t Of(const std::tuple<Ts...>& v) {
    return std::apply([](const auto&... xs) { return (int64_t{0} + ... + HeapBytes(xs)); }, v);
  }
};
template <class T>
struct Heap<std::optional<T>> {
  static int64_t Of(const std::optional<T>& v) { return v ? HeapBytes(*v) : 0; }
};
template <class... Ts>
struct Heap<std::variant<Ts...>> {
  static int64_t Of(const std::variant<Ts...>& v) {
    return std::visit([](const auto& x) { return HeapBytes(x); }, v);
  }
};
template <class T, class A>
struct Heap<std::vector<T, A>> {
  static int64_t Of(const std::vector<T, A>& v) {
    int64_t n = static_cast<int64_t>(v.capacity() * sizeof(T));
    if constexpr (!std::is_trivially_copyable_v<T>) {
      for (const T& x : v) n += HeapBytes(x);
    }
    return n;
  }
};
// Red-black tree nodes: the element plus about four words of links and colour.
template <class K, class V, class C, class A>
struct Heap<std::map<K, V, C, A>> {
  static int64_t Of(const std::map<K, V, C, A>& m) {
    int64_t n = 0;
    for (const auto& kv : m) n += 32 + sizeof(kv) + HeapBytes(kv.first) + HeapBytes(kv.second);
    return n;
  }
};
template <class T, class C, class A>
struct Heap<std::set<T, C, A>> {
  static int64_t Of(const std::set<T, C, A>& s) {
    int64_t n = 0;
    for (const auto& x : s) n += 32 + sizeof(x) + HeapBytes(x);
    return n;
  }
};
}  // namespace size_internal

template <class T>
int64_t HeapBytes(const T& v) {
  if constexpr (std::is_arithmetic_v<T> || std::is_enum_v<T>) {
    return 0;
  } else {
    return size_internal::Heap<T>::Of(v);
  }
}

template <class T>
int64_t EstimateBytes(const T& v) {
  return static_cast<int64_t>(sizeof(T)) + HeapBytes(v);
}

// Follows the size of a growing collection. Call Updated() after each insert or merge;
// when it returns true, call Measured(exact bytes). estimate() extrapolates in between.
class SizeTracker {
 public:
  // True when the collection should be measured now.
  bool Updated() {
    ++updates_;
    return updates_ >= next_sample_;
  }
  void Measured(int64_t bytes) {
    const int64_t since = updates_ - sampled_updates_;
    if (since > 0 && sampled_updates_ > 0) {
      bytes_per_update_ = std::max<double>(0, static_cast<double>(bytes - sampled_bytes_) / since);
    } else if (updates_ > 0) {
      bytes_per_update_ = static_cast<double>(bytes) / updates_;
    }
    sampled_bytes_ = bytes;
    sampled_updates_ = updates_;
    next_sample_ = std::max<int64_t>(updates_ + 1, static_cast<int64_t>(updates_ * 1.1));
  }
  int64_t estimate() const {
    return sampled_bytes_ + static_cast<int64_t>(bytes_per_update_ *
                                                 static_cast<double>(updates_ - sampled_updates_));
  }
  // The collection was emptied (spilled).
  void Reset() { *this = SizeTracker(); }

 private:
  int64_t updates_ = 0;
  int64_t next_sample_ = 1;
  int64_t sampled_updates_ = 0;
  int64_t sampled_bytes_ = 0;
  double bytes_per_update_ = 0;
};

}  // namespace centella

#endif  // CENTELLA_ENGINE_MEMORY_SIZE_ESTIMATE_H_

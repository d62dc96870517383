// Record serialization: the one customization point through which every record, captured
// value and shuffle block of Centella is encoded.
//
//   centella::Serialize(writer, value);          // append `value`
//   bool ok = centella::Deserialize(reader, &v);  // false on corrupt input (reader.status())
//
// Built in: bool, integers (zigzag/varint), enums, float/double, std::string, std::pair,
// std::tuple, std::variant, std::vector, std::array, std::optional, std::map, std::set,
// std::unordered_map. Containers are serializable exactly when their elements are.
//
// User types, either of:
//   1. list the members (the type must be default-constructible):
//        struct Click { std::string campaign; int64_t ts; CENTELLA_FIELDS(campaign, ts) };
//   2. specialize the customization point:
//        template <> struct centella::Serde<MyType> {
//          static void Write(ByteWriter& w, const MyType& v);
//          static bool Read(ByteReader& r, MyType* v);
//        };
// `kIsSerializable<T>` tells whether T has an encoding, for static_asserts with a message.
#ifndef CENTELLA_COMMON_SERDE_SERDE_H_
#define CENTELLA_COMMON_SERDE_SERDE_H_

#include <array>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <variant>
#include <vector>

#include "common/serde/byte_reader.h"
#include "common/serde/byte_writer.h"

// Declares the members that make up a user type's serialized form and stable hash.
#define CENTELLA_FIELDS(...)                               \
  auto centella_fields() { return std::tie(__VA_ARGS__); } \
  auto centella_fields() const { return std::tie(__VA_ARGS__); }

namespace centella {

// The customization point. The primary template is left undefined: a type without a
// specialization (or CENTELLA_FIELDS) is not serializable.
template <class T, class Enable = void>
struct Serde;

namespace serde_internal {
template <class T, class = void>
struct Has : std::false_type {};
template <class T>
struct Has<T, std::void_t<decltype(Serde<T>::Write(std::declval<ByteWriter&>(),
                                                   std::declval<const T&>()))>> : std::true_type {};

template <class T, class = void>
struct HasFields : std::false_type {};
template <class T>
struct HasFields<T, std::void_t<decltype(std::declval<T&>().centella_fields())>> : std::true_type {
};
}  // namespace serde_internal

template <class T>
inline constexpr bool kIsSerializable = serde_internal::Has<std::remove_cv_t<T>>::value;

template <class T>
void Serialize(ByteWriter& w, const T& v) {
  static_assert(kIsSerializable<T>,
                "Centella: this type has no serialized form. List its members with "
                "CENTELLA_FIELDS(...) inside the type, or specialize centella::Serde<T>.");
  Serde<T>::Write(w, v);
}

template <class T>
[[nodiscard]] bool Deserialize(ByteReader& r, T* v) {
  static_assert(kIsSerializable<T>,
                "Centella: this type has no serialized form. List its members with "
                "CENTELLA_FIELDS(...) inside the type, or specialize centella::Serde<T>.");
  return Serde<T>::Read(r, v);
}

// ---- scalars ----

template <>
struct Serde<bool> {
  static void Write(ByteWriter& w, bool v) { w.PutVarint(v ? 1 : 0); }
  static bool Read(ByteReader& r, bool* v) {
    uint64_t u = 0;
    if (!r.GetVarint(&u)) return false;
    if (u > 1) return r.Fail("bool out of range");
    *v = u != 0;
    return true;
  }
};

template <class T>
struct Serde<T, std::enable_if_t<std::is_integral_v<T> && !std::is_same_v<T, bool>>> {
  static void Write(ByteWriter& w, T v) {
    if constexpr (std::is_signed_v<T>) {
      w.PutZigZag(static_cast<int64_t>(v));
    } else {
      w.PutVarint(static_cast<uint64_t>(v));
    }
  }
  static bool Read(ByteReader& r, T* v) {
    if constexpr (std::is_signed_v<T>) {
      int64_t x = 0;
      if (!r.GetZigZag(&x)) return false;
      if (x < std::numeric_limits<T>::min() || x > std::numeric_limits<T>::max()) {
        return r.Fail("signed integer out of range");
      }
      *v = static_cast<T>(x);
    } else {
      uint64_t x = 0;
      if (!r.GetVarint(&x)) return false;
      if (x > std::numeric_limits<T>::max()) return r.Fail("unsigned integer out of range");
      *v = static_cast<T>(x);
    }
    return true;
  }
};

template <class T>
struct Serde<T, std::enable_if_t<std::is_floating_point_v<T>>> {
  static void Write(ByteWriter& w, T v) { w.PutFixed(v); }
  static bool Read(ByteReader& r, T* v) { return r.GetFixed(v); }
};

template <class T>
struct Serde<T, std::enable_if_t<std::is_enum_v<T>>> {
  using U = std::underlying_type_t<T>;
  static void Write(ByteWriter& w, T v) { Serde<U>::Write(w, static_cast<U>(v)); }
  static bool Read(ByteReader& r, T* v) {
    U u{};
    if (!Serde<U>::Read(r, &u)) return false;
    *v = static_cast<T>(u);
    return true;
  }
};

template <>
struct Serde<std::string> {
  static void Write(ByteWriter& w, const std::string& v) { w.PutBytes(v); }
  static bool Read(ByteReader& r, std::string* v) {
    std::string_view s;
    if (!r.GetBytes(&s)) return false;
    v->assign(s.data(), s.size());
    return true;
  }
};

// ---- composites ----

template <class A, class B>
struct Serde<std::pair<A, B>, std::enable_if_t<kIsSerializable<A> && kIsSerializable<B>>> {
  static void Write(ByteWriter& w, const std::pair<A, B>& v) {
    Serde<A>::Write(w, v.first);
    Serde<B>::Write(w, v.second);
  }
  static bool Read(ByteReader& r, std::pair<A, B>* v) {
    return Serde<A>::Read(r, &v->first) && Serde<B>::Read(r, &v->second);
  }
};

template <class... Ts>
struct Serde<std::tuple<Ts...>, std::enable_if_t<(kIsSerializable<Ts> && ...)>> {
  static void Write(ByteWriter& w, const std::tuple<Ts...>& v) {
    std::apply([&w](const Ts&... xs) { (Serde<Ts>::Write(w, xs), ...); }, v);
  }
  static bool Read(ByteReader& r, std::tuple<Ts...>* v) {
    return std::apply([&r](Ts&... xs) { return (Serde<Ts>::Read(r, &xs) && ...); }, *v);
  }
};

template <class T>
struct Serde<std::optional<T>, std::enable_if_t<kIsSerializable<T>>> {
  static void Write(ByteWriter& w, const std::optional<T>& v) {
    w.PutVarint(v.has_value() ? 1 : 0);
    if (v) Serde<T>::Write(w, *v);
  }
  static bool Read(ByteReader& r, std::optional<T>* v) {
    bool present = false;
    if (!Serde<bool>::Read(r, &present)) return false;
    if (!present) {
      v->reset();
      return true;
    }
    return Serde<T>::Read(r, &v->emplace());
  }
};

// The alternative's index, then its value.
template <class... Ts>
struct Serde<std::variant<Ts...>, std::enable_if_t<(kIsSerializable<Ts> && ...)>> {
  static void Write(ByteWriter& w, const std::variant<Ts...>& v) {
    w.PutVarint(v.index());
    std::visit([&w](const auto& x) { Serialize(w, x); }, v);
  }
  static bool Read(ByteReader& r, std::variant<Ts...>* v) {
    uint64_t index = 0;
    if (!r.GetVarint(&index)) return false;
    if (index >= sizeof...(Ts)) return r.Fail("variant alternative out of range");
    return ReadAlternative(r, v, index, std::index_sequence_for<Ts...>());
  }

 private:
  template <size_t... Is>
  static bool ReadAlternative(ByteReader& r, std::variant<Ts...>* v, uint64_t index,
                              std::index_sequence<Is...>) {
    bool ok = false;
    ((index == Is ? (ok = Deserialize(r, &v->template emplace<Is>()), true) : false) || ...);
    return ok;
  }
};

template <class T, size_t N>
struct Serde<std::array<T, N>, std::enable_if_t<kIsSerializable<T>>> {
  static void Write(ByteWriter& w, const std::array<T, N>& v) {
    for (const T& x : v) Serde<T>::Write(w, x);
  }
  static bool Read(ByteReader& r, std::array<T, N>* v) {
    for (T& x : *v) {
      if (!Serde<T>::Read(r, &x)) return false;
    }
    return true;
  }
};

namespace serde_internal {
// Sequence and associative containers: a count, then the elements. The count is checked
// against the remaining bytes (each element takes at least one) before reserving memory,
// so corrupt input cannot make a reader allocate unbounded memory.
template <class C, class Elem, class Insert>
bool ReadElements(ByteReader& r, C* c, Insert insert) {
  uint64_t n = 0;
  if (!r.GetVarint(&n)) return false;
  if (n > r.remaining() && !std::is_empty_v<Elem>) return r.Fail("element count beyond input");
  c->clear();
  for (uint64_t i = 0; i < n; ++i) {
    Elem e{};
    if (!Serde<Elem>::Read(r, &e)) return false;
    insert(*c, std::move(e));
  }
  return true;
}
}  // namespace serde_internal

template <class T, class A>
struct Serde<std::vector<T, A>, std::enable_if_t<kIsSerializable<T>>> {
  static void Write(ByteWriter& w, const std::vector<T, A>& v) {
    w.PutVarint(v.size());
    for (const T& x : v) Serde<T>::Write(w, x);
  }
  static bool Read(ByteReader& r, std::vector<T, A>* v) {
    return serde_internal::ReadElements<std::vector<T, A>, T>(
        r, v, [](auto& c, T&& e) { c.push_back(std::move(e)); });
  }
};

template <class K, class V, class C, class A>
struct Serde<std::map<K, V, C, A>, std::enable_if_t<kIsSerializable<K> && kIsSerializable<V>>> {
  static void Write(ByteWriter& w, const std::map<K, V, C, A>& v) {
    w.PutVarint(v.size());
    for (const auto& [k, x] : v) {
      Serde<K>::Write(w, k);
      Serde<V>::Write(w, x);
    }
  }
  static bool Read(ByteReader& r, std::map<K, V, C, A>* v) {
    return serde_internal::ReadElements<std::map<K, V, C, A>, std::pair<K, V>>(
        r, v, [](auto& c, std::pair<K, V>&& e) { c.insert(std::move(e)); });
  }
};

template <class K, class V, class H, class E, class A>
struct Serde<std::unordered_map<K, V, H, E, A>,
             std::enable_if_t<kIsSerializable<K> && kIsSerializable<V>>> {
  static void Write(ByteWriter& w, const std::unordered_map<K, V, H, E, A>& v) {
    w.PutVarint(v.size());
    for (const auto& [k, x] : v) {
      Serde<K>::Write(w, k);
      Serde<V>::Write(w, x);
    }
  }
  static bool Read(ByteReader& r, std::unordered_map<K, V, H, E, A>* v) {
    return serde_internal::ReadElements<std::unordered_map<K, V, H, E, A>, std::pair<K, V>>(
        r, v, [](auto& c, std::pair<K, V>&& e) { c.insert(std::move(e)); });
  }
};

template <class T, class C, class A>
struct Serde<std::set<T, C, A>, std::enable_if_t<kIsSerializable<T>>> {
  static void Write(ByteWriter& w, const std::set<T, C, A>& v) {
    w.PutVarint(v.size());
    for (const T& x : v) Serde<T>::Write(w, x);
  }
  static bool Read(ByteReader& r, std::set<T, C, A>* v) {
    return serde_internal::ReadElements<std::set<T, C, A>, T>(
        r, v, [](auto& c, T&& e) { c.insert(std::move(e)); });
  }
};

// ---- user types listing their members with CENTELLA_FIELDS ----

template <class T>
struct Serde<T,
             std::enable_if_t<
                 serde_internal::HasFields<T>::value &&
                 kIsSerializable<std::decay_t<decltype(std::declval<T&>().centella_fields())>>>> {
  // std::tie yields a tuple of references; serialize it as the tuple of values.
  static void Write(ByteWriter& w, const T& v) {
    std::apply([&w](const auto&... xs) { (Serialize(w, xs), ...); }, v.centella_fields());
  }
  static bool Read(ByteReader& r, T* v) {
    return std::apply([&r](auto&... xs) { return (Deserialize(r, &xs) && ...); },
                      v->centella_fields());
  }
};

// Lets the tuple-of-references produced by std::tie be checked for serializability.
template <class... Ts>
struct Serde<std::tuple<Ts&...>,
             std::enable_if_t<(kIsSerializable<Ts> && ...) && (sizeof...(Ts) > 0)>> {
  static void Write(ByteWriter& w, const std::tuple<Ts&...>& v) {
    std::apply([&w](const auto&... xs) { (Serialize(w, xs), ...); }, v);
  }
};

// ---- convenience ----

// Serializes `v` into a fresh string.
template <class T>
std::string SerializeToString(const T& v) {
  std::string out;
  ByteWriter w(&out);
  Serialize(w, v);
  return out;
}

// Decodes a whole buffer holding exactly one `T`; trailing bytes are an error.
template <class T>
absl::Status DeserializeFromString(std::string_view bytes, T* v) {
  ByteReader r(bytes);
  if (!Deserialize(r, v)) return r.status();
  if (!r.done()) r.Fail("trailing bytes after value");
  return r.status();
}

}  // namespace centella

#endif  // CENTELLA_COMMON_SERDE_SERDE_H_

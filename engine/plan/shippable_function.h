// Shipping user functions to executors.
//
// C++ closures cannot be serialized in general, so Centella ships a function as (its type's
// registered identity, its captured state). The state is encoded as follows:
//   * a function object listing its members with CENTELLA_FIELDS (or with a Serde
//     specialization) is serialized through Serde;
//   * any other trivially copyable closure (a lambda capturing numbers, enums, Broadcast
//     handles, fixed arrays of them, or nothing) is copied byte for byte — driver and
//     executors run the same binary, so the layout is identical.
// Anything else (a lambda capturing std::string, std::vector, a smart pointer, ...) is
// rejected at compile time with kShippableMessage.
//
// Lambdas must capture by value: a reference or pointer capture is trivially copyable, so
// the compiler cannot catch it, but it refers to driver memory that executors in a
// cluster do not have.
#ifndef CENTELLA_ENGINE_PLAN_SHIPPABLE_FUNCTION_H_
#define CENTELLA_ENGINE_PLAN_SHIPPABLE_FUNCTION_H_

#include <cstring>
#include <new>
#include <optional>
#include <type_traits>

#include "common/serde/serde.h"

namespace centella {

// A pointer to a function is trivially copyable but not shippable: job binaries are
// position independent, so the same function has another address in every process.
template <class F>
inline constexpr bool kIsShippable = kIsSerializable<F> ||
                                     (std::is_trivially_copyable_v<F> &&
                                      std::is_trivially_destructible_v<F> &&
                                      !std::is_pointer_v<F> && !std::is_member_pointer_v<F>);

#define CENTELLA_SHIPPABLE_MESSAGE                                                           \
  "Centella cannot ship this function to executors: it captures a value that is not "        \
  "trivially copyable (std::string, std::vector, a smart pointer, ...). Capture only "       \
  "plain values (numbers, enums, fixed arrays of them); for strings and larger read-only "   \
  "data write a function object (struct) whose members are listed with CENTELLA_FIELDS(...)" \
  " and pass that instead of the lambda. A plain function cannot be shipped by its address:" \
  " wrap it in a lambda, [](auto x) { return f(x); }."

template <class F>
struct FunctionSerde {
  static void Write(ByteWriter& w, const F& f) {
    static_assert(kIsShippable<F>, CENTELLA_SHIPPABLE_MESSAGE);
    if constexpr (kIsSerializable<F>) {
      Serialize(w, f);
    } else {
      w.PutRaw(&f, sizeof(F));
    }
  }
  // nullopt (with the error latched in `r`) on malformed state.
  static std::optional<F> Read(ByteReader& r) {
    static_assert(kIsShippable<F>, CENTELLA_SHIPPABLE_MESSAGE);
    if constexpr (kIsSerializable<F>) {
      F f{};
      if (!Deserialize(r, &f)) return std::nullopt;
      return f;
    } else {
      std::string_view bytes;
      if (!r.GetRaw(sizeof(F), &bytes)) return std::nullopt;
      // A trivially copyable closure is an implicit-lifetime type: copying its bytes into
      // suitably aligned storage creates the object (C++20, P0593).
      alignas(F) unsigned char storage[sizeof(F)];
      std::memcpy(storage, bytes.data(), sizeof(F));
      return *std::launder(reinterpret_cast<F*>(storage));
    }
  }
};

}  // namespace centella

#endif  // CENTELLA_ENGINE_PLAN_SHIPPABLE_FUNCTION_H_

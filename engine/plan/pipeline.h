// Pipeline<In, Ops...>: the narrow operators of a stage, fused at compile time.
//
// map, filter and flat_map do not create lineage nodes; they extend the static type of a
// Pipeline. When a stage runs, Fuse() nests the operators into one callable that the
// compiler inlines into the loop over each input batch, so a record flows from the
// source through every narrow operator with no virtual call and no allocation of its own.
#ifndef CENTELLA_ENGINE_PLAN_PIPELINE_H_
#define CENTELLA_ENGINE_PLAN_PIPELINE_H_

#include <functional>
#include <optional>
#include <ranges>
#include <tuple>
#include <type_traits>
#include <utility>

#include "common/serde/byte_reader.h"
#include "common/serde/byte_writer.h"
#include "engine/plan/shippable_function.h"

namespace centella {

template <class F>
struct MapOp {
  F f;
  template <class In>
  using Out = std::decay_t<std::invoke_result_t<const F&, In&&>>;

  template <class Next>
  auto Wrap(Next next) const {
    return [this, next](auto&& x) mutable { next(std::invoke(f, std::forward<decltype(x)>(x))); };
  }
  void Write(ByteWriter& w) const { FunctionSerde<F>::Write(w, f); }
  static std::optional<MapOp> Read(ByteReader& r) {
    std::optional<F> g = FunctionSerde<F>::Read(r);
    if (!g) return std::nullopt;
    return MapOp{std::move(*g)};
  }
};

template <class F>
struct FilterOp {
  F f;
  template <class In>
  using Out = In;

  template <class Next>
  auto Wrap(Next next) const {
    return [this, next](auto&& x) mutable {
      if (std::invoke(f, std::as_const(x))) next(std::forward<decltype(x)>(x));
    };
  }
  void Write(ByteWriter& w) const { FunctionSerde<F>::Write(w, f); }
  static std::optional<FilterOp> Read(ByteReader& r) {
    std::optional<F> g = FunctionSerde<F>::Read(r);
    if (!g) return std::nullopt;
    return FilterOp{std::move(*g)};
  }
};

// f returns any range (a std::vector, an std::optional-like range, a lazy view...).
template <class F>
struct FlatMapOp {
  F f;
  template <class In>
  using Out = std::decay_t<std::ranges::range_reference_t<std::invoke_result_t<const F&, In&&>>>;

  template <class Next>
  auto Wrap(Next next) const {
    return [this, next](auto&& x) mutable {
      auto&& range = std::invoke(f, std::forward<decltype(x)>(x));
      for (auto&& y : range) next(std::forward<decltype(y)>(y));
    };
  }
  void Write(ByteWriter& w) const { FunctionSerde<F>::Write(w, f); }
  static std::optional<FlatMapOp> Read(ByteReader& r) {
    std::optional<F> g = FunctionSerde<F>::Read(r);
    if (!g) return std::nullopt;
    return FlatMapOp{std::move(*g)};
  }
};

// map_values(f): (k, v) -> (k, f(v)); the key is moved through untouched.
template <class F>
struct MapValuesOp {
  F f;
  template <class In>
  using Out = std::pair<typename In::first_type,
                        std::decay_t<std::invoke_result_t<const F&, typename In::second_type&&>>>;

  template <class Next>
  auto Wrap(Next next) const {
    return [this, next](auto&& kv) mutable {
      using P = std::decay_t<decltype(kv)>;
      if constexpr (std::is_const_v<std::remove_reference_t<decltype(kv)>>) {
        next(Out<P>(kv.first, std::invoke(f, typename P::second_type(kv.second))));
      } else {  // a record reaching an op is the op's to consume
        next(Out<P>(std::move(kv.first), std::invoke(f, std::move(kv.second))));
      }
    };
  }
  void Write(ByteWriter& w) const { FunctionSerde<F>::Write(w, f); }
  static std::optional<MapValuesOp> Read(ByteReader& r) {
    std::optional<F> g = FunctionSerde<F>::Read(r);
    if (!g) return std::nullopt;
    return MapValuesOp{std::move(*g)};
  }
};

// flat_map_values(f): (k, v) -> (k, u) for every u in the range f(v).
template <class F>
struct FlatMapValuesOp {
  F f;
  template <class In>
  using Out = std::pair<typename In::first_type,
                        std::decay_t<std::ranges::range_reference_t<
                            std::invoke_result_t<const F&, typename In::second_type&&>>>>;

  template <class Next>
  auto Wrap(Next next) const {
    return [this, next](auto&& kv) mutable {
      using P = std::decay_t<decltype(kv)>;
      typename P::second_type v = kv.second;
      auto&& range = std::invoke(f, std::move(v));
      for (auto&& u : range) next(Out<P>(kv.first, std::forward<decltype(u)>(u)));
    };
  }
  void Write(ByteWriter& w) const { FunctionSerde<F>::Write(w, f); }
  static std::optional<FlatMapValuesOp> Read(ByteReader& r) {
    std::optional<F> g = FunctionSerde<F>::Read(r);
    if (!g) return std::nullopt;
    return FlatMapValuesOp{std::move(*g)};
  }
};

namespace pipeline_internal {
template <class In, class... Ops>
struct ChainOut {
  using type = In;
};
template <class In, class Op, class... Rest>
struct ChainOut<In, Op, Rest...> {
  using type = typename ChainOut<typename Op::template Out<In>, Rest...>::type;
};
}  // namespace pipeline_internal

template <class InT, class... Ops>
class Pipeline {
 public:
  using In = InT;
  using Out = typename pipeline_internal::ChainOut<In, Ops...>::type;
  static constexpr bool kIsIdentity = sizeof...(Ops) == 0;

  Pipeline() = default;
  explicit Pipeline(std::tuple<Ops...> ops) : ops_(std::move(ops)) {}

  template <class Op>
  Pipeline<In, Ops..., Op> Append(Op op) const {
    return Pipeline<In, Ops..., Op>(std::tuple_cat(ops_, std::make_tuple(std::move(op))));
  }

  // Returns a callable taking one `In` record (by forwarding reference) that runs every
  // operator and hands each resulting `Out` record to `sink`. The callable refers to this
  // pipeline and to `sink`; both must outlive it.
  template <class Sink>
  auto Fuse(Sink& sink) const {
    return FuseFrom<0>(sink);
  }

  void Write(ByteWriter& w) const {
    std::apply([&w](const Ops&... op) { (op.Write(w), ...); }, ops_);
  }
  static std::optional<Pipeline> Read(ByteReader& r) {
    // Braced initialisation evaluates left to right, matching the order of Write.
    std::tuple<std::optional<Ops>...> parts{Ops::Read(r)...};
    if (!r.ok()) return std::nullopt;
    return std::apply([](auto&... p) { return Pipeline(std::tuple<Ops...>(std::move(*p)...)); },
                      parts);
  }

 private:
  template <size_t I, class Sink>
  auto FuseFrom(Sink& sink) const {
    if constexpr (I == sizeof...(Ops)) {
      return [&sink](auto&& x) { sink(std::forward<decltype(x)>(x)); };
    } else {
      return std::get<I>(ops_).Wrap(FuseFrom<I + 1>(sink));
    }
  }

  std::tuple<Ops...> ops_;
};

}  // namespace centella

#endif  // CENTELLA_ENGINE_PLAN_PIPELINE_H_

// JoinExpansion<kKind, V, W>: turns one key's cogrouped values (vs, ws) into the pairs a
// join of kind kKind emits — every (v, w) when both sides have values, and for the outer
// kinds the unmatched side with std::nullopt for the other. The one expansion of the
// four joins (Rdd::join, left_outer_join, right_outer_join, full_outer_join), shipped to
// executors as an empty function object.
//
//   kind         | both non-empty | ws empty       | vs empty
//   kInner       | (v, w)         | -              | -
//   kLeftOuter   | (v, w)         | (v, nullopt)   | -
//   kRightOuter  | (v, w)         | -              | (nullopt, w)
//   kFullOuter   | (v, w)         | (v, nullopt)   | (nullopt, w)
#ifndef CENTELLA_ENGINE_RDD_JOIN_EXPANSION_H_
#define CENTELLA_ENGINE_RDD_JOIN_EXPANSION_H_

#include <optional>
#include <type_traits>
#include <utility>
#include <vector>

namespace centella {

enum class JoinKind { kInner, kLeftOuter, kRightOuter, kFullOuter };

template <JoinKind kKind, class V, class W>
struct JoinExpansion {
  static constexpr bool kKeepsLeft = kKind == JoinKind::kLeftOuter || kKind == JoinKind::kFullOuter;
  static constexpr bool kKeepsRight =
      kKind == JoinKind::kRightOuter || kKind == JoinKind::kFullOuter;
  using Left = std::conditional_t<kKeepsRight, std::optional<V>, V>;
  using Right = std::conditional_t<kKeepsLeft, std::optional<W>, W>;

  std::vector<std::pair<Left, Right>> operator()(
      std::pair<std::vector<V>, std::vector<W>> group) const {
    const std::vector<V>& vs = group.first;
    const std::vector<W>& ws = group.second;
    std::vector<std::pair<Left, Right>> out;
    if (ws.empty()) {
      if constexpr (kKeepsLeft) {
        out.reserve(vs.size());
        for (const V& v : vs) out.emplace_back(v, std::nullopt);
      }
      return out;
    }
    if (vs.empty()) {
      if constexpr (kKeepsRight) {
        out.reserve(ws.size());
        for (const W& w : ws) out.emplace_back(std::nullopt, w);
      }
      return out;
    }
    out.reserve(vs.size() * ws.size());
    for (const V& v : vs) {
      for (const W& w : ws) out.emplace_back(v, w);
    }
    return out;
  }
};

}  // namespace centella

#endif  // CENTELLA_ENGINE_RDD_JOIN_EXPANSION_H_

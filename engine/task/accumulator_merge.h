// How an accumulator's merge operation is applied, the same way in a task (adding into
// its partial value) and on the driver (merging task partials into the total).
//
// A merge operation is a function object of either shape:
//   void(T& into, const T& x)  — updates in place (cheap for maps, vectors, sketches);
//   T(T a, T b)                — returns the combination (std::plus<T>, a lambda).
// It must be associative and commutative: partials are merged in task completion order.
#ifndef CENTELLA_ENGINE_TASK_ACCUMULATOR_MERGE_H_
#define CENTELLA_ENGINE_TASK_ACCUMULATOR_MERGE_H_

#include <functional>
#include <type_traits>
#include <utility>

namespace centella {

template <class T, class Merge>
inline constexpr bool kIsAccumulatorMerge = std::is_invocable_v<const Merge&, T&, const T&> ||
                                            std::is_invocable_r_v<T, const Merge&, T&&, T&&>;

// into = merge(into, x), in place when `merge` supports it.
template <class T, class Merge>
void ApplyAccumulatorMerge(const Merge& merge, T& into, T&& x) {
  static_assert(kIsAccumulatorMerge<T, Merge>,
                "an accumulator's merge must be callable as void(T&, const T&) or T(T, T)");
  if constexpr (std::is_invocable_v<const Merge&, T&, const T&> &&
                std::is_void_v<std::invoke_result_t<const Merge&, T&, const T&>>) {
    std::invoke(merge, into, static_cast<const T&>(x));
  } else {
    into = std::invoke(merge, std::move(into), std::move(x));
  }
}

}  // namespace centella

#endif  // CENTELLA_ENGINE_TASK_ACCUMULATOR_MERGE_H_

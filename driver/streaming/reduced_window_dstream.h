// ReducedWindowDStream: reduce_by_key_and_window with an inverse function — a sliding
// window's per-key reduction computed incrementally (Spark's ReducedWindowedDStream).
//
// At each slide time t the window (t - length, t] is the previous window's state with
// the batches entering it, (t - slide, t], added with f and the batches leaving it,
// (t - slide - length, t - length], taken out with the inverse g: two small reductions
// and one cogroup per slide however long the window, instead of reducing every batch of
// the window again. Each key also counts the records behind its value; a key whose
// records have all left the window is dropped, so the state holds only the keys in the
// window. The state is a KeyedStateNode (cached, checkpointed every N slides).
//
// g must undo f: g(f(a, b), b) == a (sums, counts). A restarted stream cannot subtract
// the batches from before the restart, so the operator refuses a stream checkpoint.
#ifndef CENTELLA_DRIVER_STREAMING_REDUCED_WINDOW_DSTREAM_H_
#define CENTELLA_DRIVER_STREAMING_REDUCED_WINDOW_DSTREAM_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "common/serde/serde.h"
#include "common/status/status_macros.h"
#include "driver/streaming/keyed_state_node.h"
#include "engine/plan/shippable_function.h"

namespace centella {

// A key's value in the window and how many records made it.
template <class V>
struct WindowedValue {
  V value{};
  int64_t records = 0;
  CENTELLA_FIELDS(value, records)
};

// The batches entering (+) or leaving (-) the window, reduced per key.
template <class V>
struct WindowDelta {
  V value{};
  int64_t records = 0;
  bool entering = true;
  CENTELLA_FIELDS(value, records, entering)
};

template <class K, class V>
struct CountedOne {
  std::pair<K, WindowedValue<V>> operator()(std::pair<K, V> kv) const {
    return {std::move(kv.first), WindowedValue<V>{std::move(kv.second), 1}};
  }
};
template <class V, class F>
struct AddCounted {
  F f;
  WindowedValue<V> operator()(WindowedValue<V> a, WindowedValue<V> b) const {
    return {f(std::move(a.value), std::move(b.value)), a.records + b.records};
  }
};
template <class K, class V>
struct AsDelta {
  bool entering = true;
  std::pair<K, WindowDelta<V>> operator()(std::pair<K, WindowedValue<V>> kv) const {
    return {std::move(kv.first),
            WindowDelta<V>{std::move(kv.second.value), kv.second.records, entering}};
  }
};

// One key's slide: the previous value, plus what entered, minus what left. Shipped.
template <class K, class V, class F, class G>
struct SlideStep {
  F f;
  G g;
  using State = std::pair<K, WindowedValue<V>>;
  std::vector<State> operator()(
      std::pair<K, std::pair<std::vector<WindowedValue<V>>, std::vector<WindowDelta<V>>>> kv)
      const {
    auto& [previous, deltas] = kv.second;
    std::optional<WindowedValue<V>> w;
    if (!previous.empty()) w = std::move(previous.front());
    // Leaving first: what leaves was part of the previous window.
    for (bool entering : {false, true}) {
      for (WindowDelta<V>& d : deltas) {
        if (d.entering != entering) continue;
        if (entering) {
          w = w ? WindowedValue<V>{f(std::move(w->value), std::move(d.value)),
                                   w->records + d.records}
                : WindowedValue<V>{std::move(d.value), d.records};
        } else if (w) {
          w->value = g(std::move(w->value), std::move(d.value));
          w->records -= d.records;
        }
      }
    }
    if (!w || w->records <= 0) return {};
    return {State(std::move(kv.first), std::move(*w))};
  }
};

template <class K, class V, class F, class G>
struct Serde<SlideStep<K, V, F, G>,
             std::enable_if_t<!std::is_trivially_copyable_v<SlideStep<K, V, F, G>>>> {
  static void Write(ByteWriter& w, const SlideStep<K, V, F, G>& s) {
    FunctionSerde<F>::Write(w, s.f);
    FunctionSerde<G>::Write(w, s.g);
  }
  static bool Read(ByteReader& r, SlideStep<K, V, F, G>* s) {
    std::optional<F> f = FunctionSerde<F>::Read(r);
    std::optional<G> g = f ? FunctionSerde<G>::Read(r) : std::nullopt;
    if (!g) return false;
    s->f = std::move(*f);
    s->g = std::move(*g);
    return true;
  }
};
template <class V, class F>
struct Serde<AddCounted<V, F>, std::enable_if_t<kIsSerializable<F>>> {
  static void Write(ByteWriter& w, const AddCounted<V, F>& a) { Serialize(w, a.f); }
  static bool Read(ByteReader& r, AddCounted<V, F>* a) { return Deserialize(r, &a->f); }
};

template <class K, class V>
struct WindowedValueOf {
  std::pair<K, V> operator()(std::pair<K, WindowedValue<V>> kv) const {
    return {std::move(kv.first), std::move(kv.second.value)};
  }
};

template <class K, class V, class F, class G>
class ReducedWindowDStream final : public KeyedStateNode<std::pair<K, WindowedValue<V>>> {
 public:
  using State = std::pair<K, WindowedValue<V>>;
  using Input = std::pair<K, V>;

  ReducedWindowDStream(Context* ctx, std::shared_ptr<DStreamNode<Input>> parent, F f, G g,
                       absl::Duration length, absl::Duration slide, int num_partitions,
                       StateStorage<State> storage)
      : KeyedStateNode<State>("reduce_by_key_and_window(inverse)", ctx, parent, num_partitions,
                              /*checkpoint_every=*/10, std::move(storage), slide),
        parent_(std::move(parent)),
        f_(std::move(f)),
        g_(std::move(g)),
        length_(length) {
    // The batches leaving the window are read again one slide after the window's length.
    parent_->RememberAtLeast(length + slide);
  }

 protected:
  using Deltas = Rdd<std::pair<K, WindowDelta<V>>>;

  absl::StatusOr<std::optional<Rdd<State>>> Compute(absl::Time t) override {
    ASSIGN_OR_RETURN(Rdd<State> previous, this->Previous(t));
    ASSIGN_OR_RETURN(Deltas entering, Reduced(t - this->slide(), t, /*entering=*/true));
    ASSIGN_OR_RETURN(Deltas leaving,
                     Reduced(t - this->slide() - length_, t - length_, /*entering=*/false));
    Rdd<State> next = previous.cogroup(entering.union_(leaving), this->partitions())
                          .flat_map(SlideStep<K, V, F, G>{f_, g_});
    ASSIGN_OR_RETURN(next, this->Keep(t, std::move(next)));
    return std::optional<Rdd<State>>(std::move(next));
  }

 private:
  // The parent's batches in (from, to], reduced per key with their record counts.
  absl::StatusOr<Deltas> Reduced(absl::Time from, absl::Time to, bool entering) {
    std::optional<Rdd<Input>> all;
    for (absl::Time b = to; b > from; b -= parent_->slide()) {
      ASSIGN_OR_RETURN(std::optional<Rdd<Input>> batch, parent_->GetOrCompute(b));
      if (batch) all = all ? Rdd<Input>(all->union_(*batch)) : *batch;
    }
    if (!all) all = this->template Empty<Input>();
    return Rdd<std::pair<K, WindowDelta<V>>>(
        all->map(CountedOne<K, V>{})
            .reduce_by_key(AddCounted<V, F>{f_}, this->partitions())
            .map(AsDelta<K, V>{entering}));
  }

  std::shared_ptr<DStreamNode<Input>> parent_;
  F f_;
  G g_;
  absl::Duration length_;
};

}  // namespace centella

#endif  // CENTELLA_DRIVER_STREAMING_REDUCED_WINDOW_DSTREAM_H_

// EventWindowDStream: windows over event time, aggregated per key across batches
// (Structured Streaming's groupBy(window(eventTime, length, slide), key)).
//
// A record with event time e belongs to every window [s, s + length) with s a whole
// multiple of `slide` (counted from the epoch, so every run and every node agrees on
// them) and s <= e < s + length: one window for a tumbling window (slide == length),
// length / slide of them for a sliding one. Each batch's on-time records are reduced per
// (key, window start) and merged into the state of the windows still open; the state of
// batch t marks each window
//   changed  — it got records in batch t,
//   closed   — the watermark has passed its end (start + length <= watermark): no record
//              can reach it any more (a record at or below the watermark is dropped), so
//              this is its final value and the next batch drops it from the state.
// Output modes pick what a batch emits: kUpdate the windows that changed, kAppend each
// window once, in the batch that closes it. A batch drops the records at or below the
// watermark at its start and closes the windows that the watermark after it (its own
// records included, WatermarkTracker::After) has passed: a window closes in the very
// batch whose records move the watermark past its end. Empty batches still run.
#ifndef CENTELLA_DRIVER_STREAMING_EVENT_WINDOW_DSTREAM_H_
#define CENTELLA_DRIVER_STREAMING_EVENT_WINDOW_DSTREAM_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "common/serde/serde.h"
#include "common/status/status_macros.h"
#include "driver/streaming/keyed_state_node.h"
#include "driver/streaming/watermark_tracker.h"
#include "driver/streaming/watermarked_dstream.h"
#include "engine/plan/shippable_function.h"

namespace centella {

enum class OutputMode {
  kUpdate,  // every batch, the windows that got records in it (their value so far)
  kAppend,  // each window once, with its final value, when the watermark passes its end
};

// A window's aggregate in the state, with what the batch that made it did to it.
template <class V>
struct WindowValue {
  static constexpr int8_t kChanged = 1;  // got records in the batch
  static constexpr int8_t kClosed = 2;   // final: the watermark has passed its end
  V value{};
  int8_t status = 0;
  bool changed() const { return (status & kChanged) != 0; }
  bool closed() const { return (status & kClosed) != 0; }
  CENTELLA_FIELDS(value, status)
};

// (key, window start in ms since the epoch): the key of an event-time window aggregate.
template <class K>
using WindowKey = std::pair<K, int64_t>;

// Floor division (event times before the epoch still fall in the right window).
inline int64_t FloorMultiple(int64_t x, int64_t m) {
  const int64_t q = x / m;
  return (q * m > x ? q - 1 : q) * m;
}

// A record to ((key, start), value) for every window it belongs to. Shipped.
template <class T, class E, class KeyOf, class ValueOf>
struct AssignWindows {
  E event_time_of;
  KeyOf key_of;
  ValueOf value_of;
  int64_t length_ms = 0;
  int64_t slide_ms = 0;

  using K = std::decay_t<std::invoke_result_t<const KeyOf&, const T&>>;
  using V = std::decay_t<std::invoke_result_t<const ValueOf&, const T&>>;
  std::vector<std::pair<WindowKey<K>, V>> operator()(const T& record) const {
    const int64_t e = EventMillis(event_time_of, record);
    std::vector<std::pair<WindowKey<K>, V>> out;
    for (int64_t s = FloorMultiple(e, slide_ms); s > e - length_ms; s -= slide_ms) {
      out.emplace_back(WindowKey<K>(key_of(record), s), value_of(record));
    }
    return out;
  }
};

// One window's step: its previous aggregate (at most one) and the batch's value in, its
// next aggregate out. Shipped.
template <class K, class V, class F>
struct WindowStep {
  F reduce;
  bool has_watermark = false;
  int64_t watermark_ms = 0;
  int64_t length_ms = 0;

  using State = std::pair<WindowKey<K>, WindowValue<V>>;
  std::vector<State> operator()(
      std::pair<WindowKey<K>, std::pair<std::vector<WindowValue<V>>, std::vector<V>>> kv) const {
    auto& [previous, values] = kv.second;
    std::optional<V> value;
    // A window closed by the previous batch has been emitted: it leaves the state.
    if (!previous.empty() && !previous.front().closed()) {
      value = std::move(previous.front().value);
    }
    for (V& v : values) value = value ? reduce(std::move(*value), std::move(v)) : std::move(v);
    if (!value) return {};
    WindowValue<V> next{std::move(*value), 0};
    if (!values.empty()) next.status |= WindowValue<V>::kChanged;
    if (has_watermark && kv.first.second + length_ms <= watermark_ms) {
      next.status |= WindowValue<V>::kClosed;
    }
    return {State(std::move(kv.first), std::move(next))};
  }
};

// What a batch emits of the state, in `mode`. Trivially copyable: shipped as bytes.
template <class K, class V>
struct Emitted {
  OutputMode mode = OutputMode::kUpdate;
  bool operator()(const std::pair<WindowKey<K>, WindowValue<V>>& w) const {
    return mode == OutputMode::kUpdate ? w.second.changed() : w.second.closed();
  }
};
template <class K, class V>
struct WindowResult {
  std::pair<WindowKey<K>, V> operator()(std::pair<WindowKey<K>, WindowValue<V>> w) const {
    return {std::move(w.first), std::move(w.second.value)};
  }
};

// Function objects whose user parts have CENTELLA_FIELDS travel through Serde, each part
// as FunctionSerde ships it; all-plain ones are trivially copyable and ship as bytes.
template <class T, class E, class KeyOf, class ValueOf>
struct Serde<AssignWindows<T, E, KeyOf, ValueOf>,
             std::enable_if_t<!std::is_trivially_copyable_v<AssignWindows<T, E, KeyOf, ValueOf>>>> {
  using A = AssignWindows<T, E, KeyOf, ValueOf>;
  static void Write(ByteWriter& w, const A& a) {
    FunctionSerde<E>::Write(w, a.event_time_of);
    FunctionSerde<KeyOf>::Write(w, a.key_of);
    FunctionSerde<ValueOf>::Write(w, a.value_of);
    Serialize(w, a.length_ms);
    Serialize(w, a.slide_ms);
  }
  static bool Read(ByteReader& r, A* a) {
    std::optional<E> e = FunctionSerde<E>::Read(r);
    std::optional<KeyOf> k = e ? FunctionSerde<KeyOf>::Read(r) : std::nullopt;
    std::optional<ValueOf> v = k ? FunctionSerde<ValueOf>::Read(r) : std::nullopt;
    if (!v || !Deserialize(r, &a->length_ms) || !Deserialize(r, &a->slide_ms)) return false;
    a->event_time_of = std::move(*e);
    a->key_of = std::move(*k);
    a->value_of = std::move(*v);
    return true;
  }
};
template <class K, class V, class F>
struct Serde<WindowStep<K, V, F>, std::enable_if_t<kIsSerializable<F>>> {
  static void Write(ByteWriter& w, const WindowStep<K, V, F>& s) {
    Serialize(w, s.reduce);
    Serialize(w, s.has_watermark);
    Serialize(w, s.watermark_ms);
    Serialize(w, s.length_ms);
  }
  static bool Read(ByteReader& r, WindowStep<K, V, F>* s) {
    return Deserialize(r, &s->reduce) && Deserialize(r, &s->has_watermark) &&
           Deserialize(r, &s->watermark_ms) && Deserialize(r, &s->length_ms);
  }
};

template <class K, class V, class F>
class EventWindowDStream final : public KeyedStateNode<std::pair<WindowKey<K>, WindowValue<V>>> {
 public:
  using State = std::pair<WindowKey<K>, WindowValue<V>>;
  using Input = std::pair<WindowKey<K>, V>;

  // `parent`: each batch's on-time records as ((key, window start), value), reduced.
  EventWindowDStream(Context* ctx, std::shared_ptr<DStreamNode<Input>> parent, F reduce,
                     absl::Duration length, const WatermarkTracker* tracker, int num_partitions,
                     int checkpoint_every, StateStorage<State> storage)
      : KeyedStateNode<State>(absl::StrCat("event_window(", absl::FormatDuration(length), ")"), ctx,
                              parent, num_partitions, checkpoint_every, std::move(storage)),
        parent_(std::move(parent)),
        reduce_(std::move(reduce)),
        length_ms_(absl::ToInt64Milliseconds(length)),
        tracker_(tracker) {}

 protected:
  absl::StatusOr<std::optional<Rdd<State>>> Compute(absl::Time t) override {
    return this->CogroupWithBatch(t, *parent_, [&] {
      WindowStep<K, V, F> step{reduce_};
      step.length_ms = length_ms_;
      // The batch's records were judged by the watermark at its start; windows close by
      // the one its records move it to (WatermarkTracker::After), a batch earlier.
      if (std::optional<absl::Time> wm = tracker_->After(t)) {
        step.has_watermark = true;
        step.watermark_ms = absl::ToUnixMillis(*wm);
      }
      return step;
    });
  }

 private:
  std::shared_ptr<DStreamNode<Input>> parent_;
  F reduce_;
  int64_t length_ms_;
  const WatermarkTracker* tracker_;
};

}  // namespace centella

#endif  // CENTELLA_DRIVER_STREAMING_EVENT_WINDOW_DSTREAM_H_

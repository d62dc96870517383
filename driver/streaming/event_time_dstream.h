// EventTimeDStream<T, E>: a stream with a watermark (DStream::with_watermark) — the
// records that were not late, and windows over their event time.
//
//   auto clicks = kafka.map(ParseClick{}).with_watermark(ClickTime{}, absl::Seconds(10));
//   clicks.count_by_window(CampaignOf{}, absl::Minutes(1))            // tumbling
//         .foreach_batch(...);   // ((campaign, window start ms), count)
//
// Window aggregates are records ((key, window start in ms since the epoch), value); see
// event_window_dstream.h for windows, output modes and when state is evicted, and
// watermark_tracker.h for the watermark and late records. Functions are shipped like
// map's. Event-time windows keep state: they need an RDD checkpoint directory
// (StreamingContext::RddCheckpointDir).
//
// Included by dstream.h (it completes DStream::with_watermark); include that instead.
#ifndef CENTELLA_DRIVER_STREAMING_EVENT_TIME_DSTREAM_H_
#define CENTELLA_DRIVER_STREAMING_EVENT_TIME_DSTREAM_H_

#ifndef CENTELLA_DRIVER_STREAMING_DSTREAM_H_
#error "include driver/streaming/dstream.h, which includes event_time_dstream.h"
#endif

#include <cstdint>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "driver/streaming/event_window_dstream.h"
#include "driver/streaming/stream_input.h"
#include "driver/streaming/watermarked_dstream.h"

namespace centella {

template <class T, class E>
class EventTimeDStream {
 public:
  EventTimeDStream(DStream<T> on_time, E event_time_of)
      : on_time_(std::move(on_time)), event_time_of_(std::move(event_time_of)) {}

  // The records that were not late, batch by batch.
  const DStream<T>& stream() const { return on_time_; }

  // Per key and window: reduce(V, V) -> V over value_of(record) of the records whose
  // event time falls in the window; windows of `length` every `slide` (default: length,
  // tumbling). key_of(const T&) -> K, value_of(const T&) -> V.
  template <class KeyOf, class ValueOf, class F>
  auto reduce_by_window(KeyOf key_of, ValueOf value_of, F reduce, absl::Duration length,
                        absl::Duration slide = absl::ZeroDuration(),
                        OutputMode mode = OutputMode::kUpdate, int num_partitions = 0) const {
    using Assign = AssignWindows<T, E, KeyOf, ValueOf>;
    using K = typename Assign::K;
    using V = typename Assign::V;
    static_assert(kIsShippable<KeyOf> && kIsShippable<ValueOf> && kIsShippable<F>,
                  CENTELLA_SHIPPABLE_MESSAGE);
    static_assert(std::is_invocable_r_v<V, const F&, V, V>,
                  "reduce_by_window: reduce(V, V) must return V, V being value_of's result");
    if (slide == absl::ZeroDuration()) slide = length;
    StreamingContext& ssc = on_time_.context();
    const absl::Duration ms = absl::Milliseconds(1);
    if (length <= absl::ZeroDuration() || slide <= absl::ZeroDuration() || slide > length ||
        length % ms != absl::ZeroDuration() || slide % ms != absl::ZeroDuration()) {
      ssc.AddGraphError(absl::InvalidArgumentError(absl::StrCat(
          "event-time window (length ", absl::FormatDuration(length), ", slide ",
          absl::FormatDuration(slide),
          "): both must be positive whole milliseconds, the slide at most the length")));
      slide = length = absl::Seconds(1);  // a graph that start() refuses anyway
    }
    ssc.RequireRddCheckpointDir("an event-time window");
    Assign assign{event_time_of_, std::move(key_of), std::move(value_of),
                  absl::ToInt64Milliseconds(length), absl::ToInt64Milliseconds(slide)};
    auto batch = on_time_.flat_map(std::move(assign)).reduce_by_key(reduce, num_partitions);
    using State = std::pair<WindowKey<K>, WindowValue<V>>;
    auto node = std::make_shared<EventWindowDStream<K, V, F>>(
        &ssc.context(), batch.node(), std::move(reduce), length, &ssc.watermarks(), num_partitions,
        /*checkpoint_every=*/10, ssc.template StateStorageFor<State>());
    ssc.AddNode(node);
    return DStream<State>(&ssc, std::move(node))
        .filter(Emitted<K, V>{mode})
        .map(WindowResult<K, V>{});
  }

  // How many records of each key fall in each window.
  template <class KeyOf>
  auto count_by_window(KeyOf key_of, absl::Duration length,
                       absl::Duration slide = absl::ZeroDuration(),
                       OutputMode mode = OutputMode::kUpdate, int num_partitions = 0) const {
    return reduce_by_window(std::move(key_of), One{}, Sum{}, length, slide, mode, num_partitions);
  }

 private:
  struct One {
    int64_t operator()(const T&) const { return 1; }
  };
  struct Sum {
    int64_t operator()(int64_t a, int64_t b) const { return a + b; }
  };

  DStream<T> on_time_;
  E event_time_of_;
};

template <class T>
template <class E>
EventTimeDStream<T, E> DStream<T>::with_watermark(E event_time_of, absl::Duration max_delay,
                                                  std::string name) const {
  static_assert(kIsShippable<E>, CENTELLA_SHIPPABLE_MESSAGE);
  static_assert(std::is_invocable_v<const E&, const T&>,
                "with_watermark(event_time_of, ...): event_time_of(const T&) must return an "
                "absl::Time or an integer of ms since the epoch");
  if (max_delay < absl::ZeroDuration()) {
    ssc_->AddGraphError(absl::InvalidArgumentError(absl::StrCat(
        "with_watermark: the delay must not be negative, not ", absl::FormatDuration(max_delay))));
  }
  if (name.empty()) {
    // Named after the inputs it reads from, for the late-record counts.
    std::vector<std::string> inputs;
    std::vector<const DStreamNodeBase*> todo{node_.get()};
    while (!todo.empty()) {
      const DStreamNodeBase* n = todo.back();
      todo.pop_back();
      if (auto* input = dynamic_cast<const StreamInput*>(n)) inputs.push_back(input->input_id());
      for (const auto& p : n->parents()) todo.push_back(p.get());
    }
    std::sort(inputs.begin(), inputs.end());
    inputs.erase(std::unique(inputs.begin(), inputs.end()), inputs.end());
    name = inputs.empty() ? "stream" : absl::StrJoin(inputs, "+");
  }
  const int source = ssc_->watermarks().AddSource(std::move(name), max_delay);
  auto node = std::make_shared<WatermarkedDStream<T, E>>(node_, event_time_of, max_delay,
                                                         &ssc_->watermarks(), source);
  ssc_->AddNode(node);
  return EventTimeDStream<T, E>(DStream<T>(ssc_, std::move(node)), std::move(event_time_of));
}

}  // namespace centella

#endif  // CENTELLA_DRIVER_STREAMING_EVENT_TIME_DSTREAM_H_

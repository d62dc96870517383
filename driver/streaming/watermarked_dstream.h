// WatermarkedDStream<T, E>: the node with_watermark makes — each batch's records whose
// event time is above the stream's watermark, the late ones dropped and counted
// (watermark_tracker.h has the rules).
//
// For batch t it caches the parent's RDD and runs one small job over it that counts the
// late records and finds the largest event time (per partition, folded on the driver),
// reported to the tracker; the node's RDD is the cached one filtered. Counting in a job of
// its own, instead of with accumulators inside the filter, keeps the counts exact when a
// downstream window or a retried stage reads the batch more than once.
#ifndef CENTELLA_DRIVER_STREAMING_WATERMARKED_DSTREAM_H_
#define CENTELLA_DRIVER_STREAMING_WATERMARKED_DSTREAM_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/serde/serde.h"
#include "common/status/status_macros.h"
#include "driver/streaming/dstream_node.h"
#include "driver/streaming/watermark_tracker.h"
#include "engine/plan/shippable_function.h"

namespace centella {

// The event time of a record in ms since the epoch: event_time_of may return an
// absl::Time or an integer of ms.
template <class E, class T>
int64_t EventMillis(const E& event_time_of, const T& record) {
  if constexpr (std::is_same_v<std::decay_t<std::invoke_result_t<const E&, const T&>>,
                               absl::Time>) {
    return absl::ToUnixMillis(event_time_of(record));
  } else {
    return static_cast<int64_t>(event_time_of(record));
  }
}

// Whether a record is kept: event time above the watermark (every record when there is
// none yet). Shipped to executors.
template <class T, class E>
struct OnTime {
  E event_time_of;
  bool has_watermark = false;
  int64_t watermark_ms = 0;
  bool operator()(const T& record) const {
    return !has_watermark || EventMillis(event_time_of, record) > watermark_ms;
  }
};

// One partition's EventTimeStats. Shipped to executors.
template <class T, class E>
struct StatsOf {
  OnTime<T, E> on_time;
  int64_t future_bound_ms = 0;
  std::vector<EventTimeStats> operator()(std::vector<T>&& records) const {
    EventTimeStats stats;
    for (const T& r : records) {
      const int64_t ms = EventMillis(on_time.event_time_of, r);
      if (on_time.has_watermark && ms <= on_time.watermark_ms) {
        ++stats.late;
        continue;
      }
      ++stats.on_time;
      if (ms > future_bound_ms) {
        ++stats.future;
      } else if (ms > stats.max_event_ms) {
        stats.max_event_ms = ms;
      }
    }
    return {stats};
  }
};

// With a function object whose members have CENTELLA_FIELDS, through Serde (a plain
// lambda makes both trivially copyable: shipped as bytes).
template <class T, class E>
struct Serde<OnTime<T, E>, std::enable_if_t<!std::is_trivially_copyable_v<OnTime<T, E>>>> {
  static void Write(ByteWriter& w, const OnTime<T, E>& o) {
    FunctionSerde<E>::Write(w, o.event_time_of);
    Serialize(w, o.has_watermark);
    Serialize(w, o.watermark_ms);
  }
  static bool Read(ByteReader& r, OnTime<T, E>* o) {
    std::optional<E> e = FunctionSerde<E>::Read(r);
    if (!e || !Deserialize(r, &o->has_watermark) || !Deserialize(r, &o->watermark_ms)) {
      return false;
    }
    o->event_time_of = std::move(*e);
    return true;
  }
};
template <class T, class E>
struct Serde<StatsOf<T, E>, std::enable_if_t<!std::is_trivially_copyable_v<StatsOf<T, E>>>> {
  static void Write(ByteWriter& w, const StatsOf<T, E>& s) {
    Serialize(w, s.on_time);
    Serialize(w, s.future_bound_ms);
  }
  static bool Read(ByteReader& r, StatsOf<T, E>* s) {
    return Deserialize(r, &s->on_time) && Deserialize(r, &s->future_bound_ms);
  }
};

template <class T, class E>
class WatermarkedDStream final : public DStreamNode<T> {
 public:
  WatermarkedDStream(std::shared_ptr<DStreamNode<T>> parent, E event_time_of,
                     absl::Duration max_delay, WatermarkTracker* tracker, int source)
      : DStreamNode<T>(absl::StrCat("with_watermark(", absl::FormatDuration(max_delay), ")"),
                       parent->slide(), {parent}),
        parent_(std::move(parent)),
        event_time_of_(std::move(event_time_of)),
        tracker_(tracker),
        source_(source) {}

  void ForgetUpTo(absl::Time t) override {
    for (auto it = cached_.begin(); it != cached_.end() && it->first <= t;) {
      (void)it->second.unpersist();
      it = cached_.erase(it);
    }
    DStreamNode<T>::ForgetUpTo(t);
  }

 protected:
  absl::StatusOr<std::optional<Rdd<T>>> Compute(absl::Time t) override {
    ASSIGN_OR_RETURN(std::optional<Rdd<T>> in, parent_->GetOrCompute(t));
    if (!in) return std::optional<Rdd<T>>();
    OnTime<T, E> keep{event_time_of_};
    if (std::optional<absl::Time> wm = tracker_->current()) {
      keep.has_watermark = true;
      keep.watermark_ms = absl::ToUnixMillis(*wm);
    }
    Rdd<T> cached = in->cache();
    ASSIGN_OR_RETURN(
        std::vector<EventTimeStats> parts,
        cached.map_partitions(StatsOf<T, E>{keep, absl::ToUnixMillis(tracker_->FutureBound())})
            .collect());
    EventTimeStats stats;
    for (const EventTimeStats& p : parts) stats.Merge(p);
    tracker_->Observe(source_, t, stats);
    cached_.emplace(t, cached);
    return std::optional<Rdd<T>>(Rdd<T>(cached.filter(keep)));
  }

 private:
  std::shared_ptr<DStreamNode<T>> parent_;
  E event_time_of_;
  WatermarkTracker* tracker_;
  int source_;
  std::map<absl::Time, Rdd<T>> cached_;
};

}  // namespace centella

#endif  // CENTELLA_DRIVER_STREAMING_WATERMARKED_DSTREAM_H_

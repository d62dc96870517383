// WatermarkTracker: the event-time watermark of a stream and the late records it drops
// (Spark Structured Streaming's watermark, on micro-batches).
//
// Each with_watermark(event_time_of, max_delay) is a source. While batch N is computed,
// every source drops the records whose event time is at or below the watermark as it
// stood at the end of batch N - 1 (current()), and reports the batch's statistics
// (Observe). At the end of batch N, Advance() moves the watermark on:
//
//   source watermark  = (largest event time the source has seen) - its max_delay
//   stream watermark  = max(previous, min over the sources that have seen a record)
//
// so it never moves back, and the slowest input holds it. Event times beyond the clock
// plus centella.streaming.maxFutureSkew do not count towards "largest seen": one record
// from the future (a bad clock, a typo) cannot push the watermark ahead and make every
// honest record late. Until some source has seen a record there is no watermark and
// nothing is late.
//
// Thread safety: every method may be called from any thread.
#ifndef CENTELLA_DRIVER_STREAMING_WATERMARK_TRACKER_H_
#define CENTELLA_DRIVER_STREAMING_WATERMARK_TRACKER_H_

#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/clock/clock.h"
#include "common/serde/serde.h"

namespace centella {

// What one source saw in one batch (or one partition of it: Merge folds them).
struct EventTimeStats {
  static constexpr int64_t kNone = std::numeric_limits<int64_t>::min();
  int64_t max_event_ms = kNone;  // largest event time within the future bound
  int64_t on_time = 0;           // records kept
  int64_t late = 0;              // records at or below the watermark: dropped
  int64_t future = 0;            // kept, but beyond the future bound: ignored for the max
  void Merge(const EventTimeStats& other);
  CENTELLA_FIELDS(max_event_ms, on_time, late, future)
};

// The watermark after a batch and what the batch dropped, for BatchInfo.
struct BatchWatermark {
  std::optional<absl::Time> watermark;
  std::map<std::string, int64_t> late_records;  // by source name; every source listed
};

class WatermarkTracker {
 public:
  WatermarkTracker(Clock* clock, absl::Duration max_future_skew)
      : clock_(clock), max_future_skew_(max_future_skew) {}

  // A with_watermark source, declared with the graph; returns its index for Observe.
  // Names are unique: a repeated one gets "#2", "#3" appended.
  int AddSource(std::string name, absl::Duration max_delay);
  bool has_sources() const;

  // The watermark of the batch being computed (nullopt: none yet, nothing is late).
  std::optional<absl::Time> current() const;
  // Event times above it do not move the watermark (the clock plus the skew).
  absl::Time FutureBound() const { return clock_->Now() + max_future_skew_; }

  // Source `source`'s statistics for batch time `batch` (once per batch and source).
  void Observe(int source, absl::Time batch, const EventTimeStats& stats);
  // The end of batch `batch`: folds in what its sources observed and moves the watermark.
  BatchWatermark Advance(absl::Time batch);
  // What Advance(batch) will make the watermark, from what the batch's sources have
  // observed so far (a source not yet computed counts with what it saw before, so this is
  // never above the final value). Event-time windows close by it within the batch: a
  // window whose end it has passed can get no more records, since every later record in
  // it would be at or below the watermark of the next batch, hence late.
  std::optional<absl::Time> After(absl::Time batch) const;

  // Late records dropped since the stream began (across restarts), by source.
  std::map<std::string, int64_t> late_records() const;

  // The tracker's state for a checkpoint commit, and back. Restore refuses (DataLoss) a
  // record that does not decode and (FailedPrecondition) one whose sources differ.
  std::string Serialize() const;
  absl::Status Restore(std::string_view record);

 private:
  struct Source {
    std::string name;
    absl::Duration max_delay;
    int64_t max_event_ms = EventTimeStats::kNone;
    int64_t late_total = 0;
    std::map<absl::Time, EventTimeStats> pending;  // observed, not yet advanced
  };

  Clock* const clock_;
  const absl::Duration max_future_skew_;
  mutable absl::Mutex mu_;
  std::vector<Source> sources_ ABSL_GUARDED_BY(mu_);
  std::optional<int64_t> watermark_ms_ ABSL_GUARDED_BY(mu_);
};

}  // namespace centella

#endif  // CENTELLA_DRIVER_STREAMING_WATERMARK_TRACKER_H_

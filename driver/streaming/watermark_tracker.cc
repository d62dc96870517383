#include "driver/streaming/watermark_tracker.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace centella {
namespace {

// The checkpointed part of the tracker.
struct SourceRecord {
  std::string name;
  int64_t max_event_ms = EventTimeStats::kNone;
  int64_t late_total = 0;
  CENTELLA_FIELDS(name, max_event_ms, late_total)
};
struct TrackerRecord {
  bool has_watermark = false;
  int64_t watermark_ms = 0;
  std::vector<SourceRecord> sources;
  CENTELLA_FIELDS(has_watermark, watermark_ms, sources)
};

}  // namespace

void EventTimeStats::Merge(const EventTimeStats& other) {
  max_event_ms = std::max(max_event_ms, other.max_event_ms);
  on_time += other.on_time;
  late += other.late;
  future += other.future;
}

int WatermarkTracker::AddSource(std::string name, absl::Duration max_delay) {
  absl::MutexLock lock(&mu_);
  auto taken = [this](const std::string& n) {
    return std::any_of(sources_.begin(), sources_.end(),
                       [&n](const Source& s) { return s.name == n; });
  };
  std::string unique = name;
  for (int k = 2; taken(unique); ++k) unique = absl::StrCat(name, "#", k);
  Source& source = sources_.emplace_back();
  source.name = std::move(unique);
  source.max_delay = max_delay;
  return static_cast<int>(sources_.size()) - 1;
}

bool WatermarkTracker::has_sources() const {
  absl::MutexLock lock(&mu_);
  return !sources_.empty();
}

std::optional<absl::Time> WatermarkTracker::current() const {
  absl::MutexLock lock(&mu_);
  if (!watermark_ms_) return std::nullopt;
  return absl::FromUnixMillis(*watermark_ms_);
}

void WatermarkTracker::Observe(int source, absl::Time batch, const EventTimeStats& stats) {
  absl::MutexLock lock(&mu_);
  if (source < 0 || source >= static_cast<int>(sources_.size())) return;
  sources_[source].pending[batch].Merge(stats);
}

BatchWatermark WatermarkTracker::Advance(absl::Time batch) {
  absl::MutexLock lock(&mu_);
  BatchWatermark out;
  std::optional<int64_t> candidate;
  for (Source& s : sources_) {
    int64_t late = 0;
    // A batch that did not compute this source (or an older one left behind by a failed
    // batch) leaves nothing pending beyond it.
    for (auto it = s.pending.begin(); it != s.pending.end() && it->first <= batch;) {
      s.max_event_ms = std::max(s.max_event_ms, it->second.max_event_ms);
      late += it->second.late;
      it = s.pending.erase(it);
    }
    s.late_total += late;
    out.late_records[s.name] = late;
    if (s.max_event_ms == EventTimeStats::kNone) continue;
    const int64_t wm = s.max_event_ms - absl::ToInt64Milliseconds(s.max_delay);
    candidate = candidate ? std::min(*candidate, wm) : wm;
  }
  if (candidate && (!watermark_ms_ || *candidate > *watermark_ms_)) watermark_ms_ = candidate;
  if (watermark_ms_) out.watermark = absl::FromUnixMillis(*watermark_ms_);
  return out;
}

std::optional<absl::Time> WatermarkTracker::After(absl::Time batch) const {
  absl::MutexLock lock(&mu_);
  std::optional<int64_t> candidate;
  for (const Source& s : sources_) {
    int64_t max_event = s.max_event_ms;
    for (auto it = s.pending.begin(); it != s.pending.end() && it->first <= batch; ++it) {
      max_event = std::max(max_event, it->second.max_event_ms);
    }
    if (max_event == EventTimeStats::kNone) continue;
    const int64_t wm = max_event - absl::ToInt64Milliseconds(s.max_delay);
    candidate = candidate ? std::min(*candidate, wm) : wm;
  }
  std::optional<int64_t> out = watermark_ms_;
  if (candidate && (!out || *candidate > *out)) out = candidate;
  if (!out) return std::nullopt;
  return absl::FromUnixMillis(*out);
}

std::map<std::string, int64_t> WatermarkTracker::late_records() const {
  absl::MutexLock lock(&mu_);
  std::map<std::string, int64_t> out;
  for (const Source& s : sources_) out[s.name] = s.late_total;
  return out;
}

std::string WatermarkTracker::Serialize() const {
  absl::MutexLock lock(&mu_);
  TrackerRecord record;
  record.has_watermark = watermark_ms_.has_value();
  record.watermark_ms = watermark_ms_.value_or(0);
  for (const Source& s : sources_) {
    record.sources.push_back(SourceRecord{s.name, s.max_event_ms, s.late_total});
  }
  return SerializeToString(record);
}

absl::Status WatermarkTracker::Restore(std::string_view bytes) {
  TrackerRecord record;
  if (!DeserializeFromString(bytes, &record).ok()) {
    return absl::DataLossError("the watermark record in the checkpoint does not decode");
  }
  absl::MutexLock lock(&mu_);
  std::vector<std::string> names;
  for (const Source& s : sources_) names.push_back(s.name);
  std::vector<std::string> recorded;
  for (const SourceRecord& s : record.sources) recorded.push_back(s.name);
  if (names != recorded) {
    return absl::FailedPreconditionError(
        absl::StrCat("the checkpoint's watermark sources are [", absl::StrJoin(recorded, ", "),
                     "] but this program declares [", absl::StrJoin(names, ", "), "]"));
  }
  for (size_t i = 0; i < sources_.size(); ++i) {
    sources_[i].max_event_ms = record.sources[i].max_event_ms;
    sources_[i].late_total = record.sources[i].late_total;
    sources_[i].pending.clear();
  }
  watermark_ms_.reset();
  if (record.has_watermark) watermark_ms_ = record.watermark_ms;
  return absl::OkStatus();
}

}  // namespace centella

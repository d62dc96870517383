#include "driver/streaming/stream_event_log.h"

#include <utility>

#include "absl/time/time.h"
#include "common/status/status_macros.h"
#include "nlohmann/json.hpp"

namespace centella {

absl::StatusOr<std::unique_ptr<StreamEventLog>> StreamEventLog::Open(const std::string& dir,
                                                                     const std::string& app_id,
                                                                     Clock& clock) {
  ASSIGN_OR_RETURN(std::unique_ptr<EventLogFile> file, EventLogFile::Open(dir, app_id));
  return std::unique_ptr<StreamEventLog>(new StreamEventLog(std::move(file), clock));
}

StreamEventLog::~StreamEventLog() = default;

void StreamEventLog::OnBatchCompleted(const BatchInfo& b) {
  auto ms = [](absl::Duration d) { return absl::ToInt64Milliseconds(d); };
  nlohmann::json e{{"event", "StreamingBatchCompleted"},
                   {"time_us", absl::ToUnixMicros(clock_.Now())},
                   {"stream_id", b.stream_id},
                   {"batch", b.batch_id},
                   {"batch_time_ms", absl::ToUnixMillis(b.batch_time)},
                   {"ok", b.status.ok()},
                   {"error", std::string(b.status.message())},
                   {"scheduling_delay_ms", ms(b.scheduling_delay())},
                   {"processing_ms", ms(b.processing_time())},
                   {"total_delay_ms", ms(b.total_delay())},
                   {"input_records", b.input_records},
                   {"offsets", b.input_offsets},
                   {"late_records", b.late_records}};
  e["watermark_ms"] = b.watermark ? nlohmann::json(absl::ToUnixMillis(*b.watermark)) : nullptr;
  file_->Append(e);
}

}  // namespace centella

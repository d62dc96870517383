// StreamEventLog: every completed batch of a stream as one JSON line in the application's
// event log, <centella.eventLog.dir>/<app id>.jsonl, beside the scheduler's jobs, stages
// and tasks (driver/ui/event_log.h) — what the streaming web UI and REST API are built
// from:
//
//   {"event":"StreamingBatchCompleted","time_us":…,"stream_id":"…","batch":12,
//    "batch_time_ms":…,"ok":true,"error":"", "scheduling_delay_ms":…,"processing_ms":…,
//    "total_delay_ms":…,"input_records":{"kafka:words":5000},
//    "offsets":{"kafka:words":"words/0:[120,180) …"},"watermark_ms":… or null,
//    "late_records":{"kafka:words":3}}
//
// Lines go through EventLogFile (whole lines, interleaved with the scheduler's; write errors
// never fail a batch).
#ifndef CENTELLA_DRIVER_STREAMING_STREAM_EVENT_LOG_H_
#define CENTELLA_DRIVER_STREAMING_STREAM_EVENT_LOG_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "common/clock/clock.h"
#include "driver/streaming/streaming_listener.h"
#include "driver/ui/event_log_file.h"

namespace centella {

class StreamEventLog final : public StreamingListener {
 public:
  // Opens <dir>/<app_id>.jsonl for appending (creating `dir`).
  static absl::StatusOr<std::unique_ptr<StreamEventLog>> Open(const std::string& dir,
                                                              const std::string& app_id,
                                                              Clock& clock = RealClock());
  ~StreamEventLog() override;

  const std::string& path() const { return file_->path(); }
  void OnBatchCompleted(const BatchInfo& batch) override;

 private:
  StreamEventLog(std::unique_ptr<EventLogFile> file, Clock& clock)
      : file_(std::move(file)), clock_(clock) {}

  std::unique_ptr<EventLogFile> file_;
  Clock& clock_;
};

}  // namespace centella

#endif  // CENTELLA_DRIVER_STREAMING_STREAM_EVENT_LOG_H_

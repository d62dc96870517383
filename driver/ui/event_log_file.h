// EventLogFile: an application's event log file, <dir>/<app id>.jsonl, appended to one
// JSON object per line — shared by the scheduler's EventLog and the streams' batch
// events (driver/streaming/stream_event_log.h).
//
// Opened with O_APPEND and written with one write(2) per line, so writers in the same
// process interleave whole lines, a reader tailing the file sees whole lines, and a driver
// killed at any moment leaves every event before its death. Write errors are logged once
// and then ignored: the log must never fail a job.
//
// Thread safety: Append may be called from any thread.
#ifndef CENTELLA_DRIVER_UI_EVENT_LOG_FILE_H_
#define CENTELLA_DRIVER_UI_EVENT_LOG_FILE_H_

#include <atomic>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"

namespace centella {

class EventLogFile {
 public:
  // Creates `dir` if needed and opens <dir>/<app_id>.jsonl for appending.
  // FailedPrecondition naming the directory (and centella.eventLog.dir) when it cannot.
  static absl::StatusOr<std::unique_ptr<EventLogFile>> Open(const std::string& dir,
                                                            const std::string& app_id);
  ~EventLogFile();
  EventLogFile(const EventLogFile&) = delete;
  EventLogFile& operator=(const EventLogFile&) = delete;

  const std::string& path() const { return path_; }
  void Append(const nlohmann::json& event);

 private:
  EventLogFile(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}

  const std::string path_;
  const int fd_;
  std::atomic<bool> write_failed_{false};
};

}  // namespace centella

#endif  // CENTELLA_DRIVER_UI_EVENT_LOG_FILE_H_

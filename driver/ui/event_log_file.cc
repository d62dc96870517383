#include "driver/ui/event_log_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <system_error>

#include "absl/strings/str_cat.h"
#include "common/logging/logger.h"
#include "common/storage/fd_io.h"

namespace centella {
namespace {

std::shared_ptr<spdlog::logger> Log() { return GetLogger("event-log"); }

}  // namespace

absl::StatusOr<std::unique_ptr<EventLogFile>> EventLogFile::Open(const std::string& dir,
                                                                 const std::string& app_id) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    return absl::FailedPreconditionError(absl::StrCat("cannot create the event log directory ", dir,
                                                      " (centella.eventLog.dir): ", ec.message()));
  }
  std::string path = absl::StrCat(dir, "/", app_id, ".jsonl");
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) return ErrnoStatus(errno, "cannot open the event log", path);
  return std::unique_ptr<EventLogFile>(new EventLogFile(std::move(path), fd));
}

EventLogFile::~EventLogFile() { ::close(fd_); }

void EventLogFile::Append(const nlohmann::json& event) {
  if (write_failed_) return;
  // Invalid UTF-8 (an error message quoting bytes) is replaced rather than thrown on.
  absl::Status s = WriteFully(
      fd_, event.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n", path_);
  if (!s.ok() && !write_failed_.exchange(true)) {
    Log()->error("event log disabled for the rest of the application: {}",
                 std::string(s.message()));
  }
}

}  // namespace centella

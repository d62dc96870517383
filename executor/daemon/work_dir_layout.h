// WorkDirLayout: where things live under a daemon's --work-dir (docs/cluster.md, "Daemon
// work directory"), and the check that ids coming over the wire are safe to use as path
// components (no "..", no "/").
//
// A value type; thread-safe.
#ifndef CENTELLA_EXECUTOR_DAEMON_WORK_DIR_LAYOUT_H_
#define CENTELLA_EXECUTOR_DAEMON_WORK_DIR_LAYOUT_H_

#include <string>

#include "absl/status/status.h"

namespace centella {

class WorkDirLayout {
 public:
  // `root` must be absolute.
  explicit WorkDirLayout(std::string root) : root_(std::move(root)) {}

  const std::string& root() const { return root_; }
  std::string BinariesDir() const { return root_ + "/binaries"; }
  std::string AppDir(const std::string& app_id) const { return root_ + "/apps/" + app_id; }
  std::string ShuffleDir(const std::string& app_id) const { return AppDir(app_id) + "/shuffle"; }
  std::string ExecutorDir(const std::string& app_id, const std::string& executor_id) const {
    return AppDir(app_id) + "/" + executor_id;
  }
  std::string DriverDir(const std::string& driver_id) const {
    return root_ + "/drivers/" + driver_id;
  }

  // OK when `id` is non-empty, at most 128 characters of [A-Za-z0-9._-], not "." or "..",
  // and not "shuffle" (which would collide with the app's shuffle directory).
  // InvalidArgument naming `what` ("app_id", ...) otherwise.
  static absl::Status CheckId(const std::string& id, const char* what);

 private:
  std::string root_;
};

}  // namespace centella

#endif  // CENTELLA_EXECUTOR_DAEMON_WORK_DIR_LAYOUT_H_

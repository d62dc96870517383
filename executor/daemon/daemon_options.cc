#include "executor/daemon/daemon_options.h"

#include "absl/strings/str_cat.h"

namespace centella {

std::string DaemonId(const std::string& host, int port) {
  return absl::StrCat("daemon-", host, "-", port);
}

}  // namespace centella

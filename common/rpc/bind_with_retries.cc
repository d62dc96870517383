#include "common/rpc/bind_with_retries.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/logging/logger.h"

namespace centella {

absl::StatusOr<int> BindWithRetries(const BindAttempts& attempts,
                                    absl::FunctionRef<int(int port)> bind) {
  constexpr int kMaxPort = 65535;
  if (attempts.port < 0 || attempts.port > kMaxPort) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid port ", attempts.port, " for the ", attempts.server));
  }
  if (attempts.max_retries < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid port retries ", attempts.max_retries, " for the ", attempts.server));
  }
  if (attempts.port == 0) {
    const int bound = bind(0);
    if (bound > 0) return bound;
    return absl::UnavailableError(
        absl::StrCat("cannot bind the ", attempts.server, " to a free port on ", attempts.host));
  }
  const int last = std::min(kMaxPort, attempts.port + attempts.max_retries);
  for (int port = attempts.port; port <= last; ++port) {
    const int bound = bind(port);
    if (bound > 0) return bound;
    if (port < last) {
      GetLogger(attempts.component)
          ->warn("the {} could not bind {}:{}; attempting port {}", attempts.server, attempts.host,
                 port, port + 1);
    }
  }
  const std::string tried = last == attempts.port
                                ? absl::StrCat("port ", last)
                                : absl::StrCat("ports ", attempts.port, "-", last, " (",
                                               last - attempts.port + 1, " tried)");
  return absl::UnavailableError(absl::StrCat("cannot bind the ", attempts.server, " on ",
                                             attempts.host, ": ", tried,
                                             " in use or not bindable; choose another port or "
                                             "allow more port retries"));
}

}  // namespace centella

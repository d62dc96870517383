#include "driver/runtime/master_url.h"

#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace centella {
namespace {

absl::Status Invalid(absl::string_view text, absl::string_view why) {
  return absl::InvalidArgumentError(
      absl::StrCat("invalid master \"", text, "\": ", why,
                   " (expected local, local[N], local[*] or centella://host:port)"));
}

}  // namespace

absl::StatusOr<MasterUrl> ParseMasterUrl(std::string_view text_in) {
  absl::string_view text(text_in.data(), text_in.size());
  MasterUrl url;
  url.text = std::string(text);
  if (text == "local") return url;
  absl::string_view rest = text;
  if (absl::ConsumePrefix(&rest, "local[")) {
    if (!absl::ConsumeSuffix(&rest, "]")) return Invalid(text, "missing ']'");
    if (rest == "*") {
      url.threads = std::max(1u, std::thread::hardware_concurrency());
      return url;
    }
    int n;
    if (!absl::SimpleAtoi(rest, &n) || n < 1) {
      return Invalid(text, "the thread count must be a positive integer or *");
    }
    url.threads = n;
    return url;
  }
  if (absl::ConsumePrefix(&rest, "centella://")) {
    size_t colon = rest.rfind(':');
    if (colon == absl::string_view::npos || colon == 0) return Invalid(text, "missing host:port");
    int port;
    if (!absl::SimpleAtoi(rest.substr(colon + 1), &port) || port < 1 || port > 65535) {
      return Invalid(text, "the port must be a number from 1 to 65535");
    }
    url.kind = MasterUrl::Kind::kCluster;
    url.host = std::string(rest.substr(0, colon));
    url.port = port;
    return url;
  }
  return Invalid(text, "unknown scheme");
}

}  // namespace centella

#include "engine/shuffle/fetch_failure.h"

#include "absl/strings/cord.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace centella {
namespace {
constexpr char kPayloadUrl[] = "type.centella.dev/FetchFailure";
}  // namespace

absl::Status FetchFailedError(const FetchFailureInfo& info, std::string_view detail) {
  absl::Status s = absl::UnavailableError(
      absl::StrCat("fetch failed for shuffle ", info.shuffle_id, " map ", info.map_id, " reduce ",
                   info.reduce_id, info.address.empty() ? "" : absl::StrCat(" from ", info.address),
                   ": ", std::string(detail)));
  s.SetPayload(kPayloadUrl,
               absl::Cord(absl::StrCat(info.shuffle_id, "\t", info.map_id, "\t", info.reduce_id,
                                       "\t", info.address, "\t", info.server_unreachable ? 1 : 0)));
  return s;
}

std::optional<FetchFailureInfo> GetFetchFailure(const absl::Status& status) {
  auto payload = status.GetPayload(kPayloadUrl);
  if (!payload) return std::nullopt;
  std::vector<std::string> parts = absl::StrSplit(std::string(*payload), '\t');
  FetchFailureInfo info;
  int unreachable = 0;
  if (parts.size() != 5 || !absl::SimpleAtoi(parts[4], &unreachable) ||
      !absl::SimpleAtoi(parts[0], &info.shuffle_id) || !absl::SimpleAtoi(parts[1], &info.map_id) ||
      !absl::SimpleAtoi(parts[2], &info.reduce_id)) {
    return std::nullopt;
  }
  info.address = parts[3];
  info.server_unreachable = unreachable != 0;
  return info;
}

}  // namespace centella

#include "engine/rdd/checkpoint_file.h"

#include <xxhash.h>

#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace centella {

std::string CheckpointPartName(int partition) { return absl::StrFormat("part-%05d", partition); }

std::string EncodeCheckpointPart(std::string_view payload) {
  const uint64_t sum = XXH3_64bits(payload.data(), payload.size());
  std::string out(sizeof(sum), '\0');
  std::memcpy(out.data(), &sum, sizeof(sum));
  out.append(payload);
  return out;
}

absl::StatusOr<std::string_view> DecodeCheckpointPart(std::string_view file,
                                                      const std::string& path) {
  uint64_t sum = 0;
  if (file.size() < sizeof(sum)) {
    return absl::DataLossError(absl::StrCat("checkpoint file ", path, " is truncated"));
  }
  std::memcpy(&sum, file.data(), sizeof(sum));
  std::string_view payload = file.substr(sizeof(sum));
  if (XXH3_64bits(payload.data(), payload.size()) != sum) {
    return absl::DataLossError(
        absl::StrCat("checkpoint file ", path, " is corrupt (checksum mismatch)"));
  }
  return payload;
}

}  // namespace centella

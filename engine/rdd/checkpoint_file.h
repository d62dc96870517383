// Checkpoint files: one per partition of a checkpointed RDD,
//   <checkpoint dir>/<app id>/rdd-<id>/part-NNNNN
// holding the XXH3-64 checksum of the payload (8 bytes, little-endian) and then the payload,
// the Serde encoding of the partition's std::vector of records. Written atomically (see
// Storage::WriteAtomic); a wrong checksum is DataLoss naming the file, never bad records.
#ifndef CENTELLA_ENGINE_RDD_CHECKPOINT_FILE_H_
#define CENTELLA_ENGINE_RDD_CHECKPOINT_FILE_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace centella {

// "part-00007" for partition 7.
std::string CheckpointPartName(int partition);

// The file's bytes for `payload`.
std::string EncodeCheckpointPart(std::string_view payload);

// The payload inside `file` (a view into it). DataLoss naming `path` when the file is
// short or its checksum does not match.
absl::StatusOr<std::string_view> DecodeCheckpointPart(std::string_view file,
                                                      const std::string& path);

}  // namespace centella

#endif  // CENTELLA_ENGINE_RDD_CHECKPOINT_FILE_H_

// TextFileNode: the lines of text files, split into partitions by byte ranges.
//
// A partition is a byte range [start, end) of one file. A line belongs to the range in
// which it starts, so a range that starts inside a line skips that line's remainder and
// the last line of a range may run past its end. Lines end at "\n"; a "\r" before it is
// dropped; the final line needs no terminator.
//
// Compressed files ("*.gz", "*.zst"; see engine/io/input_file.h) are decompressed while
// read. They cannot be read from the middle, so each is one whole-file partition. An
// empty (zero-byte) file has no lines, whatever its name.
#ifndef CENTELLA_ENGINE_RDD_TEXT_FILE_NODE_H_
#define CENTELLA_ENGINE_RDD_TEXT_FILE_NODE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/serde/serde.h"
#include "engine/io/input_file.h"
#include "engine/plan/operator_registry.h"
#include "engine/task/node.h"

namespace centella {

struct FileSplit {
  std::string path;
  uint64_t start = 0;
  uint64_t length = 0;
  // Not kNone: the split is the whole file (start 0, length its size), decompressed.
  FileCompression compression = FileCompression::kNone;
  CENTELLA_FIELDS(path, start, length, compression)
};

// Expands `pattern` (a file, a directory, or a glob) into the sorted list of readable
// input files. Files in a directory whose names start with '.' or '_' are skipped (such
// as _SUCCESS). Errors name the path: NotFound when nothing exists/matches,
// PermissionDenied when a file cannot be read.
absl::StatusOr<std::vector<std::string>> ListInputFiles(const std::string& pattern);

// Cuts `files` into byte ranges of at most `max_split_bytes`, aiming for at least
// `min_partitions` ranges in total. An empty file yields one empty range, a compressed
// file one range over all of it.
absl::StatusOr<std::vector<FileSplit>> ComputeSplits(const std::vector<std::string>& files,
                                                     int min_partitions, uint64_t max_split_bytes);

class TextFileNode final : public RegisteredPlanObject<TextFileNode, Node<std::string>> {
 public:
  explicit TextFileNode(std::vector<FileSplit> splits) : splits_(std::move(splits)) {}

  std::string_view op_name() const override { return "text_file"; }
  void SerializeState(std::string* out) const override;
  static absl::StatusOr<std::unique_ptr<PlanObject>> FromState(std::string_view state);

  absl::Status Compute(TaskContext& ctx, int partition, BatchSink<std::string>& out) const override;

  const std::vector<FileSplit>& splits() const { return splits_; }

 private:
  std::vector<FileSplit> splits_;
};

}  // namespace centella

#endif  // CENTELLA_ENGINE_RDD_TEXT_FILE_NODE_H_

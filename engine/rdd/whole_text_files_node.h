// WholeTextFilesNode: one record per input file, (its path, all of its content).
//
// A partition is a group of whole files. Contents are bytes as stored (no line handling),
// decompressed when the name says so ("*.gz", "*.zst"; see engine/io/input_file.h).
// Paths are as the driver listed them (absolute, since Context makes the pattern
// absolute). Every file of a partition is held in memory while it is emitted, so this is
// for many small files, as in Spark.
#ifndef CENTELLA_ENGINE_RDD_WHOLE_TEXT_FILES_NODE_H_
#define CENTELLA_ENGINE_RDD_WHOLE_TEXT_FILES_NODE_H_

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/plan/operator_registry.h"
#include "engine/task/node.h"

namespace centella {

// Cost of a file in bytes when balancing groups, on top of its size: opening a file costs
// about as much as reading this many bytes (Spark's spark.files.openCostInBytes is 4 MiB;
// ours is smaller because whole files are small by assumption). It keeps a directory of
// many tiny or empty files from landing in one partition.
inline constexpr uint64_t kWholeFileOpenCost = 4096;

// Groups `files` (in their order) into at most `max_groups` contiguous, non-empty groups of
// about equal cost (size + kWholeFileOpenCost each). No files, no groups. NotFound naming
// a file that cannot be stat'ed.
absl::StatusOr<std::vector<std::vector<std::string>>> GroupWholeFiles(
    const std::vector<std::string>& files, int max_groups);

class WholeTextFilesNode final
    : public RegisteredPlanObject<WholeTextFilesNode, Node<std::pair<std::string, std::string>>> {
 public:
  explicit WholeTextFilesNode(std::vector<std::vector<std::string>> groups)
      : groups_(std::move(groups)) {}

  std::string_view op_name() const override { return "whole_text_files"; }
  void SerializeState(std::string* out) const override;
  static absl::StatusOr<std::unique_ptr<PlanObject>> FromState(std::string_view state);

  // Errors: Unavailable when a file cannot be opened or read, DataLoss when a compressed
  // one cannot be decoded; both name the file.
  absl::Status Compute(TaskContext& ctx, int partition,
                       BatchSink<std::pair<std::string, std::string>>& out) const override;

  const std::vector<std::vector<std::string>>& groups() const { return groups_; }

 private:
  std::vector<std::vector<std::string>> groups_;
};

}  // namespace centella

#endif  // CENTELLA_ENGINE_RDD_WHOLE_TEXT_FILES_NODE_H_

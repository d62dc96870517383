#include "engine/rdd/whole_text_files_node.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "common/serde/serde.h"
#include "common/status/status_macros.h"
#include "engine/io/input_file.h"
#include "engine/rdd/plan_state.h"
#include "engine/rdd/run_pipeline.h"

namespace centella {
namespace {

constexpr size_t kReadChunk = 1 << 20;
// A batch is handed on once it holds this many content bytes, so that a partition of
// large files is not all in memory at once.
constexpr size_t kBatchBytes = 16 << 20;

absl::StatusOr<std::string> ReadWholeFile(const std::string& path, uint64_t size_hint) {
  ASSIGN_OR_RETURN(std::unique_ptr<InputStream> in, OpenInputFile(path, CompressionOfPath(path)));
  std::string content;
  content.reserve(size_hint);
  size_t filled = 0;
  while (true) {
    if (content.size() - filled < kReadChunk) content.resize(filled + kReadChunk);
    ASSIGN_OR_RETURN(size_t n, in->Read(content.data() + filled, content.size() - filled));
    if (n == 0) break;
    filled += n;
  }
  content.resize(filled);
  return content;
}

}  // namespace

absl::StatusOr<std::vector<std::vector<std::string>>> GroupWholeFiles(
    const std::vector<std::string>& files, int max_groups) {
  std::vector<uint64_t> costs;
  uint64_t total = 0;
  for (const std::string& f : files) {
    struct stat st;
    if (::stat(f.c_str(), &st) != 0) {
      return absl::NotFoundError(
          absl::StrCat("cannot stat input file ", f, ": ", std::strerror(errno)));
    }
    costs.push_back(static_cast<uint64_t>(st.st_size) + kWholeFileOpenCost);
    total += costs.back();
  }
  std::vector<std::vector<std::string>> groups;
  if (files.empty()) return groups;
  const uint64_t n = static_cast<uint64_t>(std::max(1, max_groups));
  // A group closes once it reaches the goal, so every closed group holds at least total/n
  // and there are at most n of them (a last, open group exists only if some cost is left).
  const uint64_t goal = (total + n - 1) / n;
  uint64_t group_cost = 0;
  for (size_t i = 0; i < files.size(); ++i) {
    if (group_cost == 0) groups.emplace_back();
    groups.back().push_back(files[i]);
    group_cost += costs[i];
    if (group_cost >= goal) group_cost = 0;
  }
  return groups;
}

void WholeTextFilesNode::SerializeState(std::string* out) const {
  ByteWriter w(out);
  Serialize(w, groups_);
}

absl::StatusOr<std::unique_ptr<PlanObject>> WholeTextFilesNode::FromState(std::string_view state) {
  return ReadPlanState(state, [](ByteReader& r) -> std::unique_ptr<PlanObject> {
    std::vector<std::vector<std::string>> groups;
    if (!Deserialize(r, &groups)) return nullptr;
    return std::make_unique<WholeTextFilesNode>(std::move(groups));
  });
}

absl::Status WholeTextFilesNode::Compute(
    TaskContext& ctx, int partition, BatchSink<std::pair<std::string, std::string>>& out) const {
  if (partition < 0 || partition >= static_cast<int>(groups_.size())) {
    return absl::InvalidArgumentError(
        absl::StrCat("whole_text_files has no partition ", partition));
  }
  std::vector<std::pair<std::string, std::string>> batch;
  size_t batch_bytes = 0;
  int64_t bytes = 0;
  for (const std::string& path : groups_[partition]) {
    struct stat st;
    uint64_t size_hint = ::stat(path.c_str(), &st) == 0 ? static_cast<uint64_t>(st.st_size) : 0;
    ASSIGN_OR_RETURN(std::string content, ReadWholeFile(path, size_hint));
    bytes += static_cast<int64_t>(content.size());
    batch_bytes += content.size();
    batch.emplace_back(path, std::move(content));
    if (batch.size() >= kBatchSize || batch_bytes >= kBatchBytes) {
      batch_bytes = 0;
      if (!FlushBatch(batch, out)) break;
    }
  }
  if (!batch.empty()) FlushBatch(batch, out);
  ctx.metrics().set_bytes_read(ctx.metrics().bytes_read() + bytes);
  return absl::OkStatus();
}

}  // namespace centella

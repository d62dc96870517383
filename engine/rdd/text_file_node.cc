#include "engine/rdd/text_file_node.h"

#include <glob.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <limits>

#include "absl/strings/str_cat.h"
#include "common/status/status_macros.h"
#include "engine/io/line_reader.h"
#include "engine/rdd/plan_state.h"
#include "engine/rdd/run_pipeline.h"

namespace centella {
namespace {

constexpr size_t kReadChunk = 1 << 20;

absl::Status CheckReadable(const std::string& path) {
  if (::access(path.c_str(), R_OK) != 0) {
    int err = errno;
    std::string msg = absl::StrCat("cannot read input file ", path, ": ", std::strerror(err));
    return err == ENOENT ? absl::NotFoundError(msg) : absl::PermissionDeniedError(msg);
  }
  return absl::OkStatus();
}

absl::Status AddPath(const std::string& path, std::vector<std::string>* files) {
  std::error_code ec;
  auto status = std::filesystem::status(path, ec);
  if (ec || !std::filesystem::exists(status)) {
    return absl::NotFoundError(absl::StrCat("input path does not exist: ", path));
  }
  if (std::filesystem::is_directory(status)) {
    std::vector<std::string> found;
    for (const auto& entry : std::filesystem::directory_iterator(path, ec)) {
      std::string name = entry.path().filename().string();
      if (name.empty() || name[0] == '.' || name[0] == '_') continue;
      if (!entry.is_regular_file()) continue;
      found.push_back(entry.path().string());
    }
    if (ec) {
      return absl::PermissionDeniedError(absl::StrCat("cannot list ", path, ": ", ec.message()));
    }
    std::sort(found.begin(), found.end());
    for (std::string& f : found) {
      absl::Status s = CheckReadable(f);
      if (!s.ok()) return s;
      files->push_back(std::move(f));
    }
    return absl::OkStatus();
  }
  absl::Status s = CheckReadable(path);
  if (!s.ok()) return s;
  files->push_back(path);
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::vector<std::string>> ListInputFiles(const std::string& pattern) {
  std::vector<std::string> files;
  if (pattern.find_first_of("*?[") == std::string::npos) {
    absl::Status s = AddPath(pattern, &files);
    if (!s.ok()) return s;
    return files;
  }
  glob_t g{};
  int rc = ::glob(pattern.c_str(), 0, nullptr, &g);
  if (rc == GLOB_NOMATCH) {
    globfree(&g);
    return absl::NotFoundError(absl::StrCat("input pattern matches no files: ", pattern));
  }
  if (rc != 0) {
    globfree(&g);
    return absl::InvalidArgumentError(absl::StrCat("cannot expand input pattern ", pattern));
  }
  std::vector<std::string> matches(g.gl_pathv, g.gl_pathv + g.gl_pathc);
  globfree(&g);
  for (const std::string& m : matches) {
    absl::Status s = AddPath(m, &files);
    if (!s.ok()) return s;
  }
  return files;
}

absl::StatusOr<std::vector<FileSplit>> ComputeSplits(const std::vector<std::string>& files,
                                                     int min_partitions, uint64_t max_split_bytes) {
  std::vector<uint64_t> sizes;
  uint64_t total = 0;
  for (const std::string& f : files) {
    struct stat st;
    if (::stat(f.c_str(), &st) != 0) {
      return absl::NotFoundError(
          absl::StrCat("cannot stat input file ", f, ": ", std::strerror(errno)));
    }
    sizes.push_back(static_cast<uint64_t>(st.st_size));
    total += sizes.back();
  }
  uint64_t goal = total / std::max(1, min_partitions);
  uint64_t split = std::max<uint64_t>(1, std::min(goal, max_split_bytes));
  std::vector<FileSplit> splits;
  for (size_t i = 0; i < files.size(); ++i) {
    const FileCompression compression = CompressionOfPath(files[i]);
    if (sizes[i] == 0 || !IsSplittable(compression)) {
      splits.push_back({files[i], 0, sizes[i], compression});
      continue;
    }
    // Like Hadoop, let the last range be up to 10% larger rather than leave a sliver.
    uint64_t remaining = sizes[i];
    uint64_t start = 0;
    while (static_cast<double>(remaining) / split > 1.1) {
      splits.push_back({files[i], start, split});
      start += split;
      remaining -= split;
    }
    splits.push_back({files[i], start, remaining});
  }
  return splits;
}

void TextFileNode::SerializeState(std::string* out) const {
  ByteWriter w(out);
  Serialize(w, splits_);
}

absl::StatusOr<std::unique_ptr<PlanObject>> TextFileNode::FromState(std::string_view state) {
  return ReadPlanState(state, [](ByteReader& r) -> std::unique_ptr<PlanObject> {
    std::vector<FileSplit> splits;
    if (!Deserialize(r, &splits)) return nullptr;
    return std::make_unique<TextFileNode>(std::move(splits));
  });
}

absl::Status TextFileNode::Compute(TaskContext& ctx, int partition,
                                   BatchSink<std::string>& out) const {
  if (partition < 0 || partition >= static_cast<int>(splits_.size())) {
    return absl::InvalidArgumentError(absl::StrCat("text_file has no partition ", partition));
  }
  const FileSplit& split = splits_[partition];
  if (split.length == 0) return absl::OkStatus();
  // A range that does not start the file starts one byte early and drops its first line:
  // that is either the "\n" ending the previous range's last line, or the remainder of a
  // line that range owns. Either way the lines kept are exactly those starting in range.
  const bool skip_first = IsSplittable(split.compression) && split.start > 0;
  const uint64_t stream_start = skip_first ? split.start - 1 : 0;
  // Stream offset past which no line of this range starts (a whole file: none).
  const uint64_t stream_end = IsSplittable(split.compression)
                                  ? split.start + split.length - stream_start
                                  : std::numeric_limits<uint64_t>::max();
  ASSIGN_OR_RETURN(std::unique_ptr<InputStream> in,
                   OpenInputFile(split.path, split.compression, stream_start));
  LineReader reader(*in, kReadChunk);

  std::vector<std::string> batch(kBatchSize);
  size_t filled = 0;
  int64_t bytes = 0;
  if (skip_first) {
    ASSIGN_OR_RETURN(bool more, reader.Next(&batch[0]));
    if (!more) return absl::OkStatus();
  }
  while (reader.position() < stream_end) {
    const uint64_t line_start = reader.position();
    ASSIGN_OR_RETURN(bool more, reader.Next(&batch[filled]));
    if (!more) break;
    bytes += static_cast<int64_t>(reader.position() - line_start);
    if (++filled == kBatchSize) {
      filled = 0;
      if (!out.Consume(std::span<std::string>(batch.data(), kBatchSize))) break;
    }
  }
  if (filled > 0) out.Consume(std::span<std::string>(batch.data(), filled));
  ctx.metrics().set_bytes_read(ctx.metrics().bytes_read() + bytes);
  return absl::OkStatus();
}

}  // namespace centella

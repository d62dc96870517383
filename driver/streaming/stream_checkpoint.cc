#include "driver/streaming/stream_checkpoint.h"

#include <xxhash.h>

#include <algorithm>
#include <cstring>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/logging/logger.h"
#include "common/serde/byte_reader.h"
#include "common/status/status_macros.h"

namespace centella {
namespace {

std::shared_ptr<spdlog::logger> Log() { return GetLogger("stream-checkpoint"); }

constexpr char kMagic[8] = {'C', 'N', 'T', 'L', 'S', 'T', 'R', 'M'};
constexpr size_t kHeader = sizeof(kMagic) + 4 + 8;

std::string EntryName(int64_t batch_id) { return absl::StrFormat("%020d", batch_id); }

template <class T>
absl::StatusOr<T> DecodeAs(std::string_view file, const std::string& path) {
  ASSIGN_OR_RETURN(std::string_view payload, DecodeCheckpointEntry(file, path));
  T value;
  ByteReader r(payload);
  if (!Deserialize(r, &value) || !r.done()) {
    return absl::DataLossError(absl::StrCat("checkpoint file ", path, " does not decode"));
  }
  return value;
}

}  // namespace

std::string EncodeCheckpointEntry(std::string_view payload) {
  std::string out(kMagic, sizeof(kMagic));
  const uint32_t version = StreamCheckpoint::kFormatVersion;
  const uint64_t sum = XXH3_64bits(payload.data(), payload.size());
  out.append(reinterpret_cast<const char*>(&version), sizeof(version));
  out.append(reinterpret_cast<const char*>(&sum), sizeof(sum));
  out.append(payload);
  return out;
}

absl::StatusOr<std::string_view> DecodeCheckpointEntry(std::string_view file,
                                                       const std::string& path) {
  if (file.size() < kHeader || std::memcmp(file.data(), kMagic, sizeof(kMagic)) != 0) {
    return absl::DataLossError(
        absl::StrCat("checkpoint file ", path, " is truncated or not a Centella checkpoint"));
  }
  uint32_t version;
  uint64_t sum;
  std::memcpy(&version, file.data() + sizeof(kMagic), sizeof(version));
  std::memcpy(&sum, file.data() + sizeof(kMagic) + sizeof(version), sizeof(sum));
  if (version != StreamCheckpoint::kFormatVersion) {
    return absl::FailedPreconditionError(
        absl::StrCat("checkpoint file ", path, " has format version ", version,
                     "; this program reads ", StreamCheckpoint::kFormatVersion));
  }
  std::string_view payload = file.substr(kHeader);
  if (XXH3_64bits(payload.data(), payload.size()) != sum) {
    return absl::DataLossError(absl::StrCat("checkpoint file ", path, " is corrupt (checksum)"));
  }
  return payload;
}

absl::StatusOr<std::unique_ptr<StreamCheckpoint>> StreamCheckpoint::Open(
    std::unique_ptr<Storage> storage, int retain) {
  return std::unique_ptr<StreamCheckpoint>(
      new StreamCheckpoint(std::move(storage), std::max(2, retain)));
}

absl::StatusOr<std::string> StreamCheckpoint::CheckOrWriteMetadata(const StreamMetadata& metadata) {
  ASSIGN_OR_RETURN(bool exists, storage_->Exists("metadata"));
  if (!exists) {
    RETURN_IF_ERROR(
        storage_->WriteAtomic("metadata", EncodeCheckpointEntry(SerializeToString(metadata))));
    return metadata.stream_id;
  }
  const std::string path = root() + "/metadata";
  ASSIGN_OR_RETURN(std::string file, storage_->Read("metadata"));
  ASSIGN_OR_RETURN(StreamMetadata old, DecodeAs<StreamMetadata>(file, path));
  const std::string refuse =
      absl::StrCat("the checkpoint in ", root(), " was written by a different stream program: ");
  if (old.batch_interval_ms != metadata.batch_interval_ms) {
    return absl::FailedPreconditionError(absl::StrCat(refuse, "batch interval ",
                                                      old.batch_interval_ms, " ms then, ",
                                                      metadata.batch_interval_ms, " ms now"));
  }
  const size_t n = std::max(old.graph.size(), metadata.graph.size());
  for (size_t i = 0; i < n; ++i) {
    const std::string then = i < old.graph.size() ? old.graph[i] : "(nothing)";
    const std::string now = i < metadata.graph.size() ? metadata.graph[i] : "(nothing)";
    if (then != now) {
      return absl::FailedPreconditionError(
          absl::StrCat(refuse, "stream node ", i, " was '", then, "', is '", now,
                       "' (use a new checkpoint directory for a changed program)"));
    }
  }
  return old.stream_id;
}

absl::StatusOr<std::vector<int64_t>> StreamCheckpoint::Ids(const std::string& dir) const {
  ASSIGN_OR_RETURN(bool exists, storage_->Exists(dir));
  std::vector<int64_t> ids;
  if (!exists) return ids;
  ASSIGN_OR_RETURN(std::vector<std::string> names, storage_->List(dir));
  for (const std::string& name : names) {
    int64_t id;
    if (absl::SimpleAtoi(name, &id)) ids.push_back(id);
  }
  std::sort(ids.begin(), ids.end());
  return ids;
}

absl::StatusOr<StreamRecovery> StreamCheckpoint::Recover() {
  StreamRecovery recovery;
  ASSIGN_OR_RETURN(std::vector<int64_t> commits, Ids("commits"));
  for (auto it = commits.rbegin(); it != commits.rend(); ++it) {
    const std::string name = "commits/" + EntryName(*it);
    ASSIGN_OR_RETURN(std::string file, storage_->Read(name));
    absl::StatusOr<BatchCommit> commit = DecodeAs<BatchCommit>(file, root() + "/" + name);
    if (commit.ok()) {
      recovery.last_committed = *it;
      recovery.states = std::move(commit->states);
      break;
    }
    Log()->error("{}; using the previous commit", std::string(commit.status().message()));
    recovery.skipped.push_back(std::string(commit.status().message()));
  }
  ASSIGN_OR_RETURN(std::vector<int64_t> planned, Ids("offsets"));
  for (auto it = planned.rbegin(); it != planned.rend(); ++it) {
    const std::string name = "offsets/" + EntryName(*it);
    ASSIGN_OR_RETURN(std::string file, storage_->Read(name));
    absl::StatusOr<BatchOffsets> entry = DecodeAs<BatchOffsets>(file, root() + "/" + name);
    if (entry.ok()) {
      recovery.last_planned = *std::move(entry);
      break;
    }
    Log()->error("{}; using the previous offsets entry", std::string(entry.status().message()));
    recovery.skipped.push_back(std::string(entry.status().message()));
  }
  return recovery;
}

absl::Status StreamCheckpoint::WriteOffsets(const BatchOffsets& offsets) {
  return storage_->WriteAtomic("offsets/" + EntryName(offsets.batch_id),
                               EncodeCheckpointEntry(SerializeToString(offsets)));
}

absl::Status StreamCheckpoint::WriteCommit(int64_t batch_id, const BatchCommit& commit) {
  RETURN_IF_ERROR(storage_->WriteAtomic("commits/" + EntryName(batch_id),
                                        EncodeCheckpointEntry(SerializeToString(commit))));
  return Prune(batch_id);
}

std::string StreamCheckpoint::StateDir(int index, int64_t batch_id) const {
  return absl::StrCat(root(), "/state/", index, "/", EntryName(batch_id));
}

absl::Status StreamCheckpoint::Prune(int64_t newest) {
  // State snapshots are whole states: the last two are all a restart (or its fallback
  // to the previous commit) can use.
  ASSIGN_OR_RETURN(bool states, storage_->Exists("state"));
  if (states) {
    ASSIGN_OR_RETURN(std::vector<std::string> nodes, storage_->List("state"));
    for (const std::string& node : nodes) {
      ASSIGN_OR_RETURN(std::vector<int64_t> ids, Ids("state/" + node));
      for (size_t i = 0; i + 2 < ids.size(); ++i) {
        absl::Status s = storage_->Remove(absl::StrCat("state/", node, "/", EntryName(ids[i])));
        if (!s.ok() && !absl::IsNotFound(s)) return s;
      }
    }
  }
  for (const char* dir : {"offsets", "commits"}) {
    ASSIGN_OR_RETURN(std::vector<int64_t> ids, Ids(dir));
    for (int64_t id : ids) {
      if (id > newest - retain_) break;
      absl::Status s = storage_->Remove(absl::StrCat(dir, "/", EntryName(id)));
      if (!s.ok() && !absl::IsNotFound(s)) return s;
    }
  }
  return absl::OkStatus();
}

}  // namespace centella

#include "executor/daemon/shuffle_service.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/logging/logger.h"
#include "common/status/grpc_status.h"
#include "engine/shuffle/shuffle_store.h"

namespace centella {
namespace {

v1::ShuffleBlockError ErrorKind(const absl::Status& s) {
  if (absl::IsNotFound(s) || absl::IsOutOfRange(s)) return v1::SHUFFLE_BLOCK_ERROR_NOT_FOUND;
  if (absl::IsDataLoss(s)) return v1::SHUFFLE_BLOCK_ERROR_CORRUPT;
  return v1::SHUFFLE_BLOCK_ERROR_IO;
}

// "<map>_<attempt>.index" -> (map, attempt).
bool ParseIndexName(const std::string& name, int* map_id, int* attempt) {
  constexpr std::string_view kSuffix = ".index";
  if (name.size() <= kSuffix.size() || !name.ends_with(kSuffix)) return false;
  std::string stem = name.substr(0, name.size() - kSuffix.size());
  std::vector<std::string> parts = absl::StrSplit(stem, '_');
  return parts.size() == 2 && absl::SimpleAtoi(parts[0], map_id) &&
         absl::SimpleAtoi(parts[1], attempt);
}

}  // namespace

grpc::Status ShuffleServiceImpl::FetchBlocks(grpc::ServerContext* context,
                                             const v1::FetchBlocksRequest* request,
                                             grpc::ServerWriter<v1::FetchBlocksResponse>* writer) {
  if (auto s = secret_.Check(*context); !s.ok()) return s;
  if (absl::Status s = WorkDirLayout::CheckId(request->app_id(), "app_id"); !s.ok()) {
    return ToGrpcStatus(s);
  }
  const int chunk_bytes = request->max_chunk_bytes() <= 0
                              ? kDefaultChunkBytes
                              : std::min(request->max_chunk_bytes(), kMaxChunkBytes);
  ShuffleStore store(layout_.ShuffleDir(request->app_id()), BlockCodec::kNone);
  const int shuffle_id = request->shuffle_id();
  // Requests usually name many blocks of few map outputs: read each index once.
  std::map<std::pair<int, int>, absl::StatusOr<std::vector<ShuffleBlockEntry>>> indexes;
  std::string bytes;
  for (int i = 0; i < request->blocks_size(); ++i) {
    const v1::ShuffleBlockRequest& block = request->blocks(i);
    v1::FetchBlocksResponse chunk;
    chunk.set_block_index(i);
    chunk.set_map_id(block.map_id());
    chunk.set_reduce_id(block.reduce_id());
    auto fail = [&](const absl::Status& s) {
      chunk.set_last(true);
      chunk.clear_data();
      chunk.set_error(ErrorKind(s));
      chunk.set_error_message(std::string(s.message()));
      return writer->Write(chunk);
    };
    auto key = std::make_pair(block.map_id(), block.map_attempt());
    auto it = indexes.find(key);
    if (it == indexes.end()) {
      it = indexes.emplace(key, store.ReadIndex(shuffle_id, block.map_id(), block.map_attempt()))
               .first;
    }
    if (!it->second.ok()) {
      if (!fail(it->second.status())) return grpc::Status(grpc::StatusCode::CANCELLED, "");
      continue;
    }
    const std::vector<ShuffleBlockEntry>& entries = *it->second;
    if (block.reduce_id() < 0 || block.reduce_id() >= static_cast<int>(entries.size())) {
      absl::Status s = absl::NotFoundError(absl::StrCat(
          "map output ", block.map_id(), "_", block.map_attempt(), " of shuffle ", shuffle_id,
          " has ", entries.size(), " blocks; reduce ", block.reduce_id(), " requested"));
      if (!fail(s)) return grpc::Status(grpc::StatusCode::CANCELLED, "");
      continue;
    }
    const ShuffleBlockEntry& entry = entries[block.reduce_id()];
    const uint64_t size = entry.stored_length;
    const uint64_t begin = static_cast<uint64_t>(std::max<int64_t>(block.offset(), 0));
    if (begin > size) {
      absl::Status s = absl::OutOfRangeError(
          absl::StrCat("offset ", begin, " beyond a block of ", size, " bytes"));
      if (!fail(s)) return grpc::Status(grpc::StatusCode::CANCELLED, "");
      continue;
    }
    const uint64_t end =
        block.length() > 0 ? std::min(size, begin + static_cast<uint64_t>(block.length())) : size;
    chunk.set_block_size(static_cast<int64_t>(size));
    uint64_t pos = begin;
    do {
      const uint64_t n = std::min<uint64_t>(end - pos, static_cast<uint64_t>(chunk_bytes));
      absl::Status s = store.ReadStoredRange(shuffle_id, block.map_id(), block.map_attempt(), entry,
                                             pos, n, &bytes);
      if (!s.ok()) {
        if (!fail(s)) return grpc::Status(grpc::StatusCode::CANCELLED, "");
        break;
      }
      chunk.set_offset(static_cast<int64_t>(pos));
      chunk.set_data(bytes);
      pos += n;
      if (pos == end) {
        chunk.set_last(true);
        chunk.set_checksum(entry.checksum);
        chunk.set_codec(static_cast<uint32_t>(entry.codec));
        chunk.set_raw_size(static_cast<int64_t>(entry.raw_length));
      }
      if (!writer->Write(chunk)) {
        return grpc::Status(grpc::StatusCode::CANCELLED, "the reducer went away");
      }
    } while (pos < end);
  }
  return grpc::Status::OK;
}

grpc::Status ShuffleServiceImpl::RemoveShuffle(grpc::ServerContext* context,
                                               const v1::RemoveShuffleRequest* request,
                                               v1::RemoveShuffleResponse* response) {
  if (auto s = secret_.Check(*context); !s.ok()) return s;
  if (absl::Status s = WorkDirLayout::CheckId(request->app_id(), "app_id"); !s.ok()) {
    return ToGrpcStatus(s);
  }
  ShuffleStore store(layout_.ShuffleDir(request->app_id()), BlockCodec::kNone);
  const std::string dir = absl::StrCat(store.root(), "/shuffle_", request->shuffle_id());
  int files = 0;
  int64_t bytes = 0;
  std::error_code ec;
  for (const auto& f : std::filesystem::directory_iterator(dir, ec)) {
    std::error_code size_ec;
    uintmax_t size = f.file_size(size_ec);
    ++files;
    if (!size_ec) bytes += static_cast<int64_t>(size);
  }
  if (absl::Status s = store.RemoveShuffle(request->shuffle_id()); !s.ok()) {
    return ToGrpcStatus(s);
  }
  response->set_files_removed(files);
  response->set_bytes_freed(bytes);
  // The driver removes a shuffle as soon as nothing can read it (its ContextCleaner), so
  // this is where a daemon's map output of a running application goes.
  GetLogger("shuffle-service")
      ->info("removed shuffle {} of application {}: {} files, {} bytes freed",
             request->shuffle_id(), request->app_id(), files, bytes);
  return grpc::Status::OK;
}

grpc::Status ShuffleServiceImpl::GetShuffleStatus(grpc::ServerContext* context,
                                                  const v1::GetShuffleStatusRequest* request,
                                                  v1::GetShuffleStatusResponse* response) {
  if (auto s = secret_.Check(*context); !s.ok()) return s;
  if (absl::Status s = WorkDirLayout::CheckId(request->app_id(), "app_id"); !s.ok()) {
    return ToGrpcStatus(s);
  }
  ShuffleStore store(layout_.ShuffleDir(request->app_id()), BlockCodec::kNone);
  const std::string dir = absl::StrCat(store.root(), "/shuffle_", request->shuffle_id());
  std::vector<std::pair<int, int>> outputs;
  std::error_code ec;
  for (const auto& f : std::filesystem::directory_iterator(dir, ec)) {
    int map_id;
    int attempt;
    if (ParseIndexName(f.path().filename().string(), &map_id, &attempt)) {
      outputs.emplace_back(map_id, attempt);
    }
  }
  std::sort(outputs.begin(), outputs.end());
  int64_t total = 0;
  for (auto [map_id, attempt] : outputs) {
    // An index that cannot be read (removed meanwhile, corrupt) is not a committed output.
    absl::StatusOr<std::vector<ShuffleBlockEntry>> entries =
        store.ReadIndex(request->shuffle_id(), map_id, attempt);
    if (!entries.ok()) continue;
    std::error_code size_ec;
    uintmax_t data_bytes =
        std::filesystem::file_size(store.DataPath(request->shuffle_id(), map_id, attempt), size_ec);
    if (size_ec) continue;
    v1::MapOutputOnDisk* out = response->add_map_outputs();
    out->set_map_id(map_id);
    out->set_map_attempt(attempt);
    out->set_data_bytes(static_cast<int64_t>(data_bytes));
    if (request->include_block_sizes()) {
      for (const ShuffleBlockEntry& e : *entries) out->add_block_sizes(e.stored_length);
    }
    total += static_cast<int64_t>(data_bytes);
  }
  response->set_total_bytes(total);
  return grpc::Status::OK;
}

}  // namespace centella

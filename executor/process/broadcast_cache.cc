#include "executor/process/broadcast_cache.h"

#include <xxhash.h>

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/logging/logger.h"

namespace centella {
namespace {

std::shared_ptr<spdlog::logger> Log() {
  static auto logger = GetLogger("broadcast");
  return logger;
}

absl::Status DestroyedError(int64_t id) {
  return absl::FailedPreconditionError(
      absl::StrCat("broadcast ", id, " was destroyed; its value can no longer be read"));
}

}  // namespace

absl::StatusOr<std::shared_ptr<const void>> BroadcastCache::Get(const BroadcastRef& ref,
                                                                BroadcastDecoder decode) {
  std::shared_ptr<Fetch> fetch;
  bool fetcher = false;
  {
    absl::MutexLock lock(&mu_);
    if (destroyed_.contains(ref.id)) return DestroyedError(ref.id);
    if (auto it = ready_.find(ref.id); it != ready_.end()) return it->second;
    std::shared_ptr<Fetch>& slot = fetching_[ref.id];
    if (slot == nullptr) {
      slot = std::make_shared<Fetch>();
      fetcher = true;
    }
    fetch = slot;
  }
  if (!fetcher) {
    absl::MutexLock lock(&fetch->mu);
    fetch->mu.Await(absl::Condition(&fetch->done));
    return fetch->result;
  }

  absl::Time start = absl::Now();
  absl::StatusOr<std::shared_ptr<const void>> result = FetchAndDecode(ref, decode);
  absl::Duration took = absl::Now() - start;
  {
    absl::MutexLock lock(&mu_);
    fetching_.erase(ref.id);
    stats_.fetch_time += took;
    if (!result.ok()) {
      ++stats_.failed_fetches;
    } else {
      ++stats_.fetches;
      stats_.bytes_fetched += static_cast<int64_t>(ref.size);
      if (destroyed_.contains(ref.id)) {
        // Destroyed while in flight: this task may finish with it, nobody else gets it.
        result = DestroyedError(ref.id);
      } else {
        ready_[ref.id] = *result;
      }
    }
  }
  if (result.ok()) {
    Log()->info("fetched broadcast {} ({} bytes) in {}", ref.id, ref.size,
                absl::FormatDuration(absl::Trunc(took, absl::Microseconds(100))));
  } else {
    Log()->warn("broadcast {}: {}", ref.id, std::string(result.status().message()));
  }
  absl::MutexLock lock(&fetch->mu);
  fetch->result = result;
  fetch->done = true;
  return result;
}

absl::StatusOr<std::shared_ptr<const void>> BroadcastCache::FetchAndDecode(
    const BroadcastRef& ref, BroadcastDecoder decode) {
  std::string bytes;
  bytes.reserve(ref.size);
  int expected_index = 0;
  int num_pieces = -1;
  absl::Status s = fetcher_->Fetch(ref.id, [&](const v1::BroadcastPiece& piece) -> absl::Status {
    if (piece.index() != expected_index || piece.offset() != static_cast<int64_t>(bytes.size()) ||
        bytes.size() + piece.data().size() > ref.size) {
      return absl::DataLossError(absl::StrCat(
          "broadcast ", ref.id, ": piece ", piece.index(), " at offset ", piece.offset(),
          " does not continue the ", bytes.size(), " bytes received (expected piece ",
          expected_index, " of a ", ref.size, "-byte value)"));
    }
    if (XXH3_64bits(piece.data().data(), piece.data().size()) != piece.checksum()) {
      return absl::DataLossError(absl::StrCat("broadcast ", ref.id, ": piece ", piece.index(),
                                              " is corrupt (checksum mismatch)"));
    }
    bytes.append(piece.data());
    num_pieces = piece.num_pieces();
    ++expected_index;
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  if (bytes.size() != ref.size || (num_pieces >= 0 && expected_index != num_pieces)) {
    return absl::DataLossError(absl::StrCat("broadcast ", ref.id, ": received ", bytes.size(),
                                            " bytes in ", expected_index, " pieces, expected ",
                                            ref.size, " bytes in ", num_pieces));
  }
  if (XXH3_64bits(bytes.data(), bytes.size()) != ref.checksum) {
    return absl::DataLossError(
        absl::StrCat("broadcast ", ref.id, ": the assembled value does not match its checksum"));
  }
  absl::StatusOr<std::shared_ptr<const void>> value = decode(bytes);
  if (!value.ok()) {
    return absl::DataLossError(
        absl::StrCat("broadcast ", ref.id, " cannot be decoded: ", value.status().message()));
  }
  return value;
}

void BroadcastCache::Remove(const std::vector<int64_t>& broadcast_ids) {
  std::vector<std::shared_ptr<const void>> dropped;  // freed outside the lock
  absl::MutexLock lock(&mu_);
  for (int64_t id : broadcast_ids) {
    destroyed_.insert(id);
    if (auto it = ready_.find(id); it != ready_.end()) {
      dropped.push_back(std::move(it->second));
      ready_.erase(it);
    }
  }
}

BroadcastCache::Stats BroadcastCache::stats() const {
  absl::MutexLock lock(&mu_);
  Stats s = stats_;
  s.cached = static_cast<int64_t>(ready_.size());
  return s;
}

}  // namespace centella

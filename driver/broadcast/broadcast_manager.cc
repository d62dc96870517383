#include "driver/broadcast/broadcast_manager.h"

#include <xxhash.h>

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/logging/logger.h"

namespace centella {
namespace {

std::shared_ptr<spdlog::logger> Log() {
  static auto logger = GetLogger("broadcast");
  return logger;
}

}  // namespace

BroadcastManager::BroadcastManager(bool serialize, int64_t piece_bytes)
    : serialize_(serialize), piece_bytes_(std::max<int64_t>(1, piece_bytes)) {}

BroadcastRef BroadcastManager::AddErased(std::shared_ptr<const void> value,
                                         std::optional<std::string> bytes) {
  BroadcastRef ref;
  std::shared_ptr<Serialized> serialized;
  if (bytes.has_value()) {
    // Checksums are computed once here, not per fetch.
    serialized = std::make_shared<Serialized>();
    serialized->bytes = *std::move(bytes);
    const std::string& b = serialized->bytes;
    const size_t piece = static_cast<size_t>(piece_bytes_);
    // At least one piece, so that even an empty value is one (empty) message.
    const size_t pieces = std::max<size_t>(1, (b.size() + piece - 1) / piece);
    for (size_t i = 0; i < pieces; ++i) {
      const size_t off = i * piece;
      serialized->piece_checksums.push_back(
          XXH3_64bits(b.data() + off, std::min(piece, b.size() - off)));
    }
    ref.size = b.size();
    ref.checksum = XXH3_64bits(b.data(), b.size());
  }
  absl::MutexLock lock(&mu_);
  ref.id = next_id_++;
  values_[ref.id] = std::move(value);
  if (serialized != nullptr) {
    stats_.serialized_bytes += static_cast<int64_t>(serialized->bytes.size());
    serialized_[ref.id] = std::move(serialized);
  }
  ++stats_.live;
  return ref;
}

absl::Status BroadcastManager::MissingError(int64_t id) const {
  if (destroyed_.contains(id)) {
    return absl::FailedPreconditionError(
        absl::StrCat("broadcast ", id, " was destroyed; its value can no longer be read"));
  }
  return absl::NotFoundError(absl::StrCat("no broadcast ", id, " was created by this driver"));
}

absl::StatusOr<std::shared_ptr<const void>> BroadcastManager::Get(const BroadcastRef& ref,
                                                                  BroadcastDecoder) {
  absl::MutexLock lock(&mu_);
  auto it = values_.find(ref.id);
  if (it == values_.end()) return MissingError(ref.id);
  return it->second;
}

absl::Status BroadcastManager::Destroy(int64_t id) {
  // Released after the lock: freeing a large value takes a while.
  std::shared_ptr<const void> value;
  std::shared_ptr<const Serialized> serialized;
  {
    absl::MutexLock lock(&mu_);
    if (destroyed_.contains(id)) return absl::OkStatus();
    auto it = values_.find(id);
    if (it == values_.end()) return MissingError(id);
    value = std::move(it->second);
    values_.erase(it);
    if (auto s = serialized_.find(id); s != serialized_.end()) {
      serialized = std::move(s->second);
      serialized_.erase(s);
      stats_.serialized_bytes -= static_cast<int64_t>(serialized->bytes.size());
    }
    destroyed_.insert(id);
    --stats_.live;
  }
  Log()->info("destroyed broadcast {}", id);
  return absl::OkStatus();
}

absl::Status BroadcastManager::Serve(int64_t id, const std::string& executor_id,
                                     absl::FunctionRef<bool(const v1::BroadcastPiece&)> write) {
  std::shared_ptr<const Serialized> serialized;
  {
    absl::MutexLock lock(&mu_);
    if (!serialize_) {
      return absl::FailedPreconditionError("this driver serves no broadcast pieces (local mode)");
    }
    auto it = serialized_.find(id);
    if (it == serialized_.end()) return MissingError(id);
    serialized = it->second;
    ++stats_.fetches;
    ++stats_.fetches_by_executor[executor_id];
  }
  const absl::Time start = absl::Now();
  const std::string& b = serialized->bytes;
  const int n = static_cast<int>(serialized->piece_checksums.size());
  int64_t sent = 0;
  for (int i = 0; i < n; ++i) {
    v1::BroadcastPiece piece;
    const size_t off = static_cast<size_t>(i) * piece_bytes_;
    piece.set_index(i);
    piece.set_num_pieces(n);
    piece.set_offset(static_cast<int64_t>(off));
    piece.set_data(b.substr(off, piece_bytes_));
    piece.set_checksum(serialized->piece_checksums[i]);
    if (!write(piece)) {
      Log()->warn("executor {} stopped fetching broadcast {} after {} of {} pieces", executor_id,
                  id, i, n);
      return absl::OkStatus();
    }
    sent += static_cast<int64_t>(piece.data().size());
  }
  const absl::Duration took = absl::Now() - start;
  {
    absl::MutexLock lock(&mu_);
    stats_.bytes_served += sent;
    stats_.serve_time += took;
  }
  Log()->info("served broadcast {} ({} bytes, {} pieces) to executor {} in {}", id, sent, n,
              executor_id, absl::FormatDuration(absl::Trunc(took, absl::Microseconds(100))));
  return absl::OkStatus();
}

BroadcastManager::Stats BroadcastManager::stats() const {
  absl::MutexLock lock(&mu_);
  return stats_;
}

}  // namespace centella

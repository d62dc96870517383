#include "engine/storage/block_manager.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "common/logging/logger.h"
#include "common/storage/fd_io.h"

namespace centella {
namespace {
std::shared_ptr<spdlog::logger> Log() { return GetLogger("block-manager"); }
}  // namespace

BlockManager::BlockManager(int64_t memory_budget, std::string disk_dir)
    : budget_(memory_budget), disk_dir_(std::move(disk_dir)) {}

BlockManager::~BlockManager() {
  for (auto& [id, e] : blocks_) {
    if (!e.disk_path.empty()) ::unlink(e.disk_path.c_str());
  }
}

std::shared_ptr<const void> BlockManager::GetObject(BlockId id) {
  absl::MutexLock lock(&mu_);
  auto it = blocks_.find(id);
  if (it == blocks_.end() || it->second.object == nullptr) return nullptr;
  lru_.splice(lru_.end(), lru_, it->second.lru);  // most recently used
  return it->second.object;
}

absl::StatusOr<std::optional<std::string>> BlockManager::GetBytes(BlockId id) {
  std::string path;
  uint64_t size = 0;
  {
    absl::MutexLock lock(&mu_);
    auto it = blocks_.find(id);
    if (it == blocks_.end() || it->second.disk_path.empty()) return std::nullopt;
    path = it->second.disk_path;
    size = it->second.disk_bytes;
  }
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ErrnoStatus(errno, "cannot open cached block", path);
  std::string bytes(size, '\0');
  absl::Status s = PreadFully(fd, 0, size, bytes.data(), path);
  ::close(fd);
  if (!s.ok()) return absl::DataLossError(std::string(s.message()));
  return std::optional<std::string>(std::move(bytes));
}

BlockManager::PutResult BlockManager::Put(BlockId id, StorageLevel level,
                                          std::shared_ptr<const void> object, int64_t bytes,
                                          Serializer serialize) {
  PutResult result;
  absl::MutexLock lock(&mu_);
  if (blocks_.contains(id)) {
    result.stored = true;
    return result;
  }
  Entry e;
  e.level = level;
  e.bytes = bytes;
  e.serialize = serialize;
  if (level != StorageLevel::kDiskOnly && MakeRoom(bytes, id.rdd_id, &result.dropped)) {
    e.object = std::move(object);
    e.lru = lru_.insert(lru_.end(), id);
    memory_used_ += bytes;
    blocks_.emplace(id, std::move(e));
    result.stored = true;
    return result;
  }
  if (level == StorageLevel::kMemoryOnly) return result;  // recomputed when needed
  e.object = std::move(object);
  if (!WriteToDisk(id, e)) return result;
  e.object = nullptr;
  blocks_.emplace(id, std::move(e));
  result.stored = true;
  return result;
}

bool BlockManager::MakeRoom(int64_t need, int rdd_id, std::vector<BlockId>* dropped) {
  if (need > budget_) return false;
  int64_t freeable = budget_ - memory_used_;
  std::vector<BlockId> victims;
  for (auto it = lru_.begin(); it != lru_.end() && freeable < need; ++it) {
    if (it->rdd_id == rdd_id) continue;
    freeable += blocks_.at(*it).bytes;
    victims.push_back(*it);
  }
  if (freeable < need) return false;
  for (const BlockId& v : victims) {
    Entry& e = blocks_.at(v);
    if (e.level == StorageLevel::kMemoryAndDisk && e.disk_path.empty() && WriteToDisk(v, e)) {
      RemoveFromMemory(e);
      continue;
    }
    if (!e.disk_path.empty()) {  // already on disk too
      RemoveFromMemory(e);
      continue;
    }
    RemoveFromMemory(e);
    blocks_.erase(v);
    dropped->push_back(v);
  }
  return true;
}

bool BlockManager::WriteToDisk(BlockId id, Entry& e) {
  std::error_code ec;
  std::filesystem::create_directories(disk_dir_, ec);
  const std::string path = absl::StrCat(disk_dir_, "/rdd_", id.rdd_id, "_", id.partition);
  const std::string bytes = e.serialize(e.object.get());
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  absl::Status s = fd < 0 ? ErrnoStatus(errno, "cannot create", path) : WriteFully(fd, bytes, path);
  if (fd >= 0) ::close(fd);
  if (!s.ok()) {
    Log()->warn("cannot store block rdd_{}_{} on disk: {}", id.rdd_id, id.partition,
                std::string(s.message()));
    ::unlink(path.c_str());
    return false;
  }
  e.disk_path = path;
  e.disk_bytes = bytes.size();
  disk_used_ += static_cast<int64_t>(bytes.size());
  return true;
}

void BlockManager::RemoveFromMemory(Entry& e) {
  if (e.object == nullptr) return;
  e.object = nullptr;
  lru_.erase(e.lru);
  memory_used_ -= e.bytes;
}

void BlockManager::RemoveRdd(int rdd_id) {
  absl::MutexLock lock(&mu_);
  for (auto it = blocks_.begin(); it != blocks_.end();) {
    if (it->first.rdd_id != rdd_id) {
      ++it;
      continue;
    }
    RemoveFromMemory(it->second);
    if (!it->second.disk_path.empty()) {
      ::unlink(it->second.disk_path.c_str());
      disk_used_ -= static_cast<int64_t>(it->second.disk_bytes);
    }
    blocks_.erase(it++);
  }
}

int64_t BlockManager::memory_used() const {
  absl::MutexLock lock(&mu_);
  return memory_used_;
}

int64_t BlockManager::disk_used() const {
  absl::MutexLock lock(&mu_);
  return disk_used_;
}

bool BlockManager::InMemory(BlockId id) const {
  absl::MutexLock lock(&mu_);
  auto it = blocks_.find(id);
  return it != blocks_.end() && it->second.object != nullptr;
}

bool BlockManager::OnDisk(BlockId id) const {
  absl::MutexLock lock(&mu_);
  auto it = blocks_.find(id);
  return it != blocks_.end() && !it->second.disk_path.empty();
}

}  // namespace centella

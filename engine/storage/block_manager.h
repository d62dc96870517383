// BlockManager: the cached RDD partitions of one executor (persist()), in memory within a
// budget and on local disk.
//
// A block is one partition of one persisted RDD. In memory it is the deserialized
// partition (a shared, immutable object), so a later job reads it without decoding; on
// disk it is its serialized form. When a new block needs room, the least recently used
// blocks of *other* RDDs are evicted (caching an RDD never pushes out its own partitions,
// which would only thrash); an evicted MEMORY_AND_DISK block moves to disk, a MEMORY_ONLY
// block is dropped and recomputed from lineage when needed again. A block that does not
// fit even after eviction goes to disk (MEMORY_AND_DISK) or is not stored (MEMORY_ONLY).
//
// Thread-safe: tasks of any stage read and store blocks concurrently.
#ifndef CENTELLA_ENGINE_STORAGE_BLOCK_MANAGER_H_
#define CENTELLA_ENGINE_STORAGE_BLOCK_MANAGER_H_

#include <cstdint>
#include <list>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "engine/storage/storage_level.h"

namespace centella {

struct BlockId {
  int rdd_id = 0;
  int partition = 0;
  bool operator==(const BlockId&) const = default;
  template <class H>
  friend H AbslHashValue(H h, const BlockId& b) {
    return H::combine(std::move(h), b.rdd_id, b.partition);
  }
};

class BlockManager {
 public:
  // Serialized form of a block's object, for moving it to disk.
  using Serializer = std::string (*)(const void* object);

  // `disk_dir` must exist (or be creatable) when a block first goes to disk.
  BlockManager(int64_t memory_budget, std::string disk_dir);
  ~BlockManager();

  // The block's object when it is in memory (and marks it recently used), else null.
  std::shared_ptr<const void> GetObject(BlockId id);
  // The block's serialized bytes when it is on disk; nullopt when it is not. DataLoss when
  // its file cannot be read (the caller recomputes).
  absl::StatusOr<std::optional<std::string>> GetBytes(BlockId id);

  struct PutResult {
    bool stored = false;           // in memory or on disk now
    std::vector<BlockId> dropped;  // blocks evicted and dropped (MEMORY_ONLY), not on disk
  };
  // Stores a block whose object takes `bytes` in memory. Idempotent: a block already
  // present is kept as is.
  PutResult Put(BlockId id, StorageLevel level, std::shared_ptr<const void> object, int64_t bytes,
                Serializer serialize);

  // Drops every block of `rdd_id` (unpersist), in memory and on disk.
  void RemoveRdd(int rdd_id);

  int64_t memory_used() const;
  int64_t memory_budget() const { return budget_; }
  int64_t disk_used() const;
  // Where a block is now, for tests and the UI.
  bool InMemory(BlockId id) const;
  bool OnDisk(BlockId id) const;

 private:
  struct Entry {
    StorageLevel level;
    std::shared_ptr<const void> object;  // null when only on disk
    int64_t bytes = 0;                   // memory footprint when in memory
    Serializer serialize = nullptr;
    std::string disk_path;  // set when on disk
    uint64_t disk_bytes = 0;
    std::list<BlockId>::iterator lru;  // valid when in memory
  };

  // Frees memory for `need` more bytes by evicting LRU blocks of RDDs other than
  // `rdd_id`; false when that is not enough (nothing is evicted then).
  bool MakeRoom(int64_t need, int rdd_id, std::vector<BlockId>* dropped)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Writes an entry's serialized object to disk. False (and logs) on an I/O error.
  bool WriteToDisk(BlockId id, Entry& e) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void RemoveFromMemory(Entry& e) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const int64_t budget_;
  const std::string disk_dir_;
  mutable absl::Mutex mu_;
  int64_t memory_used_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t disk_used_ ABSL_GUARDED_BY(mu_) = 0;
  absl::flat_hash_map<BlockId, Entry> blocks_ ABSL_GUARDED_BY(mu_);
  std::list<BlockId> lru_ ABSL_GUARDED_BY(mu_);  // front: least recently used
};

}  // namespace centella

#endif  // CENTELLA_ENGINE_STORAGE_BLOCK_MANAGER_H_

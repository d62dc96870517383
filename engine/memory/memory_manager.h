// MemoryManager: the memory budget of one executor (the embedded one of local[N] or an
// executor process), shared by the tasks running on it.
//
// Tasks ask before they grow a buffer (aggregation tables, sort buffers, map output) and
// spill to disk when refused. The policy is Spark's fair share without waiting: with N
// tasks holding memory, a task may hold at most budget / N, so one large task cannot
// starve the others, and a lone task may use everything.
//
// Thread-safe.
#ifndef CENTELLA_ENGINE_MEMORY_MEMORY_MANAGER_H_
#define CENTELLA_ENGINE_MEMORY_MEMORY_MANAGER_H_

#include <cstdint>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"

namespace centella {

class MemoryManager {
 public:
  explicit MemoryManager(int64_t budget_bytes) : budget_(budget_bytes) {}

  int64_t budget() const { return budget_; }

  // Grants `task` up to `bytes` more and returns how much it granted (0..bytes): no more
  // than is free, and no more than brings the task above its fair share.
  int64_t Acquire(const std::string& task, int64_t bytes);
  // Returns `bytes` of `task`'s grant (at most what it holds).
  void Release(const std::string& task, int64_t bytes);
  // Returns everything `task` holds (when it ends, whatever happened).
  void ReleaseAll(const std::string& task);

  int64_t used() const;
  int64_t held_by(const std::string& task) const;

 private:
  const int64_t budget_;
  mutable absl::Mutex mu_;
  int64_t used_ ABSL_GUARDED_BY(mu_) = 0;
  absl::flat_hash_map<std::string, int64_t> held_ ABSL_GUARDED_BY(mu_);
};

// The memory of one task attempt: its key in the manager, and its peak. Without a manager
// (unit tests of single operators) every request is granted.
class TaskMemory {
 public:
  TaskMemory(MemoryManager* manager, std::string task_key)
      : manager_(manager), key_(std::move(task_key)) {}
  ~TaskMemory() {
    if (manager_ != nullptr) manager_->ReleaseAll(key_);
  }
  TaskMemory(const TaskMemory&) = delete;
  TaskMemory& operator=(const TaskMemory&) = delete;

  int64_t Acquire(int64_t bytes);
  void Release(int64_t bytes);
  int64_t held() const { return held_; }
  int64_t peak() const { return peak_; }

 private:
  MemoryManager* manager_;
  std::string key_;
  int64_t held_ = 0;
  int64_t peak_ = 0;
};

// The share of a task's memory one buffer holds. Ensure(bytes) grows the grant, at least
// doubling it so that a growing buffer asks O(log n) times; false means the buffer must
// spill (or stop growing). Destruction returns the grant.
class MemoryReservation {
 public:
  explicit MemoryReservation(TaskMemory* memory) : memory_(memory) {}
  ~MemoryReservation() { ReleaseAll(); }
  MemoryReservation(const MemoryReservation&) = delete;
  MemoryReservation& operator=(const MemoryReservation&) = delete;

  bool Ensure(int64_t bytes);
  void ReleaseAll();
  int64_t held() const { return held_; }

 private:
  TaskMemory* memory_;
  int64_t held_ = 0;
};

}  // namespace centella

#endif  // CENTELLA_ENGINE_MEMORY_MEMORY_MANAGER_H_

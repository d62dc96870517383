// ContextCleaner: removes what no live Rdd handle can reach any more, so that a driver
// running for days stays flat (Spark's ContextCleaner).
//
// Shuffles: every ShuffleDependency the driver creates carries ShuffleHook(); when the
// dependency is destroyed — the last Rdd handle downstream of it and the last job's
// stage using it are gone — the hook hands its id to the DAG scheduler, which forgets
// its map outputs and deletes its files on every executor (the local shuffle directory,
// or each daemon's through ShuffleService.RemoveShuffle).
//
// Hooks may run on any thread, after the cleaner is stopped or destroyed (a job may keep
// an Rdd beyond its Context): they then do nothing. Thread-safe.
#ifndef CENTELLA_DRIVER_RUNTIME_CONTEXT_CLEANER_H_
#define CENTELLA_DRIVER_RUNTIME_CONTEXT_CLEANER_H_

#include <cstdint>
#include <functional>
#include <memory>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"

namespace centella {

class DagScheduler;

// Always held by shared_ptr (make_shared): hooks keep a weak reference.
class ContextCleaner : public std::enable_shared_from_this<ContextCleaner> {
 public:
  // `scheduler` must stay valid until Stop() returns.
  explicit ContextCleaner(DagScheduler* scheduler) : scheduler_(scheduler) {}

  // The release hook for a new ShuffleDependency (see ShuffleDependency::set_release_hook).
  std::function<void(int shuffle_id)> ShuffleHook();

  // From now on hooks do nothing; call before the scheduler is destroyed. Idempotent.
  void Stop();

  // Shuffles handed to the scheduler for removal so far.
  int64_t shuffles_released() const;

 private:
  void ReleaseShuffle(int shuffle_id);

  mutable absl::Mutex mu_;
  DagScheduler* scheduler_ ABSL_GUARDED_BY(mu_);
  int64_t shuffles_released_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace centella

#endif  // CENTELLA_DRIVER_RUNTIME_CONTEXT_CLEANER_H_

// ThreadPool: a fixed number of threads running queued closures (an executor's task
// slots). Work runs in FIFO order; the destructor finishes queued work and joins.
#ifndef CENTELLA_COMMON_THREAD_POOL_THREAD_POOL_H_
#define CENTELLA_COMMON_THREAD_POOL_THREAD_POOL_H_

#include <deque>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/functional/any_invocable.h"
#include "absl/synchronization/mutex.h"

namespace centella {

class ThreadPool {
 public:
  ThreadPool(int num_threads, std::string name);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  // Thread-safe. Work posted after Shutdown() began is dropped.
  void Schedule(absl::AnyInvocable<void()> fn);
  // Runs what is queued, then joins the threads. Idempotent; the destructor calls it.
  // Must not be called from a pool thread.
  void Shutdown();
  int size() const { return static_cast<int>(threads_.size()); }

 private:
  void Work();

  absl::Mutex mu_;
  std::deque<absl::AnyInvocable<void()>> queue_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::thread> threads_;
};

}  // namespace centella

#endif  // CENTELLA_COMMON_THREAD_POOL_THREAD_POOL_H_

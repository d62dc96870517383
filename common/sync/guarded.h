// Guarded<T>: a value and the mutex that guards it, for state several threads share but
// none owns (e.g. what a fake records for the test that reads it). Every access runs
// under the lock: Update for changes, Get for a copy of the value or of one of its fields,
// Await to block until the value satisfies a predicate.
//
// Callbacks kept in the value must be copied out with Get and called after the lock is
// released, so that they may call back into the owner.
//
// Thread-safe.
#ifndef CENTELLA_COMMON_SYNC_GUARDED_H_
#define CENTELLA_COMMON_SYNC_GUARDED_H_

#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace centella {

template <class T>
class Guarded {
 public:
  Guarded() = default;
  explicit Guarded(T initial) : value_(std::move(initial)) {}
  Guarded(const Guarded&) = delete;
  Guarded& operator=(const Guarded&) = delete;

  // Runs update(T&) under the lock and returns what it returns.
  template <class F>
  decltype(auto) Update(F&& update) ABSL_LOCKS_EXCLUDED(mu_) {
    absl::MutexLock lock(&mu_);
    return std::forward<F>(update)(value_);
  }

  T Get() const ABSL_LOCKS_EXCLUDED(mu_) {
    absl::MutexLock lock(&mu_);
    return value_;
  }
  // A copy of one field: Get(&State::field).
  template <class M>
  M Get(M T::*field) const ABSL_LOCKS_EXCLUDED(mu_) {
    absl::MutexLock lock(&mu_);
    return value_.*field;
  }

  // Waits up to `timeout` until done(const T&) holds; returns whether it did.
  template <class Pred>
  bool Await(Pred done, absl::Duration timeout) const ABSL_LOCKS_EXCLUDED(mu_) {
    absl::MutexLock lock(&mu_);
    auto holds = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return done(value_); };
    return mu_.AwaitWithTimeout(absl::Condition(&holds), timeout);
  }

 private:
  mutable absl::Mutex mu_;
  T value_ ABSL_GUARDED_BY(mu_);
};

}  // namespace centella

#endif  // CENTELLA_COMMON_SYNC_GUARDED_H_

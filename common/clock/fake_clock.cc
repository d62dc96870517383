#include "common/clock/fake_clock.h"

namespace centella {

FakeClock::FakeClock(absl::Time start) : now_(start) {}

absl::Time FakeClock::Now() const {
  absl::MutexLock lock(&mu_);
  return now_;
}

void FakeClock::SleepFor(absl::Duration duration) {
  absl::MutexLock lock(&mu_);
  if (duration <= absl::ZeroDuration()) return;
  const absl::Time deadline = now_ + duration;
  ++sleepers_;
  // absl::Mutex re-evaluates the condition whenever the mutex is released by a writer, so
  // Advance() and SetTime() need no explicit notification.
  auto reached = [this, deadline]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return now_ >= deadline; };
  mu_.Await(absl::Condition(&reached));
  --sleepers_;
}

void FakeClock::Advance(absl::Duration duration) {
  absl::MutexLock lock(&mu_);
  if (duration > absl::ZeroDuration()) now_ += duration;
}

void FakeClock::SetTime(absl::Time time) {
  absl::MutexLock lock(&mu_);
  now_ = time;
}

void FakeClock::WaitForSleepers(int count) {
  absl::MutexLock lock(&mu_);
  auto enough = [this, count]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return sleepers_ >= count; };
  mu_.Await(absl::Condition(&enough));
}

int FakeClock::sleepers() const {
  absl::MutexLock lock(&mu_);
  return sleepers_;
}

}  // namespace centella

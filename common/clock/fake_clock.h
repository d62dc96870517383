// FakeClock: a Clock whose time moves only when a test says so.
//
//   FakeClock clock(absl::FromUnixSeconds(1000));
//   std::thread sleeper([&] { clock.SleepFor(absl::Seconds(5)); });
//   clock.WaitForSleepers(1);          // the sleeper is now blocked
//   clock.Advance(absl::Seconds(5));   // ... and now it wakes up
//
// SleepFor never sleeps in real time: it blocks until another thread calls Advance() or
// SetTime() far enough to reach the sleeper's deadline. A test that forgets to advance the
// clock therefore hangs rather than passing slowly, which makes the mistake obvious.
//
// Thread safety: all methods may be called concurrently from any thread.
#ifndef CENTELLA_COMMON_CLOCK_FAKE_CLOCK_H_
#define CENTELLA_COMMON_CLOCK_FAKE_CLOCK_H_

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/clock/clock.h"

namespace centella {

class FakeClock final : public Clock {
 public:
  // Starts at `start`. The default is a fixed, recognisable instant (2000-01-01 UTC) rather
  // than the Unix epoch, so that code subtracting durations from Now() stays positive.
  explicit FakeClock(absl::Time start = absl::FromUnixSeconds(946684800));

  FakeClock(const FakeClock&) = delete;
  FakeClock& operator=(const FakeClock&) = delete;

  absl::Time Now() const override ABSL_LOCKS_EXCLUDED(mu_);

  // Blocks until the fake time reaches Now() + duration (see class comment).
  void SleepFor(absl::Duration duration) override ABSL_LOCKS_EXCLUDED(mu_);

  // Moves time forward by `duration` (ignored if negative) and wakes every sleeper whose
  // deadline has been reached.
  void Advance(absl::Duration duration) ABSL_LOCKS_EXCLUDED(mu_);

  // Sets the time to `time`. Moving backwards is allowed (to test clock jumps) and wakes
  // nobody.
  void SetTime(absl::Time time) ABSL_LOCKS_EXCLUDED(mu_);

  // Blocks until at least `count` threads are inside SleepFor(). Lets a test advance time
  // only after the code under test has really started waiting, without real sleeps.
  void WaitForSleepers(int count) ABSL_LOCKS_EXCLUDED(mu_);

  // Number of threads currently inside SleepFor().
  int sleepers() const ABSL_LOCKS_EXCLUDED(mu_);

 private:
  mutable absl::Mutex mu_;
  absl::Time now_ ABSL_GUARDED_BY(mu_);
  int sleepers_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace centella

#endif  // CENTELLA_COMMON_CLOCK_FAKE_CLOCK_H_

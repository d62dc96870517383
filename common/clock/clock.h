// Clock: the source of wall time and sleeping for everything that times out, heartbeats or
// backs off. Components take a `Clock&` (never read absl::Now() directly) so that tests can
// drive time with FakeClock instead of sleeping.
//
// Ownership: a component holding a Clock& does not own it; the clock must outlive it.
// Thread safety: implementations must allow Now() and SleepFor() from any thread.
#ifndef CENTELLA_COMMON_CLOCK_CLOCK_H_
#define CENTELLA_COMMON_CLOCK_CLOCK_H_

#include "absl/time/time.h"

namespace centella {

class Clock {
 public:
  virtual ~Clock() = default;

  // The current time.
  virtual absl::Time Now() const = 0;

  // Blocks the calling thread until Now() has moved at least `duration` past the time of the
  // call. Returns at once for a zero or negative duration.
  virtual void SleepFor(absl::Duration duration) = 0;
};

// The process-wide clock backed by absl::Now() and absl::SleepFor(). Stateless, so sharing
// one instance is safe; it is never destroyed.
Clock& RealClock();

}  // namespace centella

#endif  // CENTELLA_COMMON_CLOCK_CLOCK_H_

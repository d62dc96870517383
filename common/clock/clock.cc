#include "common/clock/clock.h"

#include "absl/time/clock.h"

namespace centella {
namespace {

class SystemClock final : public Clock {
 public:
  absl::Time Now() const override { return absl::Now(); }

  void SleepFor(absl::Duration duration) override {
    if (duration > absl::ZeroDuration()) absl::SleepFor(duration);
  }
};

}  // namespace

Clock& RealClock() {
  // Leaked on purpose so that threads still sleeping at exit never touch a destroyed object.
  static SystemClock* const clock = new SystemClock();
  return *clock;
}

}  // namespace centella

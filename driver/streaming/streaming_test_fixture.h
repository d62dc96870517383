// StreamingTestFixture: a local[2] context and a StreamingContext whose batches are driven
// by a FakeClock: Step() moves time one batch interval on and waits until that batch has
// completed, so a test sees exactly one batch per step, however slow the machine.
#ifndef CENTELLA_DRIVER_STREAMING_STREAMING_TEST_FIXTURE_H_
#define CENTELLA_DRIVER_STREAMING_STREAMING_TEST_FIXTURE_H_

#include <memory>
#include <utility>

#include "absl/time/clock.h"
#include "centella/streaming.h"
#include "common/clock/fake_clock.h"
#include "gtest/gtest.h"

namespace centella {

class StreamingTestFixture : public ::testing::Test {
 protected:
  static constexpr absl::Duration kInterval = absl::Milliseconds(100);

  void SetUp() override {
    ContextOptions options;
    options.master = "local[2]";
    ASSERT_TRUE(options.conf.Set("centella.ui.showConsoleProgress", "false").ok());
    auto ctx = Context::Create(std::move(options));
    ASSERT_TRUE(ctx.ok()) << ctx.status();
    ctx_ = *std::move(ctx);
    StreamingOptions streaming;
    streaming.clock = &clock_;
    auto ssc = StreamingContext::Create(*ctx_, kInterval, streaming);
    ASSERT_TRUE(ssc.ok()) << ssc.status();
    ssc_ = *std::move(ssc);
  }
  void TearDown() override {
    ssc_.reset();
    ctx_.reset();
  }

  // One batch interval on; true once the batch it made due has completed (within 20 s).
  bool Step() {
    const int64_t before = ssc_->batches_completed();
    clock_.Advance(kInterval);
    const absl::Time give_up = absl::Now() + absl::Seconds(20);
    while (ssc_->batches_completed() <= before) {
      if (absl::Now() > give_up) return false;
      absl::SleepFor(absl::Milliseconds(1));
    }
    return true;
  }

  FakeClock clock_;
  std::unique_ptr<Context> ctx_;
  std::unique_ptr<StreamingContext> ssc_;
};

}  // namespace centella

#endif  // CENTELLA_DRIVER_STREAMING_STREAMING_TEST_FIXTURE_H_

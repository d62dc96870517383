// StreamingContext's lifecycle: what start() refuses, batch times on the interval grid,
// listener information, a failing output stopping the stream with its error, graceful
// and immediate stops.
#include <csignal>
#include <string>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "driver/streaming/streaming_test_fixture.h"

namespace centella {
namespace {

struct Recorder : StreamingListener {
  void OnBatchCompleted(const BatchInfo& b) override {
    absl::MutexLock lock(&mu);
    batches.push_back(b);
  }
  std::vector<BatchInfo> Get() {
    absl::MutexLock lock(&mu);
    return batches;
  }
  absl::Mutex mu;
  std::vector<BatchInfo> batches;
};

absl::Status CountIt(const Rdd<int64_t>& rdd, absl::Time) { return rdd.count().status(); }

TEST(StreamingContextCreateTest, RefusesAnIntervalUnderTenMilliseconds) {
  ContextOptions options;
  options.master = "local[1]";
  auto ctx = Context::Create(std::move(options));
  ASSERT_TRUE(ctx.ok());
  auto ssc = StreamingContext::Create(**ctx, absl::Milliseconds(5));
  ASSERT_FALSE(ssc.ok());
  EXPECT_EQ(ssc.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(ssc.status().message().find("at least 10 ms"), std::string::npos) << ssc.status();
}

TEST(StreamingContextCreateTest, RefusesABadConcurrentJobsSetting) {
  ContextOptions options;
  options.master = "local[1]";
  ASSERT_TRUE(options.conf.Set("centella.streaming.concurrentJobs", "0").ok());
  auto ctx = Context::Create(std::move(options));
  ASSERT_TRUE(ctx.ok());
  auto ssc = StreamingContext::Create(**ctx, absl::Milliseconds(100));
  ASSERT_FALSE(ssc.ok());
  EXPECT_NE(ssc.status().message().find("centella.streaming.concurrentJobs"), std::string::npos);
}

TEST_F(StreamingTestFixture, StartRefusesAStreamWithoutOutputAndAWindowOffTheGrid) {
  auto queue = std::make_shared<RddQueue<int64_t>>();
  DStream<int64_t> s = ssc_->queue_stream(queue);
  absl::Status none = ssc_->start();
  EXPECT_EQ(none.code(), absl::StatusCode::kFailedPrecondition) << none;
  EXPECT_NE(none.message().find("no output operation"), std::string::npos) << none;

  s.window(absl::Milliseconds(250)).foreach_rdd(CountIt);
  absl::Status off = ssc_->start();
  EXPECT_EQ(off.code(), absl::StatusCode::kInvalidArgument) << off;
  EXPECT_NE(off.message().find("window(length 250ms"), std::string::npos) << off;
}

TEST_F(StreamingTestFixture, BatchesRunOnTheIntervalGridAndAreReported) {
  Recorder recorder;
  StreamingOptions options;
  options.clock = &clock_;
  options.listener = &recorder;
  auto ssc = StreamingContext::Create(*ctx_, kInterval, options);
  ASSERT_TRUE(ssc.ok());
  ssc_ = *std::move(ssc);
  auto queue = std::make_shared<RddQueue<int64_t>>();
  ssc_->queue_stream(queue).foreach_rdd(CountIt);
  const absl::Time zero = clock_.Now();  // on the grid: the fake clock starts on a second
  ASSERT_TRUE(ssc_->start().ok());
  EXPECT_EQ(ssc_->start().code(), absl::StatusCode::kFailedPrecondition);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(Step());
  ssc_->stop();
  EXPECT_TRUE(ssc_->await_termination().ok());
  const std::vector<BatchInfo> batches = recorder.Get();
  ASSERT_EQ(batches.size(), 3u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(batches[i].batch_id, i);
    EXPECT_EQ(batches[i].batch_time, zero + (i + 1) * kInterval);
    EXPECT_TRUE(batches[i].status.ok()) << batches[i].status;
    EXPECT_GE(batches[i].scheduling_delay(), absl::ZeroDuration());
  }
}

TEST_F(StreamingTestFixture, AFailingOutputStopsTheStreamWithItsError) {
  auto queue = std::make_shared<RddQueue<int64_t>>();
  ssc_->queue_stream(queue).foreach_rdd(
      [](const Rdd<int64_t>&, absl::Time) { return absl::UnavailableError("the sink is down"); });
  ASSERT_TRUE(ssc_->start().ok());
  ASSERT_TRUE(Step());
  std::optional<absl::Status> ended = ssc_->await_termination_or_timeout(absl::Seconds(10));
  ASSERT_TRUE(ended.has_value()) << "the stream did not stop";
  EXPECT_EQ(ended->code(), absl::StatusCode::kUnavailable);
  EXPECT_NE(ended->message().find("batch 0"), std::string::npos) << *ended;
  EXPECT_NE(ended->message().find("the sink is down"), std::string::npos) << *ended;
  // No later batch starts.
  clock_.Advance(5 * kInterval);
  absl::SleepFor(absl::Milliseconds(100));
  EXPECT_EQ(ssc_->batches_completed(), 1);
}

TEST_F(StreamingTestFixture, GracefulStopFinishesTheRunningBatch) {
  auto queue = std::make_shared<RddQueue<int64_t>>();
  absl::Notification in_batch, release;
  bool finished = false;
  ssc_->queue_stream(queue).foreach_rdd([&](const Rdd<int64_t>& rdd, absl::Time) {
    in_batch.Notify();
    release.WaitForNotification();
    finished = rdd.count().ok();
    return absl::OkStatus();
  });
  ASSERT_TRUE(ssc_->start().ok());
  clock_.Advance(kInterval);
  ASSERT_TRUE(in_batch.WaitForNotificationWithTimeout(absl::Seconds(20)));
  std::thread stopper([&] { ssc_->stop(/*graceful=*/true); });
  absl::SleepFor(absl::Milliseconds(50));
  release.Notify();
  stopper.join();
  EXPECT_TRUE(finished);
  EXPECT_EQ(ssc_->batches_completed(), 1);
  EXPECT_TRUE(ssc_->await_termination().ok());
}

TEST_F(StreamingTestFixture, SigtermStopsTheStreamGracefullyAndTheProcessLivesOn) {
  auto queue = std::make_shared<RddQueue<int64_t>>();
  ssc_->queue_stream(queue).foreach_rdd(CountIt);
  ASSERT_TRUE(ssc_->start().ok());
  ASSERT_TRUE(Step());
  ASSERT_EQ(std::raise(SIGTERM), 0);
  std::optional<absl::Status> ended = ssc_->await_termination_or_timeout(absl::Seconds(10));
  ASSERT_TRUE(ended.has_value()) << "SIGTERM did not stop the stream";
  EXPECT_TRUE(ended->ok()) << *ended;
  ssc_.reset();
  // The handler that was there before (the default) is back.
  struct sigaction now {};
  ASSERT_EQ(::sigaction(SIGTERM, nullptr, &now), 0);
  EXPECT_EQ(now.sa_handler, SIG_DFL);
}

TEST_F(StreamingTestFixture, ImmediateStopCancelsTheRunningBatchesJobs) {
  auto queue = std::make_shared<RddQueue<int64_t>>();
  std::vector<int64_t> many(400000);
  queue->push(ctx_->parallelize(many, 2));
  absl::Notification started;
  struct Slow {
    void operator()(int64_t) const { absl::SleepFor(absl::Microseconds(100)); }
  };
  absl::Status job_status;
  ssc_->queue_stream(queue).foreach_rdd([&](const Rdd<int64_t>& rdd, absl::Time) {
    started.Notify();
    job_status = rdd.foreach (Slow{});
    return job_status;
  });
  ASSERT_TRUE(ssc_->start().ok());
  clock_.Advance(kInterval);
  ASSERT_TRUE(started.WaitForNotificationWithTimeout(absl::Seconds(20)));
  absl::SleepFor(absl::Milliseconds(100));
  const absl::Time stop_at = absl::Now();
  ssc_->stop(/*graceful=*/false);
  EXPECT_LT(absl::Now() - stop_at, absl::Seconds(5)) << "the batch's job was left to run";
  EXPECT_EQ(job_status.code(), absl::StatusCode::kCancelled) << job_status;
}

}  // namespace
}  // namespace centella

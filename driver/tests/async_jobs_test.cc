// Jobs started without waiting, from several threads at once, and cancelled: a cancelled
// job's running tasks stop at their next batch of records instead of running to the end.
#include <atomic>
#include <thread>
#include <vector>

#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "centella/centella.h"
#include "gtest/gtest.h"

namespace centella {
namespace {

std::atomic<int64_t> records_seen{0};

std::unique_ptr<Context> LocalContext(std::string master = "local[2]") {
  ContextOptions options;
  options.master = std::move(master);
  auto ctx = Context::Create(std::move(options));
  EXPECT_TRUE(ctx.ok()) << ctx.status();
  return ctx.ok() ? *std::move(ctx) : nullptr;
}

std::vector<int64_t> Numbers(int64_t n) {
  std::vector<int64_t> v(n);
  for (int64_t i = 0; i < n; ++i) v[i] = i;
  return v;
}

TEST(AsyncJobsTest, FuturesDeliverValuesAndCallbacks) {
  auto ctx = LocalContext();
  auto rdd = ctx->parallelize(Numbers(1000), 4);
  JobFuture<int64_t> count = rdd.count_async();
  JobFuture<std::vector<int64_t>> all = rdd.map([](int64_t x) { return x * 2; }).collect_async();
  absl::Notification called;
  std::atomic<int64_t> from_callback{-1};
  count.OnComplete([&](absl::StatusOr<int64_t> n) {
    from_callback = n.ok() ? *n : -2;
    called.Notify();
  });
  ASSERT_TRUE(count.Get().ok());
  EXPECT_EQ(*count.Get(), 1000);
  ASSERT_TRUE(called.WaitForNotificationWithTimeout(absl::Seconds(10)));
  EXPECT_EQ(from_callback.load(), 1000);
  absl::StatusOr<std::vector<int64_t>> values = all.Get();
  ASSERT_TRUE(values.ok()) << values.status();
  ASSERT_EQ(values->size(), 1000u);
  EXPECT_EQ((*values)[999], 1998);
  EXPECT_NE(count.job_id(), all.job_id());
  EXPECT_TRUE(rdd.foreach_async([](int64_t) {}).Get().ok());
}

TEST(AsyncJobsTest, JobsFromManyThreadsRunAtOnce) {
  auto ctx = LocalContext();
  std::vector<std::thread> threads;
  std::vector<int64_t> sums(6, -1);
  for (int t = 0; t < 6; ++t) {
    threads.emplace_back([&, t] {
      auto sum = ctx->parallelize(Numbers(100 * (t + 1)), 3)
                     .map([](int64_t x) { return std::pair<int64_t, int64_t>(x % 7, x); })
                     .reduce_by_key([](int64_t a, int64_t b) { return a + b; })
                     .values()
                     .reduce([](int64_t a, int64_t b) { return a + b; });
      sums[t] = sum.ok() ? *sum : -2;
    });
  }
  for (auto& th : threads) th.join();
  for (int t = 0; t < 6; ++t) {
    const int64_t n = 100 * (t + 1);
    EXPECT_EQ(sums[t], n * (n - 1) / 2) << "thread " << t;
  }
}

// Each record takes 200 µs: one partition would run for 20 s.
JobFuture<void> SlowJob(Context& ctx) {
  records_seen = 0;
  return ctx.parallelize(Numbers(200000), 2).foreach_async([](int64_t) {
    records_seen.fetch_add(1);
    absl::SleepFor(absl::Microseconds(200));
  });
}

void ExpectStoppedSoon(JobFuture<void>& job, absl::Time cancelled_at) {
  ASSERT_TRUE(job.WaitFor(absl::Seconds(10))) << "the cancelled job did not end";
  absl::Status s = job.Get();
  EXPECT_EQ(s.code(), absl::StatusCode::kCancelled) << s;
  EXPECT_LT(absl::Now() - cancelled_at, absl::Seconds(5));
  // Its tasks are not running on: the count stays put.
  const int64_t after = records_seen.load();
  absl::SleepFor(absl::Milliseconds(300));
  EXPECT_EQ(records_seen.load(), after);
  EXPECT_LT(after, 100000);
}

TEST(AsyncJobsTest, CancelJobInterruptsItsRunningTasks) {
  auto ctx = LocalContext();
  JobFuture<void> job = SlowJob(*ctx);
  while (records_seen.load() < 100) absl::SleepFor(absl::Milliseconds(5));
  const absl::Time cancelled_at = absl::Now();
  ctx->CancelJob(job.job_id());
  ExpectStoppedSoon(job, cancelled_at);
  EXPECT_NE(std::string(job.Get().message()).find("cancelled"), std::string::npos);
  // The context goes on: the next job runs normally.
  auto n = ctx->parallelize(Numbers(10), 2).count();
  ASSERT_TRUE(n.ok()) << n.status();
  EXPECT_EQ(*n, 10);
}

TEST(AsyncJobsTest, CancelAllJobsAndTheFuturesCancel) {
  auto ctx = LocalContext();
  JobFuture<void> job = SlowJob(*ctx);
  while (records_seen.load() < 100) absl::SleepFor(absl::Milliseconds(5));
  absl::Time cancelled_at = absl::Now();
  ctx->CancelAllJobs();
  ExpectStoppedSoon(job, cancelled_at);

  JobFuture<void> again = SlowJob(*ctx);
  while (records_seen.load() < 100) absl::SleepFor(absl::Milliseconds(5));
  cancelled_at = absl::Now();
  again.Cancel();
  ExpectStoppedSoon(again, cancelled_at);
  // Cancelling a job that has ended changes nothing.
  ctx->CancelJob(again.job_id());
  EXPECT_EQ(again.Get().code(), absl::StatusCode::kCancelled);
}

TEST(AsyncJobsTest, FairModeLetsAShortJobFinishWhileALongOneRuns) {
  ContextOptions options;
  options.master = "local[2]";
  ASSERT_TRUE(options.conf.Set("centella.scheduler.mode", "FAIR").ok());
  auto ctx = Context::Create(std::move(options));
  ASSERT_TRUE(ctx.ok()) << ctx.status();
  // The long job has far more tasks than slots; under FIFO the short one would wait for
  // all of them.
  records_seen = 0;
  JobFuture<void> long_job = (*ctx)->parallelize(Numbers(4000), 40).foreach_async([](int64_t) {
    records_seen.fetch_add(1);
    absl::SleepFor(absl::Microseconds(500));
  });
  while (records_seen.load() < 10) absl::SleepFor(absl::Milliseconds(5));
  auto n = (*ctx)->parallelize(Numbers(10), 2).count();
  ASSERT_TRUE(n.ok()) << n.status();
  EXPECT_FALSE(long_job.done()) << "the short job waited for the long one";
  long_job.Cancel();
  long_job.WaitFor(absl::Seconds(10));
}

TEST(AsyncJobsTest, BadSchedulingModeIsRefused) {
  ContextOptions options;
  options.master = "local[1]";
  ASSERT_TRUE(options.conf.Set("centella.scheduler.mode", "LOTTERY").ok());
  auto ctx = Context::Create(std::move(options));
  ASSERT_FALSE(ctx.ok());
  EXPECT_NE(std::string(ctx.status().message()).find("centella.scheduler.mode"), std::string::npos);
}

}  // namespace
}  // namespace centella

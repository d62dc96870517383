// A failed job ends even when one of its tasks never stops: it waits for running tasks
// (they may be writing its output) only up to DagSchedulerOptions::failed_job_task_wait,
// measured on the scheduler's clock. The test drives a FakeClock through the default
// 30 s wait in about a second of real time.
#include <atomic>
#include <thread>

#include "absl/synchronization/notification.h"
#include "centella/centella.h"
#include "common/clock/fake_clock.h"
#include "driver/dag/dag_scheduler.h"
#include "driver/dag/scheduler_listener.h"
#include "driver/tests/scripted_backend.h"
#include "gtest/gtest.h"

namespace centella {
namespace {

// Notified once the scheduler has handled a failed task.
class FailureSeen : public SchedulerListener {
 public:
  void OnTaskEnd(const v1::TaskResult& result) override {
    if (result.state() == v1::TASK_STATE_FAILED && !seen.HasBeenNotified()) seen.Notify();
  }
  absl::Notification seen;
};

TEST(FailedJobTest, EndsAfterTheWaitOnTheSchedulersClockWhenATaskNeverStops) {
  auto ctx = Context::Create(ContextOptions{});
  ASSERT_TRUE(ctx.ok()) << ctx.status();
  // Two cores: the task of partition 0 fails at once, the task of partition 1 never
  // reports (stuck in user code).
  ScriptedBackend backend(
      [](const v1::TaskDescriptor& t) -> std::optional<v1::TaskResult> {
        if (t.partition() != 0) return std::nullopt;
        v1::TaskResult r = ResultFor(t, v1::TASK_STATE_FAILED);
        r.set_error_code(static_cast<int>(absl::StatusCode::kInternal));
        r.set_error_message("partition 0 is broken");
        return r;
      },
      {{"exec-1", "host", 2}});
  FakeClock clock;
  FailureSeen listener;
  DagSchedulerOptions options;
  options.max_task_failures = 1;
  options.clock = &clock;
  options.listener = &listener;
  ASSERT_EQ(options.failed_job_task_wait, absl::Seconds(30));  // the default
  DagScheduler scheduler(&backend, options);
  auto rdd = (*ctx)->parallelize(std::vector<int64_t>(8, 1), 2);
  auto runner = std::make_shared<ResultRunner<Pipeline<int64_t>, CountAction>>(Pipeline<int64_t>(),
                                                                               CountAction{});

  absl::StatusOr<std::vector<std::string>> result;
  absl::Notification done;
  std::thread job([&] {
    result = scheduler.RunJob(rdd.AsNode(), runner, {0, 1}, "job");
    done.Notify();
  });
  ASSERT_TRUE(listener.seen.WaitForNotificationWithTimeout(absl::Seconds(30)));
  const absl::Time failed_at = clock.Now();
  const absl::Time real_start = absl::Now();
  // One clock second at a time: the job must not end before the wait has passed on the
  // clock, and must end right after it.
  while (!done.WaitForNotificationWithTimeout(absl::Milliseconds(20))) {
    ASSERT_LT(clock.Now() - failed_at, absl::Seconds(40)) << "the job never ended";
    clock.Advance(absl::Seconds(1));
  }
  job.join();
  const absl::Duration waited = clock.Now() - failed_at;
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.status().message().find("partition 0 is broken"), std::string::npos)
      << result.status();
  EXPECT_GE(waited, absl::Seconds(30));
  EXPECT_LE(waited, absl::Seconds(32));
  EXPECT_LT(absl::Now() - real_start, absl::Seconds(20));  // time came from the clock
}

}  // namespace
}  // namespace centella

// A failed job ends even when one of its tasks never stops: it waits for running tasks
// (they may be writing its output) only up to DagSchedulerOptions::failed_job_task_wait.
#include "absl/time/clock.h"
#include "driver/api/centella.h"
#include "driver/dag/dag_scheduler.h"
#include "driver/tests/scripted_backend.h"
#include "gtest/gtest.h"

namespace centella {
namespace {

TEST(FailedJobTest, EndsAfterTheWaitWhenATaskNeverStops) {
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
  DagSchedulerOptions options;
  options.max_task_failures = 1;
  options.failed_job_task_wait = absl::Milliseconds(300);
  DagScheduler scheduler(&backend, options);
  auto rdd = (*ctx)->parallelize(std::vector<int64_t>(8, 1), 2);
  auto runner = std::make_shared<ResultRunner<Pipeline<int64_t>, CountAction>>(
      Pipeline<int64_t>(), CountAction{});
  const absl::Time start = absl::Now();
  absl::StatusOr<std::vector<std::string>> result =
      scheduler.RunJob(rdd.AsNode(), runner, {0, 1}, "job");
  const absl::Duration took = absl::Now() - start;
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.status().message().find("partition 0 is broken"), std::string::npos)
      << result.status();
  EXPECT_GE(took, absl::Milliseconds(300));
  EXPECT_LT(took, absl::Seconds(10));
}

}  // namespace
}  // namespace centella

// A failed job ends even when one of its tasks never stops: it waits for running tasks
// (they may be writing its output) only up to DagSchedulerOptions::failed_job_task_wait.
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "driver/api/centella.h"
#include "driver/dag/dag_scheduler.h"
#include "gtest/gtest.h"

namespace centella {
namespace {

// One executor with two cores: the task of partition 0 fails at once, the task of
// partition 1 never reports (stuck in user code).
class StuckBackend : public ExecutorBackend {
 public:
  void SetResultCallback(ResultCallback callback) override {
    absl::MutexLock lock(&mu_);
    callback_ = std::move(callback);
  }
  std::vector<ExecutorSlots> Executors() const override { return {{"exec-1", "host", 2}}; }
  void LaunchTasks(const std::string&, std::shared_ptr<const v1::StagePlan>,
                   std::vector<v1::TaskDescriptor> tasks) override {
    ResultCallback cb;
    {
      absl::MutexLock lock(&mu_);
      cb = callback_;
    }
    for (const auto& t : tasks) {
      if (t.partition() != 0) continue;
      v1::TaskResult r;
      r.set_task_id(t.task_id());
      r.set_stage_id(t.stage_id());
      r.set_stage_attempt(t.stage_attempt());
      r.set_partition(t.partition());
      r.set_attempt(t.attempt());
      r.set_state(v1::TASK_STATE_FAILED);
      r.set_error_code(static_cast<int>(absl::StatusCode::kInternal));
      r.set_error_message("partition 0 is broken");
      cb(std::move(r));
    }
  }
  void RemoveStage(int) override {}
  void Shutdown() override {}

 private:
  absl::Mutex mu_;
  ResultCallback callback_ ABSL_GUARDED_BY(mu_);
};

TEST(FailedJobTest, EndsAfterTheWaitWhenATaskNeverStops) {
  auto ctx = Context::Create(ContextOptions{});
  ASSERT_TRUE(ctx.ok()) << ctx.status();
  StuckBackend backend;
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

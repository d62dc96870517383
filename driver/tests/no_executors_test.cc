// Jobs never hang silently for lack of executors: they wait for one (and continue when it
// comes), and fail with the reason after centella.scheduler.noExecutorsTimeout.
#include <thread>

#include "absl/synchronization/mutex.h"
#include "driver/api/centella.h"
#include "driver/dag/dag_scheduler.h"
#include "gtest/gtest.h"

namespace centella {
namespace {

// An executor list the test controls; every launched task succeeds at once.
class SwitchableBackend : public ExecutorBackend {
 public:
  void SetResultCallback(ResultCallback callback) override {
    absl::MutexLock lock(&mu_);
    callback_ = std::move(callback);
  }
  void SetExecutorsChangedCallback(std::function<void()> callback) override {
    absl::MutexLock lock(&mu_);
    changed_ = std::move(callback);
  }
  std::vector<ExecutorSlots> Executors() const override {
    absl::MutexLock lock(&mu_);
    if (!up_) return {};
    return {{"exec-1", "host", 2}};
  }
  void LaunchTasks(const std::string&, std::shared_ptr<const v1::StagePlan>,
                   std::vector<v1::TaskDescriptor> tasks) override {
    ResultCallback cb;
    {
      absl::MutexLock lock(&mu_);
      cb = callback_;
    }
    for (const auto& t : tasks) {
      v1::TaskResult r;
      r.set_task_id(t.task_id());
      r.set_stage_id(t.stage_id());
      r.set_stage_attempt(t.stage_attempt());
      r.set_partition(t.partition());
      r.set_attempt(t.attempt());
      r.set_state(v1::TASK_STATE_FINISHED);
      r.set_value(SerializeToString(int64_t{1}));
      cb(std::move(r));
    }
  }
  void RemoveStage(int) override {}
  void Shutdown() override {}

  void Up() {
    std::function<void()> changed;
    {
      absl::MutexLock lock(&mu_);
      up_ = true;
      changed = changed_;
    }
    changed();
  }

 private:
  mutable absl::Mutex mu_;
  bool up_ ABSL_GUARDED_BY(mu_) = false;
  ResultCallback callback_ ABSL_GUARDED_BY(mu_);
  std::function<void()> changed_ ABSL_GUARDED_BY(mu_);
};

class NoExecutorsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto ctx = Context::Create(ContextOptions{});
    ASSERT_TRUE(ctx.ok()) << ctx.status();
    ctx_ = *std::move(ctx);
  }
  absl::StatusOr<std::vector<std::string>> Run(DagScheduler& scheduler) {
    auto rdd = ctx_->parallelize(std::vector<int64_t>(8, 1), 2);
    auto runner = std::make_shared<ResultRunner<Pipeline<int64_t>, CountAction>>(
        Pipeline<int64_t>(), CountAction{});
    return scheduler.RunJob(rdd.AsNode(), runner, {0, 1}, "job");
  }
  std::unique_ptr<Context> ctx_;  // only to build a real lineage node
};

TEST_F(NoExecutorsTest, AJobFailsWithTheReasonAfterTheTimeout) {
  SwitchableBackend backend;
  DagSchedulerOptions options;
  options.app_id = "app";
  options.no_executors_timeout = absl::Milliseconds(300);
  DagScheduler scheduler(&backend, options);
  const absl::Time start = absl::Now();
  auto outcome = Run(scheduler);
  const absl::Duration took = absl::Now() - start;
  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_NE(outcome.status().message().find("no executor registered"), absl::string_view::npos)
      << outcome.status();
  EXPECT_GE(took, absl::Milliseconds(300));
  EXPECT_LT(took, absl::Seconds(10));
}

TEST_F(NoExecutorsTest, AJobContinuesWhenAnExecutorComesInTime) {
  SwitchableBackend backend;
  DagSchedulerOptions options;
  options.app_id = "app";
  options.no_executors_timeout = absl::Seconds(30);
  DagScheduler scheduler(&backend, options);
  std::thread later([&backend] {
    absl::SleepFor(absl::Milliseconds(200));
    backend.Up();
  });
  auto outcome = Run(scheduler);
  later.join();
  ASSERT_TRUE(outcome.ok()) << outcome.status();
  EXPECT_EQ(outcome->size(), 2u);
}

}  // namespace
}  // namespace centella

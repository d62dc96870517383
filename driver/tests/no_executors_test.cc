// Jobs never hang silently for lack of executors: they wait for one (and continue when it
// comes), and fail with the reason after centella.scheduler.noExecutorsTimeout.
#include <thread>

#include "centella/centella.h"
#include "driver/dag/dag_scheduler.h"
#include "driver/tests/scripted_backend.h"
#include "gtest/gtest.h"

namespace centella {
namespace {

// Starts with no executor; every launched task succeeds at once.
ScriptedBackend NoExecutorsYet() {
  return ScriptedBackend(
      [](const v1::TaskDescriptor& t) -> std::optional<v1::TaskResult> {
        v1::TaskResult r = ResultFor(t, v1::TASK_STATE_FINISHED);
        r.set_value(SerializeToString(int64_t{1}));
        return r;
      },
      {});
}

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
  ScriptedBackend backend = NoExecutorsYet();
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
  ScriptedBackend backend = NoExecutorsYet();
  DagSchedulerOptions options;
  options.app_id = "app";
  options.no_executors_timeout = absl::Seconds(30);
  DagScheduler scheduler(&backend, options);
  std::thread later([&backend] {
    absl::SleepFor(absl::Milliseconds(200));
    backend.SetExecutors({{"exec-1", "host", 2}});
  });
  auto outcome = Run(scheduler);
  later.join();
  ASSERT_TRUE(outcome.ok()) << outcome.status();
  EXPECT_EQ(outcome->size(), 2u);
}

}  // namespace
}  // namespace centella

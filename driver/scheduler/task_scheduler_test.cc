// Task placement: cache locality (tasks go to the executor holding their cached partition,
// wait for it up to the locality wait, never wait for one that is gone), retries on
// another executor, and exclusion of an executor that keeps failing a stage's tasks.
#include "driver/scheduler/task_scheduler.h"

#include <algorithm>
#include <map>

#include "gtest/gtest.h"

namespace centella {
namespace {

// Executors with one core each; records which partitions each was given.
class RecordingBackend : public ExecutorBackend {
 public:
  explicit RecordingBackend(std::vector<std::string> executors)
      : executors_(std::move(executors)) {}
  void SetResultCallback(ResultCallback) override {}
  std::vector<ExecutorSlots> Executors() const override {
    std::vector<ExecutorSlots> out;
    for (const std::string& e : executors_) out.push_back({e, "host", 1});
    return out;
  }
  void LaunchTasks(const std::string& executor_id, std::shared_ptr<const v1::StagePlan>,
                   std::vector<v1::TaskDescriptor> tasks) override {
    for (const auto& t : tasks) {
      order.push_back(t);
      launched[executor_id].push_back(t.partition());
      task_ids[t.partition()] = t.task_id();
      plan_stage[t.task_id()] = t.stage_id();
      epochs[t.partition()] = t.epoch();
    }
  }
  std::map<std::string, int> plan_stage;
  void KillTask(const std::string& executor_id, const std::string& task_id,
                const std::string&) override {
    killed.push_back(task_id);
  }
  std::vector<std::string> killed;
  std::vector<v1::TaskDescriptor> order;  // every launch, in order
  void RemoveStage(int) override {}
  void Shutdown() override {}

  std::vector<std::string> executors_;
  std::map<std::string, std::vector<int>> launched;
  std::map<int, std::string> task_ids;
  std::map<int, int64_t> epochs;
};

std::vector<v1::TaskDescriptor> Tasks(int n) {
  std::vector<v1::TaskDescriptor> tasks(n);
  for (int p = 0; p < n; ++p) {
    tasks[p].set_stage_id(1);
    tasks[p].set_partition(p);
  }
  return tasks;
}

v1::TaskResult Finished(RecordingBackend& backend, int partition) {
  v1::TaskResult r;
  r.set_task_id(backend.task_ids.at(partition));
  r.set_stage_id(1);
  r.set_partition(partition);
  r.set_state(v1::TASK_STATE_FINISHED);
  r.mutable_metrics()->set_run_time_micros(1000000);  // long tasks: one per core
  return r;
}

v1::TaskResult Failed(RecordingBackend& backend, int partition) {
  v1::TaskResult r = Finished(backend, partition);
  r.set_state(v1::TASK_STATE_FAILED);
  r.set_error_message("boom");
  return r;
}

std::vector<v1::TaskDescriptor> StageTasks(int stage, int n) {
  std::vector<v1::TaskDescriptor> tasks = Tasks(n);
  for (auto& t : tasks) t.set_stage_id(stage);
  return tasks;
}

std::shared_ptr<v1::StagePlan> Plan(int stage) {
  auto plan = std::make_shared<v1::StagePlan>();
  plan->set_stage_id(stage);
  return plan;
}

v1::TaskResult FinishedTask(const v1::TaskDescriptor& t) {
  v1::TaskResult r;
  r.set_task_id(t.task_id());
  r.set_stage_id(t.stage_id());
  r.set_partition(t.partition());
  r.set_state(v1::TASK_STATE_FINISHED);
  r.mutable_metrics()->set_run_time_micros(1000000);
  return r;
}

// Two executors of one core; job 0 has 4 tasks, job 1 arrives with 4 while job 0 holds
// both slots. Returns the stages of the launches after the first two.
std::vector<int> StagesLaunchedAfterTwoJobs(SchedulingPolicy policy) {
  RecordingBackend backend({"a", "b"});
  TaskScheduler scheduler(&backend, 4);
  scheduler.SetPolicy(std::move(policy));
  scheduler.JobStarted(0, "default");
  scheduler.JobStarted(1, "default");
  scheduler.Submit(Plan(10), StageTasks(10, 4), {}, /*job_id=*/0);
  scheduler.Submit(Plan(20), StageTasks(20, 4), {}, /*job_id=*/1);
  EXPECT_EQ(backend.order.size(), 2u);
  // Finish whatever ran first, one at a time, until all eight ran.
  for (size_t next = 0; next < backend.order.size() && next < 8; ++next) {
    scheduler.OnResult(FinishedTask(backend.order[next]));
  }
  std::vector<int> stages;
  for (size_t i = 2; i < backend.order.size(); ++i) stages.push_back(backend.order[i].stage_id());
  return stages;
}

TEST(TaskSchedulerPoolsTest, FifoRunsTheFirstJobToTheEndFirst) {
  EXPECT_EQ(StagesLaunchedAfterTwoJobs(SchedulingPolicy()),
            (std::vector<int>{10, 10, 20, 20, 20, 20}));
}

TEST(TaskSchedulerPoolsTest, FairGivesTheLaterJobItsShareAtOnce) {
  // Each freed slot goes to the job running fewer tasks: job 1 at once, then in turn.
  EXPECT_EQ(StagesLaunchedAfterTwoJobs(SchedulingPolicy(SchedulingMode::kFair, {})),
            (std::vector<int>{20, 10, 20, 10, 20, 20}));
}

TEST(TaskSchedulerPoolsTest, RunningAttemptsOfAStageCanBeKilled) {
  RecordingBackend backend({"a", "b"});
  TaskScheduler scheduler(&backend, 4);
  scheduler.Submit(Plan(10), StageTasks(10, 3), {}, 0);
  std::vector<std::pair<std::string, std::string>> running = scheduler.RunningAttemptsOfStage(10);
  std::sort(running.begin(), running.end());
  EXPECT_EQ(running,
            (std::vector<std::pair<std::string, std::string>>{{"10.0.0", "a"}, {"10.1.0", "b"}}));
  EXPECT_EQ(scheduler.queued(), 1);
  scheduler.CancelStage(10);
  EXPECT_EQ(scheduler.queued(), 0);
  EXPECT_TRUE(scheduler.RunningAttemptsOfStage(20).empty());
}

TEST(TaskSchedulerPoolsTest, AForgottenStageKeepsNothingAndItsStragglersFreeTheirSlots) {
  RecordingBackend backend({"a"});
  TaskScheduler scheduler(&backend, 4);
  scheduler.Submit(Plan(10), StageTasks(10, 1), {}, 0);
  scheduler.Submit(Plan(20), StageTasks(20, 1), {}, 1);
  ASSERT_EQ(backend.order.size(), 1u);  // one slot: stage 20 waits
  EXPECT_EQ(scheduler.tracked_stages(), 2);
  scheduler.ForgetStage(10);
  EXPECT_EQ(scheduler.tracked_stages(), 1);
  // The straggler's result is ignored, whatever it says, and its slot goes to stage 20.
  EXPECT_EQ(scheduler.OnResult(FinishedTask(backend.order[0])), TaskScheduler::Verdict::kIgnored);
  ASSERT_EQ(backend.order.size(), 2u);
  EXPECT_EQ(backend.order[1].stage_id(), 20);
  EXPECT_EQ(scheduler.tracked_stages(), 1);
}

TEST(TaskSchedulerPoolsTest, AShuffleRecomputedByANewStageGetsNewAttemptNumbers) {
  RecordingBackend backend({"a"});
  TaskScheduler scheduler(&backend, 4);
  scheduler.Submit(Plan(10), StageTasks(10, 1), {}, 0, /*shuffle_id=*/7);
  scheduler.OnResult(FinishedTask(backend.order[0]));
  scheduler.ForgetStage(10);
  // A later job's stage for the same shuffle recomputes map 0: attempt 1, not 0 again.
  scheduler.Submit(Plan(20), StageTasks(20, 1), {}, 1, /*shuffle_id=*/7);
  ASSERT_EQ(backend.order.size(), 2u);
  EXPECT_EQ(backend.order[1].attempt(), 1);
  scheduler.OnResult(FinishedTask(backend.order[1]));
  scheduler.ForgetShuffle(7);
  scheduler.Submit(Plan(30), StageTasks(30, 1), {}, 2, /*shuffle_id=*/7);
  EXPECT_EQ(backend.order[2].attempt(), 0);  // a shuffle removed starts over
}

TEST(TaskSchedulerRetryTest, AFailedTaskIsRetriedOnAnotherExecutor) {
  RecordingBackend backend({"a", "b"});
  TaskScheduler scheduler(&backend, 4);
  scheduler.Submit(Plan(1), Tasks(1));
  ASSERT_EQ(backend.launched["a"], (std::vector<int>{0}));
  EXPECT_EQ(scheduler.OnResult(Failed(backend, 0)), TaskScheduler::Verdict::kRetrying);
  EXPECT_EQ(backend.launched["a"], (std::vector<int>{0}));
  EXPECT_EQ(backend.launched["b"], (std::vector<int>{0}));
}

TEST(TaskSchedulerRetryTest, AnExecutorFailingTasksIsExcludedForTheJob) {
  RecordingBackend backend({"a", "b"});
  TaskScheduler scheduler(&backend, 4);
  scheduler.Submit(Plan(1), Tasks(6));
  ASSERT_EQ(backend.launched["a"], (std::vector<int>{0}));
  ASSERT_EQ(backend.launched["b"], (std::vector<int>{1}));
  scheduler.OnResult(Failed(backend, 0));  // 0 waits for b; a takes 2
  ASSERT_EQ(backend.launched["a"], (std::vector<int>{0, 2}));
  scheduler.OnResult(Failed(backend, 2));  // a failed two tasks: excluded
  EXPECT_EQ(scheduler.ExcludedExecutors(0), (std::vector<std::string>{"a"}));
  EXPECT_EQ(backend.launched["a"], (std::vector<int>{0, 2}));
  // Everything else runs on b, one task at a time.
  for (int round = 0; round < 5; ++round) {
    int running = backend.launched["b"].back();
    scheduler.OnResult(Finished(backend, running));
  }
  EXPECT_EQ(backend.launched["a"], (std::vector<int>{0, 2}));
  std::vector<int> on_b = backend.launched["b"];
  std::sort(on_b.begin(), on_b.end());
  EXPECT_EQ(on_b, (std::vector<int>{0, 1, 2, 3, 4, 5}));
}

TEST(TaskSchedulerRetryTest, ExclusionLastsForTheWholeJobAndOnlyForIt) {
  RecordingBackend backend({"a", "b"});
  TaskScheduler scheduler(&backend, 4);
  auto plan = Plan(1);
  scheduler.Submit(plan, Tasks(3), {}, /*job_id=*/5);
  scheduler.OnResult(Failed(backend, 0));  // a: 0 failed, takes 2
  scheduler.OnResult(Failed(backend, 2));  // a: two tasks of job 5 failed
  ASSERT_EQ(scheduler.ExcludedExecutors(5), (std::vector<std::string>{"a"}));
  for (int round = 0; round < 3; ++round) {
    scheduler.OnResult(Finished(backend, backend.launched["b"].back()));
  }
  // A later stage of the same job: everything on b.
  backend.launched.clear();
  scheduler.Submit(plan, Tasks(2), {}, /*job_id=*/5);
  EXPECT_TRUE(backend.launched["a"].empty());
  EXPECT_EQ(backend.launched["b"], (std::vector<int>{0}));
  scheduler.OnResult(Finished(backend, 0));
  scheduler.OnResult(Finished(backend, 1));
  // Another job may use a; and once job 5 ended, so may it.
  backend.launched.clear();
  scheduler.Submit(plan, Tasks(2), {}, /*job_id=*/6);
  EXPECT_EQ(backend.launched["a"], (std::vector<int>{0}));
  scheduler.OnResult(Finished(backend, 0));
  scheduler.OnResult(Finished(backend, 1));
  scheduler.JobEnded(5);
  EXPECT_TRUE(scheduler.ExcludedExecutors(5).empty());
}

TEST(TaskSchedulerRetryTest, TasksCarryTheEpochOfTheirLaunch) {
  RecordingBackend backend({"a"});
  TaskScheduler scheduler(&backend, 4);
  int64_t epoch = 3;
  scheduler.SetEpochSource([&epoch] { return epoch; });
  scheduler.Submit(Plan(1), Tasks(2));
  EXPECT_EQ(backend.epochs[0], 3);
  epoch = 4;  // outputs were lost while partition 1 waited for the slot
  scheduler.OnResult(Finished(backend, 0));
  EXPECT_EQ(backend.epochs[1], 4);
}

TEST(TaskSchedulerRetryTest, FailuresOfASupersededAttemptAreIgnored) {
  RecordingBackend backend({"a", "b"});
  TaskScheduler scheduler(&backend, 4);
  auto attempt0 = Plan(1);
  scheduler.Submit(attempt0, Tasks(2));
  v1::TaskResult late = Failed(backend, 1);  // reported after the stage was resubmitted
  late.set_state(v1::TASK_STATE_FETCH_FAILED);
  scheduler.CancelStage(1);
  auto attempt1 = std::make_shared<v1::StagePlan>(*attempt0);
  attempt1->set_stage_attempt(1);
  std::vector<v1::TaskDescriptor> again = Tasks(1);
  again[0].set_stage_attempt(1);
  scheduler.Submit(attempt1, again);
  EXPECT_EQ(scheduler.OnResult(late), TaskScheduler::Verdict::kIgnored);
  v1::TaskResult current = Failed(backend, 0);
  current.set_stage_attempt(1);
  current.set_state(v1::TASK_STATE_FETCH_FAILED);
  EXPECT_EQ(scheduler.OnResult(current), TaskScheduler::Verdict::kFetchFailed);
}

TEST(TaskSchedulerRetryTest, TheOnlyExecutorLeftStillGetsTheRetries) {
  RecordingBackend backend({"a"});
  TaskScheduler scheduler(&backend, 4);
  auto plan = Plan(1);
  std::vector<v1::TaskDescriptor> tasks = Tasks(2);
  scheduler.Submit(plan, {tasks[0]});
  scheduler.OnResult(Failed(backend, 0));
  scheduler.OnResult(Failed(backend, 0));
  EXPECT_TRUE(scheduler.ExcludedExecutors(0).empty());  // one task twice, not two tasks
  scheduler.Submit(plan, {tasks[1]});
  scheduler.OnResult(Finished(backend, 0));
  scheduler.OnResult(Failed(backend, 1));
  EXPECT_EQ(scheduler.ExcludedExecutors(0), (std::vector<std::string>{"a"}));
  // Excluded, but nobody else can run it: it runs on a rather than hang.
  EXPECT_EQ(backend.launched["a"], (std::vector<int>{0, 0, 0, 1, 1}));
}

TEST(TaskSchedulerLocalityTest, TasksGoToTheExecutorHoldingTheirPartition) {
  RecordingBackend backend({"a", "b"});
  TaskScheduler scheduler(&backend, 4);
  // The opposite of what first-come order would give: 0 and 2 on b, 1 and 3 on a.
  for (int p = 0; p < 4; ++p) scheduler.cache_locations().Add(7, p, p % 2 == 0 ? "b" : "a");
  scheduler.Submit(Plan(1), Tasks(4), {7});
  EXPECT_EQ(backend.launched["a"], (std::vector<int>{1}));
  EXPECT_EQ(backend.launched["b"], (std::vector<int>{0}));
  scheduler.OnResult(Finished(backend, 1));
  scheduler.OnResult(Finished(backend, 0));
  EXPECT_EQ(backend.launched["a"], (std::vector<int>{1, 3}));
  EXPECT_EQ(backend.launched["b"], (std::vector<int>{0, 2}));
}

TEST(TaskSchedulerLocalityTest, ATaskWaitsForItsHolderThenRunsAnywhere) {
  RecordingBackend backend({"a", "b"});
  TaskScheduler scheduler(&backend, 4);
  std::vector<absl::Duration> revives;
  scheduler.SetLocalityWait(absl::Milliseconds(50),
                            [&revives](absl::Duration d) { revives.push_back(d); });
  scheduler.cache_locations().Add(7, 0, "a");
  scheduler.cache_locations().Add(7, 1, "a");
  scheduler.Submit(Plan(1), Tasks(2), {7});
  // a runs partition 0; b stays idle rather than take partition 1 at once.
  EXPECT_EQ(backend.launched["a"], (std::vector<int>{0}));
  EXPECT_TRUE(backend.launched["b"].empty());
  ASSERT_EQ(revives.size(), 1u);
  EXPECT_LE(revives[0], absl::Milliseconds(51));
  absl::SleepFor(absl::Milliseconds(60));
  scheduler.Revive();  // the wait ran out
  EXPECT_EQ(backend.launched["b"], (std::vector<int>{1}));
}

TEST(TaskSchedulerLocalityTest, NoWaitingForAnExecutorThatIsGone) {
  RecordingBackend backend({"a"});
  TaskScheduler scheduler(&backend, 4);
  scheduler.cache_locations().Add(7, 0, "lost");
  scheduler.Submit(Plan(1), Tasks(1), {7});
  EXPECT_EQ(backend.launched["a"], (std::vector<int>{0}));
}

TEST(TaskSchedulerLocalityTest, ResultsUpdateTheCacheLocations) {
  RecordingBackend backend({"a"});
  TaskScheduler scheduler(&backend, 4);
  scheduler.Submit(Plan(1), Tasks(1));
  v1::TaskResult r = Finished(backend, 0);
  v1::CachedBlock* b = r.add_cached_blocks();
  b->set_rdd_id(3);
  b->set_partition(0);
  v1::CachedBlock* d = r.add_dropped_blocks();
  d->set_rdd_id(2);
  d->set_partition(5);
  scheduler.cache_locations().Add(2, 5, "a");
  scheduler.OnResult(r);
  ASSERT_NE(scheduler.cache_locations().Get(3, 0), nullptr);
  EXPECT_EQ(*scheduler.cache_locations().Get(3, 0), (std::vector<std::string>{"a"}));
  EXPECT_EQ(scheduler.cache_locations().Get(2, 5), nullptr);
  scheduler.cache_locations().RetainExecutors({});
  EXPECT_EQ(scheduler.cache_locations().size(), 0u);
}

}  // namespace
}  // namespace centella

// Which task results the DAG scheduler merges into accumulators, driven result by result
// through a scripted backend: only a successful attempt, and only the first completion of
// its partition. A failed attempt, one killed with its executor, a late result of a lost
// attempt and a duplicate of a counted result all carry updates and must all be ignored.
#include <functional>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "centella/centella.h"
#include "driver/accumulator/accumulator_registry.h"
#include "driver/dag/dag_scheduler.h"
#include "driver/scheduler/executor_backend.h"
#include "engine/task/task_runner.h"
#include "gtest/gtest.h"

namespace centella {
namespace {

// One executor with 8 slots; launched tasks are recorded and their results are delivered
// by the test.
class ScriptedBackend : public ExecutorBackend {
 public:
  void SetResultCallback(ResultCallback callback) override {
    absl::MutexLock lock(&mu_);
    callback_ = std::move(callback);
  }
  std::vector<ExecutorSlots> Executors() const override { return {{"exec-1", "host-1", 8}}; }
  void LaunchTasks(const std::string& executor_id, std::shared_ptr<const v1::StagePlan> plan,
                   std::vector<v1::TaskDescriptor> tasks) override {
    absl::MutexLock lock(&mu_);
    for (auto& t : tasks) launched_.push_back(std::move(t));
  }
  void KillTask(const std::string&, const std::string&, const std::string&) override {}
  void RemoveStage(int stage_id) override {}
  void Shutdown() override {}

  // The launched attempt `attempt` of `partition` (waits for it).
  v1::TaskDescriptor WaitForLaunch(int partition, int attempt) {
    absl::MutexLock lock(&mu_);
    const v1::TaskDescriptor* found = nullptr;
    auto launched = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      for (const auto& t : launched_) {
        if (t.partition() == partition && t.attempt() == attempt) found = &t;
      }
      return found != nullptr;
    };
    EXPECT_TRUE(mu_.AwaitWithTimeout(absl::Condition(&launched), absl::Seconds(10)))
        << "partition " << partition << " attempt " << attempt << " was never launched";
    return found != nullptr ? *found : v1::TaskDescriptor();
  }

  void Deliver(v1::TaskResult result) {
    ResultCallback cb;
    {
      absl::MutexLock lock(&mu_);
      cb = callback_;
    }
    cb(std::move(result));
  }

 private:
  mutable absl::Mutex mu_;
  ResultCallback callback_ ABSL_GUARDED_BY(mu_);
  std::vector<v1::TaskDescriptor> launched_ ABSL_GUARDED_BY(mu_);
};

v1::TaskResult Result(const v1::TaskDescriptor& task, v1::TaskState state, int64_t accumulator,
                      int64_t added) {
  v1::TaskResult r = ResultFor(task, state);
  r.set_value(SerializeToString(int64_t{1}));
  v1::AccumulatorUpdate* u = r.add_accumulator_updates();
  u->set_accumulator_id(accumulator);
  u->set_value(SerializeToString(added));
  return r;
}

TEST(AccumulatorMergeTest, OnlyTheFirstSuccessOfEachPartitionCounts) {
  // A context only to build a real lineage node and runner for the plan.
  auto ctx = Context::Create(ContextOptions{});
  ASSERT_TRUE(ctx.ok()) << ctx.status();
  auto rdd = (*ctx)->parallelize(std::vector<int64_t>(16, 1), 4);
  auto runner = std::make_shared<ResultRunner<Pipeline<int64_t>, CountAction>>(Pipeline<int64_t>(),
                                                                               CountAction{});

  AccumulatorRegistry registry;
  const int64_t acc = registry.Register<int64_t>(1000, "sum", std::plus<int64_t>());
  ScriptedBackend backend;
  absl::StatusOr<std::vector<std::string>> outcome;
  {
    DagSchedulerOptions options;
    options.app_id = "app-test";
    options.accumulators = &registry;
    DagScheduler scheduler(&backend, std::move(options));
    std::thread job([&] { outcome = scheduler.RunJob(rdd.AsNode(), runner, {0, 1, 2, 3}, "job"); });

    // Partition 0: the first attempt fails after adding; its retry counts.
    backend.Deliver(Result(backend.WaitForLaunch(0, 0), v1::TASK_STATE_FAILED, acc, 100));
    backend.Deliver(Result(backend.WaitForLaunch(0, 1), v1::TASK_STATE_FINISHED, acc, 1));
    // Partition 1: its executor is lost (KILLED) and the task runs again; the lost
    // attempt's own result arrives late and is stale.
    v1::TaskDescriptor lost = backend.WaitForLaunch(1, 0);
    backend.Deliver(Result(lost, v1::TASK_STATE_KILLED, acc, 100));
    v1::TaskDescriptor rerun = backend.WaitForLaunch(1, 1);
    backend.Deliver(Result(lost, v1::TASK_STATE_FINISHED, acc, 100));
    backend.Deliver(Result(rerun, v1::TASK_STATE_FINISHED, acc, 2));
    // Partition 2: counted, then the same result again (a duplicate).
    v1::TaskDescriptor p2 = backend.WaitForLaunch(2, 0);
    backend.Deliver(Result(p2, v1::TASK_STATE_FINISHED, acc, 4));
    backend.Deliver(Result(p2, v1::TASK_STATE_FINISHED, acc, 100));
    // Partition 3: plain success.
    backend.Deliver(Result(backend.WaitForLaunch(3, 0), v1::TASK_STATE_FINISHED, acc, 8));
    job.join();
  }
  ASSERT_TRUE(outcome.ok()) << outcome.status();
  EXPECT_EQ(outcome->size(), 4u);
  absl::StatusOr<int64_t> total = registry.Value<int64_t, std::plus<int64_t>>(acc);
  ASSERT_TRUE(total.ok()) << total.status();
  EXPECT_EQ(*total, 1000 + 1 + 2 + 4 + 8);
}

TEST(AccumulatorMergeTest, UndecodableOrUnknownUpdatesAreReportedNotMerged) {
  AccumulatorRegistry registry;
  const int64_t acc = registry.Register<int64_t>(0, "sum", std::plus<int64_t>());
  google::protobuf::RepeatedPtrField<v1::AccumulatorUpdate> updates;
  v1::AccumulatorUpdate* good = updates.Add();
  good->set_accumulator_id(acc);
  good->set_value(SerializeToString(int64_t{5}));
  v1::AccumulatorUpdate* unknown = updates.Add();
  unknown->set_accumulator_id(77);
  unknown->set_value(SerializeToString(int64_t{5}));
  v1::AccumulatorUpdate* corrupt = updates.Add();
  corrupt->set_accumulator_id(acc);
  corrupt->set_value("\xff");
  absl::Status s = registry.MergeUpdates(updates);
  EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss);
  EXPECT_NE(s.message().find("unknown accumulator 77"), std::string_view::npos) << s;
  EXPECT_EQ(*(registry.Value<int64_t, std::plus<int64_t>>(acc)), 5);
}

}  // namespace
}  // namespace centella

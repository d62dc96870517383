// Lineage recovery when an executor process dies (SIGKILL) on a real cluster: while it
// runs map tasks, while it runs reduce tasks, and after it cached partitions of a
// persisted RDD. What it was running runs again elsewhere and the answer is exact. What it
// had finished is not redone: its map outputs stay on its daemon, which keeps serving
// them, and of the persisted RDD only the partitions it held are recomputed.
//
// Tasks are counted per (stage, partition) with a RecordingListener; computations of a
// persisted partition with files the computing task leaves (on a cluster tasks run in
// other processes).
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <numeric>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "engine/task/task_context.h"
#include "tests/cluster/local_cluster.h"
#include "tests/operators/background_job.h"
#include "tests/operators/operator_test.h"
#include "tests/operators/recording_listener.h"

namespace centella {
namespace {

namespace fs = std::filesystem;

using Pair = std::pair<int64_t, int64_t>;

constexpr int kPartitions = 8;
// The shared cluster has 2 executors of 2 cores. Tasks of partitions below kFirstHeld
// finish; those from kFirstHeld on hold their first attempt. Each executor is handed two
// tasks of the first half, then, as it finishes them, two of the second half: it ends up
// with exactly two partitions done and two running when the test kills it.
constexpr int kFirstHeld = 4;
// Every task works this long: above the scheduler's pipelining threshold (20 ms), so an
// executor is given one task per core at a time.
constexpr int kWorkMs = 50;

// In its first attempt, a task of partition >= `first_held` leaves "<dir>/held-<p>" and
// waits until "<dir>/release" exists (at most 30 s, so that a broken test cannot hang).
// Every task first works `work_ms`.
struct HoldSecondHalf {
  std::string dir;
  int first_held = kPartitions;
  int work_ms = kWorkMs;

  std::vector<Pair> operator()(int partition, std::vector<Pair>&& records) const {
    absl::SleepFor(absl::Milliseconds(work_ms));
    const TaskContext* task = TaskContext::Current();
    if (partition >= first_held && task != nullptr && task->attempt() == 0) {
      std::ofstream(absl::StrCat(dir, "/held-", partition));
      const absl::Time give_up = absl::Now() + absl::Seconds(30);
      while (!fs::exists(dir + "/release") && absl::Now() < give_up) {
        absl::SleepFor(absl::Milliseconds(5));
      }
    }
    return std::move(records);
  }
  CENTELLA_FIELDS(dir, first_held, work_ms)
};

using SumsJob = BackgroundJob<absl::StatusOr<std::vector<Pair>>>;

void Touch(const fs::path& path) { std::ofstream(path.string()); }

// (x % 13, x) for x in 0..n-1, and the sums per key a reduce_by_key must give.
std::vector<Pair> KeyedNumbers(int64_t n) {
  std::vector<Pair> data;
  for (int64_t x = 0; x < n; ++x) data.emplace_back(x % 13, x);
  return data;
}
std::vector<Pair> SumsPerKey(const std::vector<Pair>& data) {
  std::map<int64_t, int64_t> sums;
  for (const auto& [k, v] : data) sums[k] += v;
  return {sums.begin(), sums.end()};
}

class ExecutorLossTest : public OperatorTest {
 protected:
  void Configure(ContextOptions& options) override { options.listener = &listener_; }

  // The executor of this application on daemon `daemon` (there is one per daemon).
  LocalCluster::ExecutorProcess ExecutorOn(int daemon) {
    for (const LocalCluster::ExecutorProcess& e : cluster()->ExecutorsOfDaemon(daemon)) {
      if (e.app_id == ctx_->app_id()) return e;
    }
    ADD_FAILURE() << "no executor of " << ctx_->app_id() << " on daemon " << daemon;
    return {};
  }

  // Number of files in dir() whose name starts with `prefix`.
  int FilesStartingWith(const std::string& prefix) const {
    int n = 0;
    for (const auto& e : fs::directory_iterator(dir())) {
      n += e.path().filename().string().rfind(prefix, 0) == 0;
    }
    return n;
  }

  // Kills `victim` while it runs held tasks (see kFirstHeld) of the job's map stage, or
  // of its result stage, once the driver has heard back from the tasks of the first half. Returns
  // the partitions the victim had finished and those it was running, and waits until the driver has
  // given the running ones up as lost.
  void KillWhileHolding(bool map_stage, const LocalCluster::ExecutorProcess& victim,
                        std::set<int>* done_on_victim, std::set<int>* held_on_victim) {
    ASSERT_TRUE(WaitUntil(
        [&] {
          const int stage = map_stage ? listener_.MapStageId() : listener_.ResultStageId();
          if (stage < 0 || FilesStartingWith("held-") < kPartitions - kFirstHeld) return false;
          int finished = 0;
          for (const auto& a : listener_.AttemptsOf(stage)) {
            finished += a.result && a.result->state() == v1::TASK_STATE_FINISHED;
          }
          return finished == kFirstHeld;
        },
        absl::Seconds(20)))
        << "the tasks of the second half never all ran at once";
    const int stage = map_stage ? listener_.MapStageId() : listener_.ResultStageId();
    for (const auto& a : listener_.AttemptsOf(stage)) {
      if (a.executor_id != victim.executor_id) continue;
      (a.partition < kFirstHeld ? done_on_victim : held_on_victim)->insert(a.partition);
    }
    // By construction (kFirstHeld): two done, two running on each executor.
    ASSERT_EQ(done_on_victim->size(), 2u);
    ASSERT_EQ(held_on_victim->size(), 2u);

    ASSERT_EQ(::kill(victim.pid, SIGKILL), 0);
    ASSERT_TRUE(WaitUntil(
        [&] {
          int lost = 0;
          for (const auto& a : listener_.AttemptsOf(stage)) {
            lost += a.executor_id == victim.executor_id && a.result &&
                    a.result->state() == v1::TASK_STATE_KILLED;
          }
          return lost == 2;
        },
        absl::Seconds(10)))
        << "the driver did not give up the tasks of the killed executor";
  }

  RecordingListener listener_;
};

TEST_P(ExecutorLossTest, KilledDuringTheMapStageOnlyItsRunningMapTasksRunAgain) {
  ASSERT_TRUE(WaitForExecutors(2));
  const LocalCluster::ExecutorProcess victim = ExecutorOn(0);
  const LocalCluster::ExecutorProcess survivor = ExecutorOn(1);
  ASSERT_GT(victim.pid, 0);
  ASSERT_GT(survivor.pid, 0);
  const std::vector<Pair> data = KeyedNumbers(4000);
  auto sums = ctx_->parallelize(data, kPartitions)
                  .map_partitions_with_index(HoldSecondHalf{dir().string(), kFirstHeld})
                  .reduce_by_key(std::plus<int64_t>(), kPartitions)
                  .map_partitions_with_index(HoldSecondHalf{dir().string()});
  const fs::path release = dir() / "release";
  SumsJob job([&] { return sums.collect(); }, [release] { Touch(release); });

  std::set<int> done_on_victim, held_on_victim;
  ASSERT_NO_FATAL_FAILURE(
      KillWhileHolding(/*map_stage=*/true, victim, &done_on_victim, &held_on_victim));
  Touch(release);
  absl::StatusOr<std::vector<Pair>> result = job.Join();
  ASSERT_TRUE(result.ok()) << result.status();
  std::sort(result->begin(), result->end());
  EXPECT_EQ(*result, SumsPerKey(data));

  // Only the two map tasks the executor was running ran again, elsewhere; the two it had
  // finished did not: their outputs were fetched from its daemon.
  const int map_stage = listener_.MapStageId();
  const int result_stage = listener_.ResultStageId();
  std::map<int, int> expected;
  for (int p = 0; p < kPartitions; ++p) expected[p] = held_on_victim.contains(p) ? 2 : 1;
  EXPECT_EQ(listener_.LaunchesPerPartition(map_stage), expected);
  for (const auto& a : listener_.AttemptsOf(map_stage)) {
    if (a.attempt > 0) {
      EXPECT_NE(a.executor_id, victim.executor_id) << a.task_id;
    }
  }
  // No fetch failure, no stage submitted twice, each reduce task ran once.
  EXPECT_EQ(listener_.CountEnded(v1::TASK_STATE_FETCH_FAILED), 0);
  EXPECT_EQ(listener_.Submissions().size(), 2u);
  std::map<int, int> once;
  for (int p = 0; p < kPartitions; ++p) once[p] = 1;
  EXPECT_EQ(listener_.LaunchesPerPartition(result_stage), once);
  // The surviving executor's reduce tasks read the victim's map outputs over the network,
  // from daemon 0.
  int reduce_on_survivor = 0;
  for (const auto& a : listener_.AttemptsOf(result_stage)) {
    reduce_on_survivor += a.executor_id == survivor.executor_id;
  }
  EXPECT_GT(reduce_on_survivor, 0);
  std::printf(
      "executor %s killed while running map partitions %d and %d; %d map launches in "
      "all, %d reduce tasks on the survivor\n",
      victim.executor_id.c_str(), *held_on_victim.begin(), *held_on_victim.rbegin(),
      static_cast<int>(listener_.AttemptsOf(map_stage).size()), reduce_on_survivor);
}

TEST_P(ExecutorLossTest, KilledDuringTheReduceStageNoMapTaskRunsAgain) {
  ASSERT_TRUE(WaitForExecutors(2));
  const LocalCluster::ExecutorProcess victim = ExecutorOn(0);
  ASSERT_GT(victim.pid, 0);
  const std::vector<Pair> data = KeyedNumbers(4000);
  auto sums = ctx_->parallelize(data, kPartitions)
                  .map_partitions_with_index(HoldSecondHalf{dir().string()})
                  .reduce_by_key(std::plus<int64_t>(), kPartitions)
                  .map_partitions_with_index(HoldSecondHalf{dir().string(), kFirstHeld});
  const fs::path release = dir() / "release";
  SumsJob job([&] { return sums.collect(); }, [release] { Touch(release); });

  std::set<int> done_on_victim, held_on_victim;
  ASSERT_NO_FATAL_FAILURE(
      KillWhileHolding(/*map_stage=*/false, victim, &done_on_victim, &held_on_victim));
  Touch(release);
  absl::StatusOr<std::vector<Pair>> result = job.Join();
  ASSERT_TRUE(result.ok()) << result.status();
  std::sort(result->begin(), result->end());
  EXPECT_EQ(*result, SumsPerKey(data));

  // The victim wrote map outputs; they outlived it (served by its daemon), so no map task
  // ran again — not even for the reduce tasks re-run after the kill.
  const int map_stage = listener_.MapStageId();
  const int result_stage = listener_.ResultStageId();
  int maps_on_victim = 0;
  for (const auto& a : listener_.AttemptsOf(map_stage)) {
    maps_on_victim += a.executor_id == victim.executor_id;
  }
  EXPECT_GT(maps_on_victim, 0) << "the victim wrote no map output; the test proves nothing";
  std::map<int, int> once, expected;
  for (int p = 0; p < kPartitions; ++p) {
    once[p] = 1;
    expected[p] = held_on_victim.contains(p) ? 2 : 1;
  }
  EXPECT_EQ(listener_.LaunchesPerPartition(map_stage), once);
  EXPECT_EQ(listener_.LaunchesPerPartition(result_stage), expected);
  for (const auto& a : listener_.AttemptsOf(result_stage)) {
    if (a.attempt > 0) {
      EXPECT_NE(a.executor_id, victim.executor_id) << a.task_id;
    }
  }
  EXPECT_EQ(listener_.CountEnded(v1::TASK_STATE_FETCH_FAILED), 0);
  EXPECT_EQ(listener_.Submissions().size(), 2u);
  std::printf(
      "executor %s (%d map outputs) killed while running reduce partitions %d and %d; "
      "%d reduce launches in all\n",
      victim.executor_id.c_str(), maps_on_victim, *held_on_victim.begin(), *held_on_victim.rbegin(),
      static_cast<int>(listener_.AttemptsOf(result_stage).size()));
}

// Leaves a file "<dir>/computed-<p>-..." each time it computes partition p.
struct RecordComputation {
  std::string dir;

  std::vector<int64_t> operator()(int partition, std::vector<int64_t>&& xs) const {
    static std::atomic<int> serial{0};
    absl::SleepFor(absl::Milliseconds(kWorkMs));  // spreads the first job over both executors
    std::ofstream(absl::StrCat(dir, "/computed-", partition, "-", ::getpid(), "-", serial++));
    return std::move(xs);
  }
  CENTELLA_FIELDS(dir)
};

class CachedBlocksLossTest : public ExecutorLossTest {
 protected:
  void Configure(ContextOptions& options) override {
    ExecutorLossTest::Configure(options);
    // A task reading a cached partition waits for the executor holding it, however busy.
    ASSERT_TRUE(options.conf.Set("centella.locality.wait", "30s").ok());
  }

  void KillAndReadAgain(bool driver_knows);

  // Computations of each partition so far.
  std::map<int, int> Computations() const {
    std::map<int, int> n;
    for (int p = 0; p < kPartitions; ++p) {
      n[p] = FilesStartingWith(absl::StrCat("computed-", p, "-"));
    }
    return n;
  }
};

// Persists 8 partitions, kills the executor on daemon 0 once they are cached, and reads
// them again. With `driver_knows`, the second job starts once the driver has given the
// executor up, and before a replacement exists: daemon 0 is stopped (SIGSTOP) meanwhile,
// so that it cannot start one. Otherwise the job starts at once, when the driver may
// still think the executor alive and send it tasks.
void CachedBlocksLossTest::KillAndReadAgain(bool driver_knows) {
  ASSERT_TRUE(WaitForExecutors(2));
  const LocalCluster::ExecutorProcess victim = ExecutorOn(0);
  ASSERT_GT(victim.pid, 0);
  std::vector<int64_t> data(4000);
  std::iota(data.begin(), data.end(), 0);
  auto cached = ctx_->parallelize(data, kPartitions)
                    .map_partitions_with_index(RecordComputation{dir().string()})
                    .persist();
  ASSERT_EQ(*cached.count(), static_cast<int64_t>(data.size()));
  std::map<int, int> once;
  for (int p = 0; p < kPartitions; ++p) once[p] = 1;
  ASSERT_EQ(Computations(), once);

  // Where each partition is cached: the executor whose task reported storing it.
  std::set<int> on_victim;
  int cached_blocks = 0;
  for (const auto& a : listener_.Attempts()) {
    if (!a.result) continue;
    for (const v1::CachedBlock& b : a.result->cached_blocks()) {
      ++cached_blocks;
      if (a.executor_id == victim.executor_id) on_victim.insert(b.partition());
    }
  }
  ASSERT_EQ(cached_blocks, kPartitions);
  ASSERT_FALSE(on_victim.empty()) << "nothing cached on the executor to kill";
  ASSERT_LT(on_victim.size(), static_cast<size_t>(kPartitions)) << "everything on one executor";

  ChildProcess& daemon = cluster()->daemon(0);
  struct ResumeAtExit {
    ChildProcess& daemon;
    ~ResumeAtExit() { daemon.Signal(SIGCONT); }
  } resume{daemon};
  if (driver_knows) daemon.Signal(SIGSTOP);
  ASSERT_EQ(::kill(victim.pid, SIGKILL), 0);
  ASSERT_TRUE(WaitUntil([&] { return !ProcessIsAlive(victim.pid); }, absl::Seconds(10)));
  if (driver_knows) {
    ASSERT_TRUE(WaitUntil([&] { return ctx_->num_executors() == 1; }, absl::Seconds(10)))
        << "the driver did not notice that the executor died";
  }
  listener_.Clear();
  auto all = cached.collect();
  ASSERT_TRUE(all.ok()) << all.status();
  std::sort(all->begin(), all->end());
  EXPECT_EQ(*all, data);
  // The victim's partitions were computed again, once each; the others were read from
  // the surviving executor's cache.
  std::map<int, int> expected;
  for (int p = 0; p < kPartitions; ++p) expected[p] = on_victim.contains(p) ? 2 : 1;
  EXPECT_EQ(Computations(), expected);
  int sent_to_victim = 0;
  for (const auto& a : listener_.Attempts()) {
    if (a.executor_id != victim.executor_id) continue;
    ++sent_to_victim;
    EXPECT_TRUE(a.result && a.result->state() == v1::TASK_STATE_KILLED) << a.task_id;
  }
  // A driver that has not noticed yet learns it from the first launch that fails: the
  // executor gets at most one task per core, not retries of them round after round.
  EXPECT_LE(sent_to_victim, driver_knows ? 0 : 2);
  daemon.Signal(SIGCONT);

  // The recomputed partitions are cached again: a third job computes nothing.
  EXPECT_EQ(*cached.count(), static_cast<int64_t>(data.size()));
  EXPECT_EQ(Computations(), expected);
  std::printf(
      "executor %s held %zu of %d cached partitions, recomputed after it was killed; "
      "the second job sent it %d tasks before giving it up\n",
      victim.executor_id.c_str(), on_victim.size(), kPartitions, sent_to_victim);
}

TEST_P(CachedBlocksLossTest, OnlyThePartitionsOfTheLostExecutorAreRecomputed) {
  KillAndReadAgain(/*driver_knows=*/true);
}

TEST_P(CachedBlocksLossTest, OnlyThePartitionsOfAnExecutorDyingUnnoticedAreRecomputed) {
  KillAndReadAgain(/*driver_knows=*/false);
}

CENTELLA_ON_CLUSTER(ExecutorLossTest);
CENTELLA_ON_CLUSTER(CachedBlocksLossTest);

}  // namespace
}  // namespace centella

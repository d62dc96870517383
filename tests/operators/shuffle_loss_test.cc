// Lineage recovery when map output files are lost or damaged on a daemon's disk. Two
// actions read the same shuffle; the second skips the map stage because its outputs are
// registered. In between, the test deletes or corrupts the files of one map output on each
// daemon. The second action's reduce tasks then fail to fetch those blocks (read from the
// local disk or from the other daemon's shuffle service), the scheduler runs exactly the
// damaged map tasks again, and the answer is exact. On a cluster only: local masters have
// no daemons.
//
// A fetch failure reported by a task of an older attempt of the reduce stage, once the map
// output it names has been recomputed, makes the scheduler recompute that output again
// (see StaleFetchFailureDoesNotRerunARecomputedMapOutput, skipped until that is fixed).
// The other tests keep such reports out of their way: a damaged map task's re-run waits
// until every reduce task that may have read the damaged output has reported.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
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

void Touch(const fs::path& path) { std::ofstream(path.string()); }

// Waits until `path` exists, at most 30 s (so that a broken test cannot hang).
void AwaitFile(const std::string& path) {
  const absl::Time give_up = absl::Now() + absl::Seconds(30);
  while (!fs::exists(path) && absl::Now() < give_up) absl::SleepFor(absl::Milliseconds(5));
}

// A map task's re-run (any attempt after the first) waits for "<dir>/go-<partition>".
struct GateReruns {
  std::string dir;
  std::vector<Pair> operator()(int partition, std::vector<Pair>&& records) const {
    const TaskContext* task = TaskContext::Current();
    if (task != nullptr && task->attempt() > 0) AwaitFile(absl::StrCat(dir, "/go-", partition));
    return std::move(records);
  }
  CENTELLA_FIELDS(dir)
};

enum class Damage { kDataFileDeleted, kIndexFileDeleted, kDataFileCorrupted };

// One map output on a daemon's disk: <shuffle dir>/shuffle_<id>/<map>_<attempt>.{index,data}.
struct MapOutputFiles {
  int daemon = 0;
  int map_id = 0;
  fs::path index, data;
};

void Apply(Damage damage, const MapOutputFiles& files) {
  switch (damage) {
    case Damage::kDataFileDeleted:
      ASSERT_TRUE(fs::remove(files.data)) << files.data;
      return;
    case Damage::kIndexFileDeleted:
      ASSERT_TRUE(fs::remove(files.index)) << files.index;
      return;
    case Damage::kDataFileCorrupted: {
      // Every byte flipped, so that each block of the file fails its checksum, whichever
      // reduce task reads it.
      std::string bytes;
      {
        std::ifstream in(files.data, std::ios::binary);
        bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
      }
      ASSERT_FALSE(bytes.empty()) << files.data;
      for (char& c : bytes) c = static_cast<char>(c ^ 0x5a);
      std::ofstream(files.data, std::ios::binary | std::ios::trunc) << bytes;
      return;
    }
  }
}

class ShuffleLossTest : public OperatorTest {
 protected:
  void Configure(ContextOptions& options) override { options.listener = &listener_; }

  // Every map output of this application on every daemon.
  std::vector<MapOutputFiles> MapOutputsOnDisk() const {
    std::vector<MapOutputFiles> out;
    for (int d = 0; d < cluster()->num_daemons(); ++d) {
      const fs::path root =
          fs::path(cluster()->daemon_work_dir(d)) / "apps" / ctx_->app_id() / "shuffle";
      std::error_code ec;
      for (const auto& e : fs::recursive_directory_iterator(root, ec)) {
        if (e.path().extension() != ".index") continue;
        std::vector<std::string> map_and_attempt = absl::StrSplit(e.path().stem().string(), '_');
        MapOutputFiles files{d, 0, e.path(), e.path()};
        files.data.replace_extension(".data");
        if (map_and_attempt.size() == 2 && absl::SimpleAtoi(map_and_attempt[0], &files.map_id)) {
          out.push_back(files);
        }
      }
    }
    return out;
  }

  // `reason`: what every fetch failure of the second job must say.
  void DamageOneMapOutputPerDaemonAndRunAgain(Damage damage, const std::string& reason) {
    ASSERT_TRUE(WaitForExecutors(2));  // map outputs on both daemons
    constexpr int kMaps = 8;
    std::vector<Pair> data;
    std::map<int64_t, int64_t> sums;
    for (int64_t x = 0; x < 4000; ++x) {
      data.emplace_back(x % 13, x);
      sums[x % 13] += x;
    }
    const std::vector<Pair> expected(sums.begin(), sums.end());
    auto reduced = ctx_->parallelize(data, kMaps)
                       .map_partitions_with_index(GateReruns{dir().string()})
                       .reduce_by_key(std::plus<int64_t>(), 4);

    auto first = reduced.collect();
    ASSERT_TRUE(first.ok()) << first.status();
    std::sort(first->begin(), first->end());
    ASSERT_EQ(*first, expected);
    ASSERT_GE(listener_.MapStageId(), 0);

    // One map output on each daemon: one read from the local disk and one fetched from
    // the other daemon by every reduce task, whichever executor runs it.
    std::vector<MapOutputFiles> outputs = MapOutputsOnDisk();
    ASSERT_EQ(outputs.size(), static_cast<size_t>(kMaps));
    std::map<int, MapOutputFiles> first_on_daemon;
    for (const MapOutputFiles& f : outputs) {
      auto [it, inserted] = first_on_daemon.try_emplace(f.daemon, f);
      if (!inserted && f.map_id < it->second.map_id) it->second = f;
    }
    ASSERT_EQ(first_on_daemon.size(), 2u) << "all map outputs on one daemon";
    std::set<int> damaged;
    for (const auto& [d, f] : first_on_daemon) {
      ASSERT_NO_FATAL_FAILURE(Apply(damage, f));
      damaged.insert(f.map_id);
    }

    // The second job, in the background: each damaged map task's re-run is let go once no
    // reduce task is running (all of the failed attempt's have reported).
    listener_.Clear();
    using Job = BackgroundJob<absl::StatusOr<std::vector<Pair>>>;
    const fs::path gates = dir();
    Job job([&] { return reduced.collect(); },
            [gates, damaged] {
              for (int m : damaged) Touch(gates / absl::StrCat("go-", m));
            });
    std::set<int> let_go;
    ASSERT_TRUE(WaitUntil(
        [&] {
          bool reducing = false;
          std::set<int> reruns;
          // The second job's own map stage (-1 until the fetch failures submit it): a job
          // rebuilds the stages it needs, finding the outputs registered by shuffle id.
          const int map_stage = listener_.MapStageId();
          for (const auto& a : listener_.Attempts()) {
            if (a.stage_id == map_stage) {
              reruns.insert(a.partition);
            } else if (!a.result) {
              reducing = true;
            }
          }
          for (int m : reruns) {
            if (!reducing && let_go.insert(m).second) Touch(gates / absl::StrCat("go-", m));
          }
          return job.done();
        },
        absl::Seconds(30)));
    absl::StatusOr<std::vector<Pair>> second = job.Join();
    ASSERT_TRUE(second.ok()) << second.status();
    std::sort(second->begin(), second->end());
    EXPECT_EQ(*second, expected);

    // The second job ran exactly the damaged map tasks again, once each, after fetch
    // failures that named them.
    std::map<int, int> rerun;
    for (int m : damaged) rerun[m] = 1;
    const int map_stage = listener_.MapStageId();
    EXPECT_EQ(listener_.LaunchesPerPartition(map_stage), rerun);
    int fetch_failures = 0;
    for (const auto& a : listener_.Attempts()) {
      if (!a.result || a.result->state() != v1::TASK_STATE_FETCH_FAILED) continue;
      ++fetch_failures;
      EXPECT_TRUE(damaged.contains(a.result->fetch_failure().map_id()))
          << a.result->fetch_failure().message();
      EXPECT_NE(a.result->fetch_failure().message().find(reason), std::string::npos)
          << a.result->fetch_failure().message();
    }
    EXPECT_GT(fetch_failures, 0);
    std::printf("damaged map outputs %d and %d: %d fetch failures, map tasks re-run: %zu\n",
                *damaged.begin(), *damaged.rbegin(), fetch_failures,
                listener_.AttemptsOf(map_stage).size());
  }

  RecordingListener listener_;
};

TEST_P(ShuffleLossTest, DeletedDataFilesAreRecomputed) {
  DamageOneMapOutputPerDaemonAndRunAgain(Damage::kDataFileDeleted, "cannot open");
}

TEST_P(ShuffleLossTest, DeletedIndexFilesAreRecomputed) {
  DamageOneMapOutputPerDaemonAndRunAgain(Damage::kIndexFileDeleted, "cannot open");
}

TEST_P(ShuffleLossTest, CorruptDataFilesAreRecomputed) {
  DamageOneMapOutputPerDaemonAndRunAgain(Damage::kDataFileCorrupted, "checksum mismatch");
}

// The left side of the stale-fetch-failure reproduction: left partition 0 holds the first
// attempt of its tasks until "<dir>/go-stale", left partition 1 every later attempt until
// "<dir>/go-finish". Each holding task says so with "<dir>/held-<task partition>-<attempt>".
struct HoldLeft {
  std::string dir;
  std::vector<int64_t> operator()(int partition, std::vector<int64_t>&& xs) const {
    const TaskContext* task = TaskContext::Current();
    const int attempt = task != nullptr ? task->attempt() : 0;
    const char* gate = partition == 0 && attempt == 0  ? "go-stale"
                       : partition == 1 && attempt > 0 ? "go-finish"
                                                       : nullptr;
    if (gate != nullptr) {
      Touch(absl::StrCat(dir, "/held-", task != nullptr ? task->partition() : -1, "-", attempt));
      AwaitFile(absl::StrCat(dir, "/", gate));
    }
    return std::move(xs);
  }
  CENTELLA_FIELDS(dir)
};

// A reduce task of an older attempt of a stage reports a fetch failure for a map output
// that has been recomputed since: the report is stale (the task read the map statuses of
// its own, older attempt) and must not make the scheduler recompute that output again.
//
// Deterministic: left.cartesian(reduced) has 4 tasks, left partition i with reduced
// partition j. Tasks (0, j) hold before they fetch; tasks (1, j) fetch at once, fail on the
// deleted map output m, and the stage's attempt 0 is cancelled; m runs again and attempt 1
// starts, where tasks (1, j) hold. Only then are the tasks (0, j) of attempt 0 let go: they
// fetch m's old, deleted output and report fetch failures while attempt 1 runs.
TEST_P(ShuffleLossTest, StaleFetchFailureDoesNotRerunARecomputedMapOutput) {
  ASSERT_TRUE(WaitForExecutors(2));
  std::vector<Pair> data;
  for (int64_t x = 0; x < 4000; ++x) data.emplace_back(x % 13, x);
  auto reduced = ctx_->parallelize(data, 8).reduce_by_key(std::plus<int64_t>(), 2);
  ASSERT_EQ(*reduced.count(), 13);
  std::vector<MapOutputFiles> outputs = MapOutputsOnDisk();
  ASSERT_FALSE(outputs.empty());
  ASSERT_NO_FATAL_FAILURE(Apply(Damage::kIndexFileDeleted, outputs.front()));
  const int m = outputs.front().map_id;

  listener_.Clear();
  auto left = ctx_->parallelize(std::vector<int64_t>{1, 2}, 2)
                  .map_partitions_with_index(HoldLeft{dir().string()});
  const fs::path d = dir();
  BackgroundJob<absl::StatusOr<int64_t>> job([&] { return left.cartesian(reduced).count(); },
                                             [d] {
                                               Touch(d / "go-stale");
                                               Touch(d / "go-finish");
                                             });
  // Attempt 1 runs, its tasks (1, j) held.
  ASSERT_TRUE(WaitUntil([&] { return fs::exists(d / "held-2-1") && fs::exists(d / "held-3-1"); },
                        absl::Seconds(20)))
      << "the stage's attempt 1 never held its tasks of left partition 1";
  // This job's map stage: rebuilt for it, run once for the lost output m.
  const int map_stage = listener_.MapStageId();
  ASSERT_GE(map_stage, 0);
  ASSERT_EQ(listener_.LaunchesPerPartition(map_stage), (std::map<int, int>{{m, 1}}));
  Touch(d / "go-stale");
  // The tasks of attempt 0 report their (stale) fetch failures.
  ASSERT_TRUE(WaitUntil(
      [&] {
        int stale = 0;
        for (const auto& a : listener_.Attempts()) {
          stale += a.stage_id != map_stage && a.attempt == 0 && a.partition < 2 && a.result &&
                   a.result->state() == v1::TASK_STATE_FETCH_FAILED;
        }
        return stale == 2;
      },
      absl::Seconds(20)));
  Touch(d / "go-finish");
  const absl::StatusOr<int64_t>& pairs = job.Join();
  ASSERT_TRUE(pairs.ok()) << pairs.status();
  EXPECT_EQ(*pairs, 2 * 13);
  EXPECT_EQ(listener_.LaunchesPerPartition(map_stage), (std::map<int, int>{{m, 1}}))
      << "map output " << m << " was recomputed again after a stale fetch failure";
}

CENTELLA_ON_CLUSTER(ShuffleLossTest);

}  // namespace
}  // namespace centella

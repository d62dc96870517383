// A driver that runs for days stays flat: 2,000 consecutive small shuffle jobs in one
// driver leave its registered shuffles and stages, the shuffle directories on disk and
// its resident memory where they were after the first 200 — on a local master and on a
// cluster, whose daemons delete the files when the driver asks (ShuffleService.RemoveShuffle).
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "tests/cluster/local_cluster.h"
#include "tests/operators/operator_test.h"

namespace centella {
namespace {

namespace fs = std::filesystem;

// The driver's resident set (VmRSS of /proc/self/status), in KiB.
int64_t ResidentKib() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) != 0) continue;
    std::vector<std::string> words = absl::StrSplit(line, ' ', absl::SkipEmpty());
    int64_t kib = 0;
    if (words.size() >= 2 && absl::SimpleAtoi(words[1], &kib)) return kib;
  }
  return -1;
}

struct Plus {
  int64_t operator()(int64_t a, int64_t b) const { return a + b; }
};

class CleanerTest : public OperatorTest {
 protected:
  void Configure(ContextOptions& options) override {
    // Local mode keeps its shuffle files under <centella.local.dir>/<scratch>/shuffle.
    ASSERT_TRUE(options.conf.Set("centella.local.dir", (dir() / "local").string()).ok());
    fs::create_directories(dir() / "local");
  }

  // The shuffle_<id> directories that hold this application's map outputs now.
  int ShuffleDirs() const {
    std::vector<fs::path> roots;
    if (on_cluster()) {
      for (int d = 0; d < cluster()->num_daemons(); ++d) {
        roots.push_back(fs::path(cluster()->daemon_work_dir(d)) / "apps" / ctx_->app_id() /
                        "shuffle");
      }
    } else {
      std::error_code ec;
      for (const auto& scratch : fs::directory_iterator(dir() / "local", ec)) {
        roots.push_back(scratch.path() / "shuffle");
      }
    }
    int n = 0;
    for (const fs::path& root : roots) {
      std::error_code ec;
      for (auto it = fs::directory_iterator(root, ec); !ec && it != fs::directory_iterator();
           it.increment(ec)) {
        if (it->path().filename().string().rfind("shuffle_", 0) == 0) ++n;
      }
    }
    return n;
  }
};

TEST_P(CleanerTest, TwoThousandShuffleJobsLeaveTheDriverFlat) {
  ASSERT_TRUE(WaitForExecutors(on_cluster() ? 2 : 1));
  std::vector<std::pair<int64_t, int64_t>> data;
  for (int64_t i = 0; i < 200; ++i) data.emplace_back(i % 10, i);
  // One shuffle the test keeps a handle on: it must survive all the others' removal.
  auto kept = ctx_->parallelize(data, 2).reduce_by_key(Plus{}, 2);
  ASSERT_EQ(kept.count().value_or(-1), 10);

  constexpr int kJobs = 2000;
  int64_t rss_at_200 = 0;
  DagSchedulerStats at_200;
  for (int job = 1; job <= kJobs; ++job) {
    auto sums = ctx_->parallelize(data, 2).reduce_by_key(Plus{}, 2).collect();
    ASSERT_TRUE(sums.ok()) << "job " << job << ": " << sums.status();
    ASSERT_EQ(sums->size(), 10u) << "job " << job;
    if (job == 200) {
      rss_at_200 = ResidentKib();
      at_200 = ctx_->SchedulerStats();
    }
  }
  const int64_t rss_at_end = ResidentKib();

  // Removal runs after each job on the scheduler's loop and, on a cluster, on the
  // backend's cleanup thread: let the last ones land.
  ASSERT_TRUE(WaitUntil([&] { return ctx_->SchedulerStats().registered_shuffles <= 2; },
                        absl::Seconds(20)));
  ASSERT_TRUE(
      WaitUntil([&] { return ShuffleDirs() <= 2 * (on_cluster() ? 2 : 1); }, absl::Seconds(20)))
      << ShuffleDirs() << " shuffle directories are left";
  const DagSchedulerStats end = ctx_->SchedulerStats();
  EXPECT_EQ(end.active_jobs, 0);
  EXPECT_LE(end.stages, 2);
  EXPECT_LE(end.map_stages, 2);
  EXPECT_LE(end.task_scheduler_stages, 2);
  EXPECT_GE(end.shuffles_removed, kJobs - 1);
  EXPECT_LE(at_200.registered_shuffles, 3);

  std::printf(
      "%s: resident %lld KiB after job 200, %lld KiB after job %d; %lld shuffles "
      "removed\n",
      GetParam().c_str(), static_cast<long long>(rss_at_200), static_cast<long long>(rss_at_end),
      kJobs, static_cast<long long>(end.shuffles_removed));
  EXPECT_GT(rss_at_200, 0);
  EXPECT_LE(rss_at_end, rss_at_200 + rss_at_200 / 10)
      << "resident memory grew from " << rss_at_200 << " KiB after job 200 to " << rss_at_end
      << " KiB after job " << kJobs;

  // The kept shuffle's outputs are still registered: a new action on it skips its map
  // stage and gives the same answer.
  auto again = kept.collect();
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->size(), 10u);
}

INSTANTIATE_TEST_SUITE_P(Masters, CleanerTest, ::testing::Values("local[2]", "cluster"),
                         MasterName);

}  // namespace
}  // namespace centella

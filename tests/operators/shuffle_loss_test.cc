// Lineage recovery when map output files are lost or damaged on a daemon's disk. Two
// actions read the same shuffle; the second skips the map stage because its outputs are
// registered. In between, the test deletes or corrupts the files of one map output on each
// daemon. The second action's reduce tasks then fail to fetch those blocks (read from the
// local disk or from the other daemon's shuffle service), the scheduler runs exactly the
// damaged map tasks again, and the answer is exact. On a cluster only: local masters have
// no daemons.
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
#include "absl/strings/str_split.h"
#include "tests/cluster/local_cluster.h"
#include "tests/operators/operator_test.h"
#include "tests/operators/recording_listener.h"

namespace centella {
namespace {

namespace fs = std::filesystem;

using Pair = std::pair<int64_t, int64_t>;

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

  void DamageOneMapOutputPerDaemonAndRunAgain(Damage damage) {
    ASSERT_TRUE(WaitForExecutors(2));  // map outputs on both daemons
    constexpr int kMaps = 8;
    std::vector<Pair> data;
    std::map<int64_t, int64_t> sums;
    for (int64_t x = 0; x < 4000; ++x) {
      data.emplace_back(x % 13, x);
      sums[x % 13] += x;
    }
    const std::vector<Pair> expected(sums.begin(), sums.end());
    auto reduced = ctx_->parallelize(data, kMaps).reduce_by_key(std::plus<int64_t>(), 4);

    auto first = reduced.collect();
    ASSERT_TRUE(first.ok()) << first.status();
    std::sort(first->begin(), first->end());
    ASSERT_EQ(*first, expected);
    const int map_stage = listener_.MapStageId();
    ASSERT_GE(map_stage, 0);

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

    listener_.Clear();
    auto second = reduced.collect();
    ASSERT_TRUE(second.ok()) << second.status();
    std::sort(second->begin(), second->end());
    EXPECT_EQ(*second, expected);

    // The second job ran exactly the damaged map tasks again, once each, after fetch
    // failures that named them.
    std::map<int, int> rerun;
    for (int m : damaged) rerun[m] = 1;
    EXPECT_EQ(listener_.LaunchesPerPartition(map_stage), rerun);
    int fetch_failures = 0;
    for (const auto& a : listener_.Attempts()) {
      if (!a.result || a.result->state() != v1::TASK_STATE_FETCH_FAILED) continue;
      ++fetch_failures;
      EXPECT_TRUE(damaged.contains(a.result->fetch_failure().map_id()))
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
  DamageOneMapOutputPerDaemonAndRunAgain(Damage::kDataFileDeleted);
}

TEST_P(ShuffleLossTest, DeletedIndexFilesAreRecomputed) {
  DamageOneMapOutputPerDaemonAndRunAgain(Damage::kIndexFileDeleted);
}

TEST_P(ShuffleLossTest, CorruptDataFilesAreRecomputed) {
  DamageOneMapOutputPerDaemonAndRunAgain(Damage::kDataFileCorrupted);
}

CENTELLA_ON_CLUSTER(ShuffleLossTest);

}  // namespace
}  // namespace centella

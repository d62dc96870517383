// A real standalone cluster (manager + executor daemons as separate processes on
// loopback) runs word count; its output must equal local mode's.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <algorithm>
#include <map>

#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "tests/cluster/local_cluster.h"

namespace centella {
namespace {

namespace fs = std::filesystem;

std::map<std::string, int64_t> ReadCounts(const fs::path& dir) {
  std::map<std::string, int64_t> counts;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().filename().string().rfind("part-", 0) != 0) continue;
    std::ifstream f(e.path());
    for (std::string line; std::getline(f, line);) {
      std::vector<std::string> kv = absl::StrSplit(line, '\t');
      if (kv.size() == 2) counts[kv[0]] += std::stoll(kv[1]);
    }
  }
  return counts;
}

class ClusterWordCountTest : public ::testing::Test {
 protected:
  void SetUp() override {
    build_ = BuildDirFromEnvironment();
    ASSERT_FALSE(build_.empty()) << "run through ctest";
    dir_ = FreshTestDir("cluster-wc");
    corpus_ = (dir_ / "corpus.txt").string();
    CommandResult gen = RunCommand(build_ + "/bin/centella-gen-corpus --bytes 8000000 --seed 5 "
                                   "--distinct 50000 --quiet --out " + corpus_);
    ASSERT_EQ(gen.exit_code, 0) << gen.output;
    CommandResult local = RunCommand(build_ + "/bin/centella-submit --master local[2] " +
                                     build_ + "/examples/word_count " + corpus_ + " " +
                                     (dir_ / "local-out").string());
    ASSERT_EQ(local.exit_code, 0) << local.output;
    want_ = ReadCounts(dir_ / "local-out");
    ASSERT_GT(want_.size(), 1000u);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string build_;
  fs::path dir_;
  std::string corpus_;
  std::map<std::string, int64_t> want_;
};

TEST_F(ClusterWordCountTest, TwoDaemonsMatchLocalMode) {
  auto cluster = LocalCluster::Start((dir_ / "cluster").string(), build_, 2, 2);
  ASSERT_TRUE(cluster.ok()) << cluster.status();
  fs::path out = dir_ / "cluster-out";
  CommandResult r = (*cluster)->Submit(
      "--executor-cores 1 --executor-memory 1g --conf centella.files.maxPartitionBytes=1m",
      build_ + "/examples/word_count " + corpus_ + " " + out.string());
  ASSERT_EQ(r.exit_code, 0) << r.output << (*cluster)->Logs();
  EXPECT_TRUE(fs::exists(out / "_SUCCESS"));
  EXPECT_EQ(ReadCounts(out), want_);
  // The work really was spread: both daemons fetched the job binary to start executors,
  // and each deleted the application's files (shuffle output included) once it ended.
  for (int i = 0; i < 2; ++i) {
    fs::path work = dir_ / "cluster" / ("daemon" + std::to_string(i) + "-work");
    EXPECT_TRUE(fs::exists(work / "binaries") && !fs::is_empty(work / "binaries"))
        << "daemon " << i << " ran no executor\n" << (*cluster)->Logs();
    bool cleaned = false;
    for (int t = 0; t < 100 && !cleaned; ++t) {
      cleaned = !fs::exists(work / "apps") || fs::is_empty(work / "apps");
      if (!cleaned) ::usleep(50000);
    }
    EXPECT_TRUE(cleaned) << "daemon " << i << " kept the finished application's files";
  }
}

TEST_F(ClusterWordCountTest, DynamicAllocationAsksForExecutorsWhenTasksWait) {
  // No executors at start: the job can only finish if the driver asks for them.
  auto cluster = LocalCluster::Start((dir_ / "cluster").string(), build_, 2, 2);
  ASSERT_TRUE(cluster.ok()) << cluster.status();
  fs::path out = dir_ / "dynamic-out";
  CommandResult r = (*cluster)->Submit(
      "--executor-cores 1 --executor-memory 1g --conf centella.dynamicAllocation.enabled=true "
      "--conf centella.dynamicAllocation.initialExecutors=0 "
      "--conf centella.dynamicAllocation.schedulerBacklogTimeout=200ms "
      "--conf centella.files.maxPartitionBytes=1m",
      build_ + "/examples/word_count " + corpus_ + " " + out.string());
  ASSERT_EQ(r.exit_code, 0) << r.output << (*cluster)->Logs();
  EXPECT_NE(r.output.find("dynamic allocation:"), std::string::npos) << r.output;
  EXPECT_EQ(ReadCounts(out), want_);
}

TEST_F(ClusterWordCountTest, LargeResultsTravelAsBlocksNotInline) {
  // A 1 KiB inline limit makes every collected partition a result block that the driver
  // fetches from its executor; the answer must equal local mode's.
  auto cluster = LocalCluster::Start((dir_ / "cluster").string(), build_, 2, 2);
  ASSERT_TRUE(cluster.ok()) << cluster.status();
  CommandResult local = RunCommand(build_ + "/bin/centella-submit --master local[2] " + build_ +
                                   "/examples/top_words " + corpus_ + " 25");
  ASSERT_EQ(local.exit_code, 0) << local.output;
  CommandResult r = (*cluster)->Submit(
      "--executor-cores 1 --executor-memory 1g --conf centella.task.maxInlineResultBytes=1k",
      build_ + "/examples/top_words " + corpus_ + " 25");
  ASSERT_EQ(r.exit_code, 0) << r.output << (*cluster)->Logs();
  // The answer lines (log lines start with a timestamp in brackets).
  auto answer = [](const std::string& out) {
    std::string lines;
    for (absl::string_view l : absl::StrSplit(out, '\n', absl::SkipEmpty())) {
      if (!l.empty() && l[0] != '[') lines += std::string(l) + "\n";
    }
    return lines;
  };
  EXPECT_EQ(answer(r.output), answer(local.output));
  std::string got = answer(r.output);
  EXPECT_EQ(std::count(got.begin(), got.end(), '\n'), 25);
}

TEST_F(ClusterWordCountTest, WrongSecretIsRefused) {
  auto cluster = LocalCluster::Start((dir_ / "cluster").string(), build_, 1, 1);
  ASSERT_TRUE(cluster.ok()) << cluster.status();
  std::string wrong = (dir_ / "wrong-secret").string();
  std::ofstream(wrong) << "not-the-secret\n";
  fs::permissions(wrong, fs::perms::owner_read | fs::perms::owner_write);
  CommandResult r = RunCommand(build_ + "/bin/centella-submit --master " + (*cluster)->master() +
                               " --secret-file " + wrong + " " + build_ +
                               "/examples/word_count " + corpus_ + " " +
                               (dir_ / "never").string());
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.output.find("wrong shared secret"), std::string::npos) << r.output;
  EXPECT_FALSE(fs::exists(dir_ / "never"));
}

}  // namespace
}  // namespace centella

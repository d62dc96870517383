// The chaos suite's judge on hand-written event logs: it must catch recomputing too
// little, too much, and resubmission storms — or the suite could not fail.
#include "tests/chaos/recovery_check.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/substitute.h"
#include "gtest/gtest.h"

namespace centella::chaos {
namespace {

std::string Stage(int id, bool map, const std::string& parents, int tasks) {
  return absl::Substitute(
      R"({"event":"StageSubmitted","time_us":1,"stage":$0,"attempt":0,"job":-1,"map":$1,)"
      R"("name":"s","tasks":$3,"partitions":$3,"parents":[$2]})",
      id, map ? "true" : "false", parents, tasks);
}

// A task that starts at `start` on `executor` and, unless `state` is empty, ends at
// start + 10 with `state` (a finished map task's output is at `address`).
std::string Task(int stage, int partition, int attempt, int64_t start, const std::string& state,
                 const std::string& address = "") {
  const std::string id = absl::StrCat(stage, ".", partition, ".", attempt);
  std::string lines = absl::Substitute(
      R"({"event":"TaskStart","time_us":$0,"task":"$1","stage":$2,"stage_attempt":0,)"
      R"("partition":$3,"attempt":$4,"executor":"e","epoch":0})",
      start, id, stage, partition, attempt);
  if (!state.empty()) {
    absl::StrAppend(
        &lines, "\n",
        absl::Substitute(
            R"({"event":"TaskEnd","time_us":$0,"task":"$1","stage":$2,)"
            R"("stage_attempt":0,"partition":$3,"attempt":$4,"state":"$5"$6})",
            start + 10, id, stage, partition, attempt, state,
            address.empty() ? "" : absl::StrCat(R"(,"shuffle_address":")", address, "\"")));
  }
  return lines + "\n";
}

JobHistory History(const std::string& log) {
  JobHistory h;
  EXPECT_TRUE(h.AddChunk(log).ok());
  return h;
}

// Map stage 0 (2 tasks: partition 0 at host x, 1 at host y), result stage 1 reading it.
std::string Before() {
  return Stage(0, true, "", 2) + "\n" + Task(0, 0, 0, 100, "FINISHED", "x") +
         Task(0, 1, 0, 110, "FINISHED", "y") + Stage(1, false, "0", 2) + "\n" +
         Task(1, 0, 0, 150, "FETCH_FAILED");
}

TEST(RecoveryCheckTest, RecomputingExactlyTheLostOutputPasses) {
  JobHistory h = History(Before() + Stage(0, true, "", 1) + "\n" +
                         Task(0, 0, 1, 300, "FINISHED", "y") + Stage(1, false, "0", 2) + "\n" +
                         Task(1, 0, 1, 400, "FINISHED") + Task(1, 1, 0, 410, "FINISHED"));
  RecoveryReport r = CheckRecovery(h, 200, "x", 1);
  EXPECT_TRUE(r.ok) << r.problem;
  EXPECT_EQ(r.expected, (std::set<MapOutput>{{0, 0}}));
  EXPECT_EQ(r.max_resubmissions, 1);
}

TEST(RecoveryCheckTest, RecomputingMoreThanWasLostFails) {
  JobHistory h = History(Before() + Task(0, 0, 1, 300, "FINISHED", "y") +
                         Task(0, 1, 1, 300, "FINISHED", "y") + Task(1, 0, 1, 400, "FINISHED"));
  RecoveryReport r = CheckRecovery(h, 200, "x", 1);
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.problem.find("recomputed map outputs {0.0 0.1}"), std::string::npos) << r.problem;
}

TEST(RecoveryCheckTest, NotRecomputingALostOutputThatWasNeededFails) {
  JobHistory h = History(Before() + Task(1, 0, 1, 400, "FINISHED"));
  RecoveryReport r = CheckRecovery(h, 200, "x", 1);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.expected, (std::set<MapOutput>{{0, 0}}));
}

TEST(RecoveryCheckTest, LostOutputsNobodyReadsAgainNeedNoRecomputation) {
  // The fault strikes after the last task started.
  JobHistory h = History(Before() + Task(1, 1, 0, 160, "FINISHED"));
  RecoveryReport r = CheckRecovery(h, 200, "x", 0);
  EXPECT_TRUE(r.ok) << r.problem;
  EXPECT_EQ(r.lost, (std::set<MapOutput>{{0, 0}}));
  EXPECT_TRUE(r.expected.empty());
}

TEST(RecoveryCheckTest, WithoutALostHostNothingMayBeRecomputed) {
  JobHistory h =
      History(Before() + Task(0, 1, 1, 300, "FINISHED", "x") + Task(1, 0, 1, 400, "FINISHED"));
  RecoveryReport r = CheckRecovery(h, 200, "", 0);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.actual, (std::set<MapOutput>{{0, 1}}));
}

TEST(RecoveryCheckTest, ResubmissionStormsFail) {
  JobHistory h =
      History(Before() + Stage(1, false, "0", 2) + "\n" + Stage(1, false, "0", 2) + "\n");
  RecoveryReport r = CheckRecovery(h, 200, "", 1);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.max_resubmissions, 2);
}

TEST(JobHistoryTest, FollowsAGrowingFileAndNamesBadLines) {
  JobHistory h;
  const std::string log = Before();
  ASSERT_TRUE(h.AddChunk(log.substr(0, 70)).ok());
  ASSERT_TRUE(h.AddChunk(log.substr(70)).ok());
  EXPECT_EQ(h.StageA(), 0);
  EXPECT_EQ(h.StageB(), -1);
  EXPECT_EQ(h.StageC(), 1);
  EXPECT_EQ(h.FinishedTasks(0), 2);
  EXPECT_EQ(h.RunningExecutors(-1).size(), 0u);
  absl::Status bad = h.AddChunk("{\"event\":\"TaskEnd\",\"time_us\":5,\"task\":\"9.9.9\"}\n");
  EXPECT_FALSE(bad.ok());
  EXPECT_NE(bad.message().find("TaskEnd before its TaskStart"), std::string::npos) << bad;
}

}  // namespace
}  // namespace centella::chaos

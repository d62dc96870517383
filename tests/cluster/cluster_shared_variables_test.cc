// Accumulators and broadcast variables on a real standalone cluster (manager + 2 executor
// daemons as separate processes on loopback), through examples/shared_variables, whose
// driver prints every total next to a reference computed on the driver:
//   * accumulator totals are exact when first attempts fail after adding, and when an
//     executor process is killed with SIGKILL in the middle of the result stage;
//   * a broadcast table of several MB joined by many tasks is fetched once per executor
//     process, and destroying it frees the driver's copy and fails a later use by id.
#include <signal.h>
#include <sys/wait.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <regex>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "tests/cluster/local_cluster.h"

namespace centella {
namespace {

namespace fs = std::filesystem;

// "accumulator NAME: GOT (reference WANT)" lines of the driver's output.
std::map<std::string, std::pair<std::string, std::string>> AccumulatorLines(
    const std::string& out) {
  static const std::regex re("accumulator ([a-z]+): (\\S+) \\(reference (\\S+)\\)");
  std::map<std::string, std::pair<std::string, std::string>> lines;
  for (std::sregex_iterator it(out.begin(), out.end(), re), end; it != end; ++it) {
    lines[(*it)[1].str()] = {(*it)[2].str(), (*it)[3].str()};
  }
  return lines;
}

// The job's own lines of its output (log lines start with a timestamp in brackets), to
// show its figures in the test log.
void PrintJobLines(const std::string& out) {
  size_t start = 0;
  while (start < out.size()) {
    size_t end = out.find('\n', start);
    if (end == std::string::npos) end = out.size();
    if (end > start && out[start] != '[') {
      std::printf("  | %s\n", out.substr(start, end - start).c_str());
    }
    start = end + 1;
  }
}

// Every accumulator printed equals its reference (the double sum within rounding: its
// partials are added in task completion order).
void ExpectExactTotals(const std::string& out) {
  auto lines = AccumulatorLines(out);
  ASSERT_EQ(lines.size(), 5u) << out;
  for (const auto& [name, got_want] : lines) {
    if (name == "scaled") {
      double got = std::stod(got_want.first), want = std::stod(got_want.second);
      EXPECT_NEAR(got, want, 1e-9 * std::abs(want) + 1e-6) << name;
    } else {
      EXPECT_EQ(got_want.first, got_want.second) << name;
    }
  }
  EXPECT_NE(lines["count"].first, "0");
}

class ClusterSharedVariablesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    build_ = BuildDirFromEnvironment();
    ASSERT_FALSE(build_.empty()) << "run through ctest";
    dir_ = FreshTestDir("cluster-shared");
    auto c = LocalCluster::Start((dir_ / "cluster").string(), build_, 2, 2);
    ASSERT_TRUE(c.ok()) << c.status();
    cluster_ = *std::move(c);
  }
  void TearDown() override {
    if (HasFailure() && cluster_) std::printf("%s", cluster_->Logs().c_str());
    job_.reset();
    cluster_.reset();
    fs::remove_all(dir_);
  }

  std::string Job() const { return build_ + "/examples/shared_variables"; }

  std::string build_;
  fs::path dir_;
  std::unique_ptr<LocalCluster> cluster_;
  std::unique_ptr<ChildProcess> job_;
};

TEST_F(ClusterSharedVariablesTest, AccumulatorsAreExactWhenFirstAttemptsFailAfterAdding) {
  CommandResult r = cluster_->Submit("--executor-cores 1 --executor-memory 1g",
                                     Job() + " accumulate 16 200000 0 fail-first-attempts");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  PrintJobLines(r.output);
  // The 8 odd partitions failed once each and were retried (a cluster allows 4 failures).
  size_t retries = 0;
  for (size_t p = r.output.find("failed, retrying"); p != std::string::npos;
       p = r.output.find("failed, retrying", p + 1)) {
    ++retries;
  }
  EXPECT_EQ(retries, 8u) << r.output;
  ExpectExactTotals(r.output);
}

TEST_F(ClusterSharedVariablesTest, AccumulatorsAreExactWhenAnExecutorIsKilledMidStage) {
  // 24 tasks of ~400 ms on 4 one-core executors: ~2.4 s of work per executor.
  auto job = cluster_->SubmitAsync("--executor-cores 1 --executor-memory 1g",
                                   Job() + " accumulate 24 240000 400", "job.log");
  ASSERT_TRUE(job.ok()) << job.status();
  job_ = *std::move(job);

  // An executor on daemon 0 that is running tasks of the result stage: its pid from the
  // daemon's "started executor" line, once the driver reports it ready and the stage runs.
  static const std::regex started("started executor (app-[0-9]+-[0-9]+)/([0-9]+) as pid ([0-9]+)");
  std::string executor_id;
  pid_t pid = -1;
  ASSERT_TRUE(WaitUntil(
      [&] {
        const std::string driver_log = job_->Log();
        if (driver_log.find("submitted: foreach_partition") == std::string::npos) return false;
        const std::string daemon_log = cluster_->daemon(0).Log();
        for (std::sregex_iterator it(daemon_log.begin(), daemon_log.end(), started), end; it != end;
             ++it) {
          if (driver_log.find("executor " + (*it)[2].str() + " on 127.0.0.1 ready") !=
              std::string::npos) {
            executor_id = (*it)[2].str();
            pid = static_cast<pid_t>(std::stol((*it)[3].str()));
            return true;
          }
        }
        return false;
      },
      absl::Seconds(30)))
      << job_->Log();
  absl::SleepFor(absl::Milliseconds(700));  // let it finish some tasks and start others
  ASSERT_EQ(job_->Log().find("finished: foreach_partition"), std::string::npos)
      << "the stage ended before the kill; make the job longer";
  ASSERT_EQ(::kill(pid, SIGKILL), 0);

  std::optional<int> status = job_->Wait(absl::Seconds(60));
  ASSERT_TRUE(status.has_value()) << "the job did not finish\n" << job_->Log();
  const std::string out = job_->Log();
  ASSERT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << out;
  PrintJobLines(out);
  static const std::regex lost("executor ([0-9]+) lost \\([\\s\\S]*?\\); ([0-9]+) running tasks");
  int rerun = -1;
  for (std::sregex_iterator it(out.begin(), out.end(), lost), end; it != end; ++it) {
    if ((*it)[1].str() == executor_id) rerun = std::stoi((*it)[2].str());
  }
  EXPECT_GE(rerun, 1) << "executor " << executor_id << " was killed while running a task\n" << out;
  ExpectExactTotals(out);
}

TEST_F(ClusterSharedVariablesTest, BroadcastIsFetchedOncePerExecutorAndDestroyFailsLaterUse) {
  // 8 MB table, 2 executors of 2 cores (both up before the first join), 40 tasks per
  // join, two joins.
  CommandResult r =
      cluster_->Submit("--executor-cores 2 --executor-memory 1g", Job() + " broadcast 8 40 2");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const std::string& out = r.output;
  PrintJobLines(out);

  static const std::regex serialized("broadcast ([0-9]+): ([0-9]+) bytes serialized");
  std::smatch m;
  ASSERT_TRUE(std::regex_search(out, m, serialized)) << out;
  const std::string id = m[1].str();
  const int64_t bytes = std::stoll(m[2].str());
  EXPECT_GT(bytes, 7 << 20);

  static const std::regex join_re(
      "join ([12]): ([0-9]+) rows, checksum ([0-9]+) \\(reference ([0-9]+) rows, checksum "
      "([0-9]+)\\)");
  int joins = 0;
  for (std::sregex_iterator it(out.begin(), out.end(), join_re), end; it != end; ++it, ++joins) {
    EXPECT_EQ((*it)[2].str(), (*it)[4].str()) << "rows of join " << (*it)[1];
    EXPECT_EQ((*it)[3].str(), (*it)[5].str()) << "checksum of join " << (*it)[1];
    EXPECT_GT(std::stoll((*it)[2].str()), 10000);
  }
  EXPECT_EQ(joins, 2) << out;

  // One fetch per executor process, although 80 tasks on 4 cores read the table.
  static const std::regex fetches_re("broadcast fetches: ([0-9]+) from ([0-9]+) executors;(.*)");
  ASSERT_TRUE(std::regex_search(out, m, fetches_re)) << out;
  EXPECT_EQ(m[2].str(), "2") << m[0];
  EXPECT_EQ(m[1].str(), "2") << m[0];
  static const std::regex per_executor("executor [0-9]+: ([0-9]+);");
  const std::string list = m[3].str();
  for (std::sregex_iterator it(list.begin(), list.end(), per_executor), end; it != end; ++it) {
    EXPECT_EQ((*it)[1].str(), "1") << list;
  }
  static const std::regex served("broadcast served: ([0-9]+) bytes in ([0-9.]+) ms total");
  ASSERT_TRUE(std::regex_search(out, m, served)) << out;
  EXPECT_EQ(std::stoll(m[1].str()), 2 * bytes);

  // Destroy frees the driver's copy; the next use fails naming the broadcast.
  EXPECT_NE(out.find(absl::StrCat("driver holds before destroy: 1 broadcasts, ", bytes, " bytes")),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("driver holds after destroy: 0 broadcasts, 0 bytes"), std::string::npos)
      << out;
  static const std::regex after("join after destroy: (.*)");
  ASSERT_TRUE(std::regex_search(out, m, after)) << out;
  EXPECT_NE(m[1].str().find("broadcast " + id + " was destroyed"), std::string::npos) << m[0];
}

}  // namespace
}  // namespace centella

// A job submitted with centella-submit to a real cluster whose task always fails
// (tests/cluster/failing_task_job.cc): the driver retries the task until it has failed
// centella.task.maxFailures times (4 by default on a cluster), then the job fails and the
// program exits non-zero with the task's own error on stderr.
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "tests/cluster/local_cluster.h"

namespace centella {
namespace {

namespace fs = std::filesystem;

class ClusterFailingJobTest : public ::testing::Test {
 protected:
  void SetUp() override {
    build_ = BuildDirFromEnvironment();
    ASSERT_FALSE(build_.empty()) << "run through ctest";
    dir_ = FreshTestDir("cluster-failing-job");
    auto c = LocalCluster::Start((dir_ / "cluster").string(), build_, /*daemons=*/2,
                                 /*cores_per_daemon=*/1);
    ASSERT_TRUE(c.ok()) << c.status();
    cluster_ = *std::move(c);
  }

  void TearDown() override {
    if (HasFailure() && cluster_) std::printf("%s", cluster_->Logs().c_str());
    cluster_.reset();
    fs::remove_all(dir_);
  }

  struct Run {
    int exit_code = -1;
    std::string out, err;
  };
  // Submits failing_task_job with `options`; its stdout and stderr apart.
  Run SubmitFailingJob(const std::string& options) {
    const fs::path out_file = dir_ / "stdout";
    const std::string submit =
        cluster_->SubmitCommand(absl::StrCat("--executor-cores 1 --executor-memory 1g ", options),
                                build_ + "/tests/failing_task_job");
    // Inside the braces stderr goes to the pipe RunCommand reads, stdout to the file.
    CommandResult r = RunCommand(absl::StrCat("{ ", submit, " 2>&1 1>", out_file.string(), "; }"));
    std::ifstream out(out_file);
    return {r.exit_code, std::string(std::istreambuf_iterator<char>(out), {}), r.output};
  }

  // Checks that the job failed after `attempts` attempts of its task, with the task's
  // message in the program's own last words on stderr.
  void ExpectFailedAfter(const Run& run, int attempts) {
    EXPECT_EQ(run.exit_code, 1) << run.err;
    EXPECT_EQ(run.out, "");
    std::string verdict;
    int retries = 0;
    for (absl::string_view line : absl::StrSplit(run.err, '\n')) {
      if (absl::StartsWith(line, "failing_task_job: ")) verdict = std::string(line);
      if (absl::StrContains(line, "failed, retrying: ")) ++retries;
    }
    EXPECT_TRUE(absl::StrContains(verdict, "partition 1 is broken")) << run.err;
    EXPECT_TRUE(absl::StrContains(verdict, absl::StrCat("failed ", attempts, " times"))) << run.err;
    // The driver logs each retry.
    EXPECT_EQ(retries, attempts - 1) << run.err;
    std::printf("%s\n", verdict.c_str());
  }

  std::string build_;
  fs::path dir_;
  std::unique_ptr<LocalCluster> cluster_;
};

TEST_F(ClusterFailingJobTest, ExitsNonZeroWithTheTasksErrorAfterFourAttempts) {
  ExpectFailedAfter(SubmitFailingJob(""), 4);
}

TEST_F(ClusterFailingJobTest, ExitsNonZeroAfterTheConfiguredMaxFailures) {
  ExpectFailedAfter(SubmitFailingJob("--conf centella.task.maxFailures=2"), 2);
}

}  // namespace
}  // namespace centella

// A task that fails in every attempt: it is tried centella.task.maxFailures times in all
// (by default 4 on a cluster, 1 on a local master; here also a configured 2), on another
// executor than the one it failed on when there is one, and then the job fails with the
// task's own error — its message, and its status code when it failed with a Status. The
// context stays usable. On every master. (A submitted job binary failing this way:
// tests/cluster/cluster_failing_job_test.cc.)
#include <numeric>
#include <stdexcept>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "engine/task/status_exception.h"
#include "tests/operators/operator_test.h"
#include "tests/operators/recording_listener.h"

namespace centella {
namespace {

constexpr int kBadPartition = 2;

// Partition kBadPartition fails in every attempt: by throwing a std::exception, or a
// StatusException carrying DataLoss.
struct FailOnePartition {
  bool with_status = false;
  std::vector<int64_t> operator()(int partition, std::vector<int64_t>&& xs) const {
    if (partition == kBadPartition) {
      if (with_status) {
        throw StatusException(
            absl::DataLossError(absl::StrCat("partition ", partition, " holds a poisoned record")));
      }
      throw std::runtime_error(absl::StrCat("partition ", partition, " is broken"));
    }
    return std::move(xs);
  }
};

class TaskFailureTest : public OperatorTest {
 protected:
  void Configure(ContextOptions& options) override { options.listener = &listener_; }

  // What centella.task.maxFailures amounts to in this suite.
  virtual int MaxFailures() const { return on_cluster() ? 4 : 1; }

  // Runs a job over 4 partitions of which one always fails; checks it failed after
  // MaxFailures() attempts of that partition, each after the first on another executor
  // than the one before when there is one; returns the job's status.
  absl::Status RunFailingJob(bool with_status) {
    if (on_cluster()) {
      EXPECT_TRUE(WaitForExecutors(2));  // a retry can go elsewhere
    }
    std::vector<int64_t> data(100);
    std::iota(data.begin(), data.end(), 0);
    auto counted =
        ctx_->parallelize(data, 4).map_partitions_with_index(FailOnePartition{with_status}).count();
    EXPECT_FALSE(counted.ok());
    const int stage = listener_.ResultStageId();
    std::vector<std::string> executors;  // of the bad partition's attempts, in order
    for (const auto& a : listener_.AttemptsOf(stage)) {
      if (a.partition != kBadPartition) continue;
      executors.push_back(a.executor_id);
      EXPECT_TRUE(a.result.has_value() && a.result->state() == v1::TASK_STATE_FAILED) << a.task_id;
    }
    EXPECT_EQ(static_cast<int>(executors.size()), MaxFailures());
    if (on_cluster() && executors.size() >= 2) {
      // The first retry avoids the executor of the first failure; with 2 executors the
      // later ones may go anywhere.
      EXPECT_NE(executors[0], executors[1]);
    }
    for (const auto& [p, n] : listener_.LaunchesPerPartition(stage)) {
      if (p != kBadPartition) {
        EXPECT_EQ(n, 1) << "partition " << p;
      }
    }
    if (counted.ok()) return absl::OkStatus();
    std::printf("%zu attempts of the failing task; the job failed with: %s\n", executors.size(),
                counted.status().ToString().c_str());
    const absl::Status status = counted.status();
    EXPECT_NE(status.message().find(absl::StrCat("failed ", MaxFailures(), " times")),
              std::string::npos)
        << status;
    // The context runs the next job as usual.
    EXPECT_EQ(*ctx_->parallelize(data, 4).count(), 100);
    return status;
  }

  RecordingListener listener_;
};

TEST_P(TaskFailureTest, AThrowingTaskFailsTheJobWithItsMessageAfterMaxFailuresAttempts) {
  const absl::Status s = RunFailingJob(/*with_status=*/false);
  EXPECT_NE(s.message().find("partition 2 is broken"), std::string::npos) << s;
}

TEST_P(TaskFailureTest, ATaskFailingWithAStatusFailsTheJobWithThatStatus) {
  const absl::Status s = RunFailingJob(/*with_status=*/true);
  EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss) << s;
  EXPECT_NE(s.message().find("partition 2 holds a poisoned record"), std::string::npos) << s;
}

class ConfiguredMaxFailuresTest : public TaskFailureTest {
 protected:
  void Configure(ContextOptions& options) override {
    TaskFailureTest::Configure(options);
    ASSERT_TRUE(options.conf.Set("centella.task.maxFailures", "2").ok());
  }
  int MaxFailures() const override { return 2; }
};

TEST_P(ConfiguredMaxFailuresTest, AThrowingTaskIsTriedThatManyTimes) {
  const absl::Status s = RunFailingJob(/*with_status=*/false);
  EXPECT_NE(s.message().find("partition 2 is broken"), std::string::npos) << s;
}

CENTELLA_ON_EVERY_MASTER(TaskFailureTest);
CENTELLA_ON_EVERY_MASTER(ConfiguredMaxFailuresTest);

}  // namespace
}  // namespace centella

// Cancelling a job stops its running tasks where they run: in the driver's threads on a
// local master, in the executor processes on a cluster. A task that were left to finish
// would go on touching files after the job ended, which is what these tests watch.
#include <filesystem>
#include <fstream>
#include <numeric>
#include <string>
#include <system_error>
#include <vector>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "tests/operators/operator_test.h"

namespace centella {
namespace {

// One file per record, then a pause: 20,000 records of a partition take 10 s or more.
struct SlowTouch {
  std::string dir;
  void operator()(int64_t x) const {
    std::ofstream(dir + "/r-" + std::to_string(x));
    absl::SleepFor(absl::Microseconds(500));
  }
  CENTELLA_FIELDS(dir)
};

int CountFiles(const std::filesystem::path& dir) {
  int n = 0;
  std::error_code ec;
  for (auto it = std::filesystem::directory_iterator(dir, ec);
       !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
    ++n;
  }
  return n;
}

bool WaitForFiles(const std::filesystem::path& dir, int n, absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  while (CountFiles(dir) < n) {
    if (absl::Now() > deadline) return false;
    absl::SleepFor(absl::Milliseconds(10));
  }
  return true;
}

class CancelTest : public OperatorTest {};

constexpr int kRecords = 80000;

std::vector<int64_t> Records() {
  std::vector<int64_t> data(kRecords);
  std::iota(data.begin(), data.end(), 0);
  return data;
}

struct CancelledJob {
  JobFuture<void>* job;
  std::filesystem::path touched;
};

// Each job ends as cancelled within 5 s, no task of it touches another file afterwards, and
// the executors take the next job.
void ExpectStopped(Context& ctx, const std::vector<CancelledJob>& jobs, absl::Time cancelled_at) {
  for (const CancelledJob& c : jobs) {
    ASSERT_TRUE(c.job->WaitFor(absl::Seconds(10))) << "a cancelled job did not end";
    const absl::Status status = c.job->Get();
    EXPECT_EQ(status.code(), absl::StatusCode::kCancelled) << status;
  }
  EXPECT_LT(absl::Now() - cancelled_at, absl::Seconds(5));
  // A kill travels to the executors after the job has ended; give it the time it takes.
  absl::SleepFor(absl::Milliseconds(500));
  std::vector<int> settled;
  for (const CancelledJob& c : jobs) settled.push_back(CountFiles(c.touched));
  absl::SleepFor(absl::Milliseconds(700));
  for (size_t i = 0; i < jobs.size(); ++i) {
    EXPECT_EQ(CountFiles(jobs[i].touched), settled[i])
        << "tasks of cancelled job " << i << " are still running";
    EXPECT_LT(settled[i], kRecords / 2);
  }

  auto n = ctx.parallelize(Records(), 4).count();
  ASSERT_TRUE(n.ok()) << n.status();
  EXPECT_EQ(*n, kRecords);
}

TEST_P(CancelTest, CancelJobStopsItsTasksWhereTheyRun) {
  ASSERT_TRUE(WaitForExecutors(on_cluster() ? 2 : 1));
  const std::filesystem::path touched = dir() / "touched";
  std::filesystem::create_directories(touched);
  JobFuture<void> job = ctx_->parallelize(Records(), 4).foreach_async(SlowTouch{touched});
  ASSERT_TRUE(WaitForFiles(touched, 50, absl::Seconds(30))) << "the job's tasks did not start";
  const absl::Time cancelled_at = absl::Now();
  ctx_->CancelJob(job.job_id());
  ExpectStopped(*ctx_, {{&job, touched}}, cancelled_at);
}

TEST_P(CancelTest, CancelAllJobsStopsEveryRunningJob) {
  ASSERT_TRUE(WaitForExecutors(on_cluster() ? 2 : 1));
  const std::filesystem::path a = dir() / "a", b = dir() / "b";
  std::filesystem::create_directories(a);
  std::filesystem::create_directories(b);
  JobFuture<void> first = ctx_->parallelize(Records(), 2).foreach_async(SlowTouch{a});
  JobFuture<void> second = ctx_->parallelize(Records(), 2).foreach_async(SlowTouch{b});
  ASSERT_TRUE(WaitForFiles(a, 20, absl::Seconds(30)));
  const absl::Time cancelled_at = absl::Now();
  ctx_->CancelAllJobs();
  ExpectStopped(*ctx_, {{&first, a}, {&second, b}}, cancelled_at);
}

CENTELLA_ON_EVERY_MASTER(CancelTest);

}  // namespace
}  // namespace centella

// OperatorTest: runs the same RDD operator test on every kind of master — local[1],
// local[3] and a real standalone cluster (a manager and two executor daemons on loopback,
// each a separate process; the executors are this very test binary, started by the
// daemons, as for any job).
//
// The cluster is started once per test process, on the first test that needs it, and
// stopped at exit. Tests compare with independent in-test references; side effects of
// foreach-style actions must go through files, since on a cluster they happen in other
// processes.
#ifndef CENTELLA_TESTS_OPERATORS_OPERATOR_TEST_H_
#define CENTELLA_TESTS_OPERATORS_OPERATOR_TEST_H_

#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "centella/centella.h"
#include "gtest/gtest.h"

namespace centella {

class LocalCluster;

class OperatorTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override;
  void TearDown() override;

  // Lets a test suite adjust the context's options (configuration, listener) before the
  // context is created.
  virtual void Configure(ContextOptions& options) {}

  bool on_cluster() const { return GetParam() == "cluster"; }
  // The cluster this test runs on (null on a local master), for tests that reach its
  // processes and files: kill an executor, damage a daemon's shuffle files.
  LocalCluster* cluster() const;
  // Waits until the application has `n` executors registered (local mode: 1), so that a
  // job's first tasks spread over all of them. False after `timeout`.
  bool WaitForExecutors(int n, absl::Duration timeout = absl::Seconds(30));
  // A fresh empty directory for this test (removed afterwards).
  const std::filesystem::path& dir() const { return dir_; }

  std::vector<std::pair<std::string, int64_t>> RandomPairs(int max_n, int keys = 13);
  std::vector<int64_t> RandomInts(int max_n, int64_t range);
  // 1..9 partitions: often more than records, so some partitions are empty.
  int Slices() { return 1 + static_cast<int>(rng_() % 9); }

  std::unique_ptr<Context> ctx_;
  std::mt19937_64 rng_;

 private:
  std::filesystem::path dir_;
};

// Parameter names for INSTANTIATE_TEST_SUITE_P.
std::string MasterName(const ::testing::TestParamInfo<std::string>& info);

// For what only a cluster has (executor processes to kill, daemons' shuffle files).
#define CENTELLA_ON_CLUSTER(Suite) \
  INSTANTIATE_TEST_SUITE_P(Masters, Suite, ::testing::Values("cluster"), MasterName)

#define CENTELLA_ON_EVERY_MASTER(Suite)                                                          \
  INSTANTIATE_TEST_SUITE_P(Masters, Suite, ::testing::Values("local[1]", "local[3]", "cluster"), \
                           MasterName)

}  // namespace centella

#endif  // CENTELLA_TESTS_OPERATORS_OPERATOR_TEST_H_

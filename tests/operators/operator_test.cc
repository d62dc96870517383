#include "tests/operators/operator_test.h"

#include <unistd.h>

#include <filesystem>

#include "tests/cluster/local_cluster.h"

namespace centella {
namespace {

// The one cluster of this process, started on first use; stopped after the last test,
// and its directory (logs, three copies of this ~100 MB binary) removed unless a test
// failed.
std::unique_ptr<LocalCluster>& ClusterSlot() {
  static auto* slot = new std::unique_ptr<LocalCluster>();
  return *slot;
}
std::string& ClusterDir() {
  static auto* dir = new std::string();
  return *dir;
}

class StopClusterAtTheEnd : public ::testing::Environment {
 public:
  void TearDown() override {
    ClusterSlot().reset();
    if (!ClusterDir().empty() && !::testing::UnitTest::GetInstance()->Failed()) {
      std::error_code ec;
      std::filesystem::remove_all(ClusterDir(), ec);
    }
  }
};
[[maybe_unused]] ::testing::Environment* const kStopCluster =
    ::testing::AddGlobalTestEnvironment(new StopClusterAtTheEnd);

LocalCluster* SharedCluster() {
  std::unique_ptr<LocalCluster>& cluster = ClusterSlot();
  if (cluster) return cluster.get();
  cluster = [] {
    std::string build = BuildDirFromEnvironment();
    if (build.empty()) {
      ADD_FAILURE() << "CENTELLA_BUILD_DIR is not set (run through ctest)";
      return std::unique_ptr<LocalCluster>();
    }
    ClusterDir() = FreshTestDir("operators-cluster");
    auto started = LocalCluster::Start(ClusterDir(), build, /*daemons=*/2,
                                       /*cores_per_daemon=*/2);
    if (!started.ok()) {
      ADD_FAILURE() << "cannot start the cluster: " << started.status();
      return std::unique_ptr<LocalCluster>();
    }
    return *std::move(started);
  }();
  return cluster.get();
}

}  // namespace

void OperatorTest::SetUp() {
  const uint64_t seed =
      std::hash<std::string>()(::testing::UnitTest::GetInstance()->current_test_info()->name());
  rng_.seed(seed);
  dir_ = FreshTestDir("operators");
  ContextOptions options;
  options.app_name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
  if (on_cluster()) {
    LocalCluster* cluster = SharedCluster();
    ASSERT_NE(cluster, nullptr);
    options.master = cluster->master();
    ASSERT_TRUE(options.conf.Set("centella.secretFile", cluster->secret_file()).ok());
    ASSERT_TRUE(options.conf.Set("centella.executor.cores", "2").ok());
  } else {
    options.master = GetParam();
  }
  Configure(options);
  auto ctx = Context::Create(std::move(options));
  ASSERT_TRUE(ctx.ok()) << ctx.status();
  ctx_ = *std::move(ctx);
}

LocalCluster* OperatorTest::cluster() const { return on_cluster() ? SharedCluster() : nullptr; }

bool OperatorTest::WaitForExecutors(int n, absl::Duration timeout) {
  return WaitUntil([&] { return ctx_->num_executors() >= n; }, timeout);
}

void OperatorTest::TearDown() {
  ctx_.reset();
  std::error_code ec;
  if (!HasFailure()) std::filesystem::remove_all(dir_, ec);
}

std::vector<std::pair<std::string, int64_t>> OperatorTest::RandomPairs(int max_n, int keys) {
  std::vector<std::pair<std::string, int64_t>> v(rng_() % max_n);
  for (auto& [k, x] : v) {
    k = "k" + std::to_string(rng_() % keys);
    x = static_cast<int64_t>(rng_() % 100) - 30;
  }
  return v;
}

std::vector<int64_t> OperatorTest::RandomInts(int max_n, int64_t range) {
  std::vector<int64_t> v(rng_() % max_n);
  for (auto& x : v) x = static_cast<int64_t>(rng_() % range) - range / 3;
  return v;
}

std::string MasterName(const ::testing::TestParamInfo<std::string>& info) {
  if (info.param == "cluster") return "cluster";
  return "local" + info.param.substr(6, info.param.size() - 7);
}

}  // namespace centella

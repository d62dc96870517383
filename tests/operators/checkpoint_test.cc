// checkpoint(): partitions written to the shared checkpoint directory and read back from
// there — the lineage is cut (the computation never runs again), a corrupt file is a
// clear DataLoss, and without a directory the call says what to configure. On every master.
#include <filesystem>
#include <fstream>

#include "tests/operators/operator_test.h"

namespace centella {
namespace {

class CheckpointTest : public OperatorTest {
 protected:
  void Configure(ContextOptions& options) override {
    ASSERT_TRUE(options.conf.Set("centella.checkpoint.dir", (dir() / "ckpt").string()).ok());
  }
};

TEST_P(CheckpointTest, ReadsBackInsteadOfRecomputing) {
  auto computed = ctx_->accumulator<int64_t>(0, "computed");
  std::vector<int64_t> data = RandomInts(5000, 1000);
  auto rdd = ctx_->parallelize(data, Slices()).map([computed](int64_t x) {
    computed.add(1);
    return std::pair<int64_t, int64_t>(x % 17, x);
  });
  auto cp = rdd.checkpoint();
  ASSERT_TRUE(cp.ok()) << cp.status();
  EXPECT_EQ(computed.value(), static_cast<int64_t>(data.size()));
  EXPECT_TRUE(cp->AsNode()->parents().empty());  // the lineage is cut
  EXPECT_EQ(cp->num_partitions(), rdd.num_partitions());

  std::map<int64_t, int64_t> want;
  for (int64_t x : data) want[x % 17] += x;
  for (int round = 0; round < 2; ++round) {
    auto sums = cp->reduce_by_key([](int64_t a, int64_t b) { return a + b; }).collect();
    ASSERT_TRUE(sums.ok()) << sums.status();
    EXPECT_EQ((std::map<int64_t, int64_t>(sums->begin(), sums->end())), want);
  }
  auto in_order = cp->values().collect();
  ASSERT_TRUE(in_order.ok());
  EXPECT_EQ(*in_order, data);  // partition order and record order kept
  EXPECT_EQ(computed.value(), static_cast<int64_t>(data.size()));  // never recomputed

  // A damaged file is reported, naming it.
  std::filesystem::path part;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir() / "ckpt")) {
    if (e.path().filename() == "part-00000") part = e.path();
  }
  ASSERT_FALSE(part.empty());
  std::fstream(part, std::ios::in | std::ios::out | std::ios::binary).seekp(9).put('\x7f');
  auto broken = cp->count();
  ASSERT_FALSE(broken.ok());
  EXPECT_NE(broken.status().message().find(part.string()), absl::string_view::npos)
      << broken.status();
}

using NoCheckpointDirTest = OperatorTest;

TEST_P(NoCheckpointDirTest, SaysWhatToConfigure) {
  auto cp = ctx_->parallelize(std::vector<int>{1, 2, 3}).checkpoint();
  EXPECT_EQ(cp.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(cp.status().message().find("centella.checkpoint.dir"), absl::string_view::npos);
}

CENTELLA_ON_EVERY_MASTER(CheckpointTest);
CENTELLA_ON_EVERY_MASTER(NoCheckpointDirTest);

}  // namespace
}  // namespace centella

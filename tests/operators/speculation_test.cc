// Speculative execution (--conf centella.speculation=true): a straggling task gets a copy,
// the job finishes without waiting for the straggler, and exactly one attempt of each
// partition commits its output file. On every master.
#include <filesystem>
#include <fstream>
#include <mutex>
#include <set>

#include "driver/dag/scheduler_listener.h"
#include "engine/task/task_context.h"
#include "tests/operators/operator_test.h"

namespace centella {
namespace {

class AttemptListener : public SchedulerListener {
 public:
  void OnTaskStart(const v1::TaskDescriptor& task, const std::string&) override {
    std::lock_guard<std::mutex> lock(mu_);
    launched_.insert({task.partition(), task.attempt()});
  }
  std::set<std::pair<int, int>> launched() {
    std::lock_guard<std::mutex> lock(mu_);
    return launched_;
  }

 private:
  std::mutex mu_;
  std::set<std::pair<int, int>> launched_;
};

// Partition 3's first attempt straggles for `delay_ms`; every other attempt is quick.
struct StraggleOnce {
  int delay_ms = 0;
  std::vector<int64_t> operator()(int partition, std::vector<int64_t>&& xs) const {
    const TaskContext* task = TaskContext::Current();
    if (partition == 3 && task != nullptr && task->attempt() == 0) {
      absl::SleepFor(absl::Milliseconds(delay_ms));
    }
    return std::move(xs);
  }
};

class SpeculationTest : public OperatorTest {
 protected:
  void Configure(ContextOptions& options) override {
    ASSERT_TRUE(options.conf.Set("centella.speculation", "true").ok());
    ASSERT_TRUE(options.conf.Set("centella.speculation.quantile", "0.5").ok());
    ASSERT_TRUE(options.conf.Set("centella.speculation.minRunTime", "100ms").ok());
    options.listener = &listener_;
  }
  AttemptListener listener_;
};

TEST_P(SpeculationTest, AStragglerIsCopiedAndOneAttemptCommits) {
  if (GetParam() == "local[1]") {
    GTEST_SKIP() << "one task slot: the straggler holds it, a copy could only run after it";
  }
  std::vector<int64_t> data(8000);
  std::iota(data.begin(), data.end(), 0);
  const std::string out = (dir() / "out").string();
  const absl::Time start = absl::Now();
  absl::Status s = ctx_->parallelize(data, 8)
                       .map_partitions_with_index(StraggleOnce{4000})
                       .save_as_text_file(out);
  const absl::Duration took = absl::Now() - start;
  ASSERT_TRUE(s.ok()) << s;
  EXPECT_LT(took, absl::Milliseconds(3500)) << "the job waited for the straggler";
  EXPECT_TRUE(listener_.launched().contains({3, 1})) << "no copy of the straggler";
  // One part file per partition, holding exactly the data.
  std::vector<int64_t> got;
  int parts = 0;
  for (const auto& e : std::filesystem::directory_iterator(out)) {
    const std::string name = e.path().filename().string();
    if (name.rfind("part-", 0) != 0) {
      EXPECT_EQ(name, "_SUCCESS");
      continue;
    }
    ++parts;
    std::ifstream f(e.path());
    for (std::string line; std::getline(f, line);) got.push_back(std::stoll(line));
  }
  EXPECT_EQ(parts, 8);
  std::sort(got.begin(), got.end());
  EXPECT_EQ(got, data);
}

CENTELLA_ON_EVERY_MASTER(SpeculationTest);

}  // namespace
}  // namespace centella

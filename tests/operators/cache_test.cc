// persist()/unpersist(): later jobs read cached partitions instead of recomputing them
// (counted with an accumulator that the computation adds to), the block manager evicts the
// least recently used blocks of other RDDs when it runs out of its budget (MEMORY_ONLY
// blocks are recomputed, MEMORY_AND_DISK ones read back from disk), DISK_ONLY keeps
// nothing in memory, and on a cluster tasks run where their partition is cached. On every
// master.
#include <map>
#include <mutex>

#include "driver/dag/scheduler_listener.h"
#include "tests/operators/operator_test.h"

namespace centella {
namespace {

// Which executor ran each (stage, partition), from task start events.
class PlacementListener : public SchedulerListener {
 public:
  void OnTaskStart(const v1::TaskDescriptor& task, const std::string& executor_id) override {
    std::lock_guard<std::mutex> lock(mu_);
    placed_[{task.stage_id(), task.partition()}] = executor_id;
  }
  std::map<int, std::string> OfStage(int stage_id) {
    std::lock_guard<std::mutex> lock(mu_);
    std::map<int, std::string> out;
    for (const auto& [key, executor] : placed_) {
      if (key.first == stage_id) out[key.second] = executor;
    }
    return out;
  }
  int LastStage() {
    std::lock_guard<std::mutex> lock(mu_);
    int last = -1;
    for (const auto& [key, executor] : placed_) last = std::max(last, key.first);
    return last;
  }

 private:
  std::mutex mu_;
  std::map<std::pair<int, int>, std::string> placed_;
};

class CacheTest : public OperatorTest {
 protected:
  void Configure(ContextOptions& options) override {
    // 2 MiB per executor: 1 MiB for cached blocks, 1 MiB for execution.
    ASSERT_TRUE(options.conf.Set("centella.memory.budget", "2m").ok());
    ASSERT_TRUE(options.conf.Set("centella.locality.wait", "30s").ok());
    options.listener = &placement_;
  }
  PlacementListener placement_;
};

// n records 0..n-1 in `parts` partitions, counting every record computed into `computed`.
template <class Acc>
auto Counted(Context& ctx, int64_t n, int parts, Acc computed) {
  std::vector<int64_t> seeds(parts);
  std::iota(seeds.begin(), seeds.end(), 0);
  return ctx.parallelize(seeds, parts).flat_map([n, parts, computed](int64_t p) {
    std::vector<int64_t> out;
    for (int64_t i = p; i < n; i += parts) {
      out.push_back(i);
      computed.add(1);
    }
    return out;
  });
}

TEST_P(CacheTest, LaterJobsReadCachedPartitions) {
  for (StorageLevel level :
       {StorageLevel::kMemoryOnly, StorageLevel::kMemoryAndDisk, StorageLevel::kDiskOnly}) {
    auto computed = ctx_->accumulator<int64_t>(0, "computed");
    const int64_t n = 5000;
    auto cached = Counted(*ctx_, n, 6, computed).persist(level);
    EXPECT_EQ(*cached.count(), n);
    EXPECT_EQ(computed.value(), n);
    EXPECT_EQ(*cached.map([](int64_t x) { return x * 2; }).reduce(std::plus<int64_t>()),
              n * (n - 1));
    auto all = cached.collect();
    ASSERT_TRUE(all.ok());
    EXPECT_EQ(all->size(), static_cast<size_t>(n));
    EXPECT_EQ(computed.value(), n)
        << "recomputed despite persist, level " << static_cast<int>(level);
    // unpersist: the next job computes the lineage again.
    ASSERT_TRUE(cached.unpersist().ok());
    EXPECT_EQ(*cached.count(), n);
    EXPECT_GT(computed.value(), n);
  }
  auto plain = ctx_->parallelize(std::vector<int>{1, 2});
  EXPECT_EQ(plain.unpersist().code(), absl::StatusCode::kFailedPrecondition);
}

TEST_P(CacheTest, EvictionRecomputesMemoryOnlyButNotMemoryAndDisk) {
  // Each RDD is ~3 MB in memory: more than all executors' 1 MiB of storage together.
  const int64_t n = 150000;
  for (StorageLevel level : {StorageLevel::kMemoryOnly, StorageLevel::kMemoryAndDisk}) {
    auto a_computed = ctx_->accumulator<int64_t>(0, "a");
    auto b_computed = ctx_->accumulator<int64_t>(0, "b");
    auto a = Counted(*ctx_, n, 12, a_computed).persist(level);
    auto b = Counted(*ctx_, n, 12, b_computed).persist(level);
    EXPECT_EQ(*a.count(), n);
    EXPECT_EQ(*b.count(), n);  // evicts a's blocks to make room for its own
    EXPECT_EQ(*a.count(), n);
    if (level == StorageLevel::kMemoryOnly) {
      EXPECT_GT(a_computed.value(), n) << "evicted MEMORY_ONLY blocks must be recomputed";
    } else {
      EXPECT_EQ(a_computed.value(), n) << "MEMORY_AND_DISK blocks must come back from disk";
      EXPECT_EQ(*b.count(), n);
      EXPECT_EQ(b_computed.value(), n);
    }
    ASSERT_TRUE(a.unpersist().ok());
    ASSERT_TRUE(b.unpersist().ok());
  }
}

TEST_P(CacheTest, TasksRunWhereTheirPartitionIsCached) {
  if (on_cluster()) {  // both executors up before the first job spreads the partitions
    ASSERT_TRUE(WaitForExecutors(2));
  }
  auto computed = ctx_->accumulator<int64_t>(0, "computed");
  auto cached = Counted(*ctx_, 8000, 8, computed).persist();
  ASSERT_EQ(*cached.count(), 8000);
  const std::map<int, std::string> first = placement_.OfStage(placement_.LastStage());
  ASSERT_EQ(first.size(), 8u);
  for (int round = 0; round < 3; ++round) {
    ASSERT_EQ(*cached.map([](int64_t x) { return x + 1; }).count(), 8000);
    EXPECT_EQ(placement_.OfStage(placement_.LastStage()), first) << "round " << round;
  }
  EXPECT_EQ(computed.value(), 8000);
  if (on_cluster()) {
    std::set<std::string> executors;
    for (const auto& [p, e] : first) executors.insert(e);
    EXPECT_EQ(executors.size(), 2u) << "both executors should hold some partitions";
  }
}

CENTELLA_ON_EVERY_MASTER(CacheTest);

}  // namespace
}  // namespace centella

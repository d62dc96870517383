// DStream operators batch by batch, on a local master, each batch made due by a FakeClock
// step: per-batch transformations, counts, joins, windows (slides longer than a batch),
// and a long stream whose nodes keep only what its windows need.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "driver/streaming/streaming_test_fixture.h"

namespace centella {
namespace {

struct IsEven {
  bool operator()(int64_t x) const { return x % 2 == 0; }
};
struct Times10 {
  int64_t operator()(int64_t x) const { return 10 * x; }
};

using WordCount = std::pair<std::string, int64_t>;

TEST_F(StreamingTestFixture, WordCountPerBatch) {
  auto queue = std::make_shared<RddQueue<std::string>>();
  queue->push(ctx_->parallelize(std::vector<std::string>{"a b a", "c"}, 2));
  queue->push(ctx_->parallelize(std::vector<std::string>{"b b"}, 1));
  Collected<WordCount> counts;
  CollectInto(ssc_->queue_stream(queue).flat_map(SplitWords{}).map(One{}).reduce_by_key(Plus{}),
              &counts, kInterval);
  ASSERT_TRUE(ssc_->start().ok());
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(Step()) << "batch " << i + 1;
  ssc_->stop();
  EXPECT_EQ(counts.batches(), (std::map<int64_t, std::vector<WordCount>>{
                                  {1, {{"a", 2}, {"b", 1}, {"c", 1}}}, {2, {{"b", 2}}}, {3, {}}}));
}

TEST_F(StreamingTestFixture, CountsFilterUnionAndJoin) {
  auto left = std::make_shared<RddQueue<int64_t>>();
  auto right = std::make_shared<RddQueue<int64_t>>();
  left->push(ctx_->parallelize(std::vector<int64_t>{1, 2, 3, 4}, 2));
  right->push(ctx_->parallelize(std::vector<int64_t>{4, 6}, 1));
  DStream<int64_t> l = ssc_->queue_stream(left);
  DStream<int64_t> r = ssc_->queue_stream(right);
  Collected<int64_t> counted, evens, both;
  CollectInto(l.count(), &counted, kInterval);
  CollectInto(l.filter(IsEven{}).map(Times10{}), &evens, kInterval);
  CollectInto(l.union_(r), &both, kInterval);
  struct Key {
    std::pair<int64_t, int64_t> operator()(int64_t x) const { return {x % 2, x}; }
  };
  Collected<std::pair<int64_t, std::pair<int64_t, int64_t>>> joined;
  CollectInto(l.map(Key{}).join(r.map(Key{})), &joined, kInterval);
  Collected<std::pair<int64_t, int64_t>> by_value;
  CollectInto(l.union_(r).count_by_value(), &by_value, kInterval);
  ASSERT_TRUE(ssc_->start().ok());
  ASSERT_TRUE(Step());
  ASSERT_TRUE(Step());  // both queues empty: empty batches still run
  ssc_->stop();
  EXPECT_EQ(counted.batches(), (std::map<int64_t, std::vector<int64_t>>{{1, {4}}, {2, {0}}}));
  EXPECT_EQ(evens.batches()[1], (std::vector<int64_t>{20, 40}));
  EXPECT_EQ(both.batches()[1], (std::vector<int64_t>{1, 2, 3, 4, 4, 6}));
  EXPECT_EQ(joined.batches()[1], (std::vector<std::pair<int64_t, std::pair<int64_t, int64_t>>>{
                                     {0, {2, 4}}, {0, {2, 6}}, {0, {4, 4}}, {0, {4, 6}}}));
  EXPECT_EQ(by_value.batches()[1],
            (std::vector<std::pair<int64_t, int64_t>>{{1, 1}, {2, 1}, {3, 1}, {4, 2}, {6, 1}}));
  EXPECT_TRUE(joined.batches()[2].empty());
}

// Batch i holds the single record i. A window of 3 batches sliding by 2 has an RDD at
// batches 2, 4, 6 with the records of batches (i-2, i].
TEST_F(StreamingTestFixture, WindowsSlideByWholeBatches) {
  auto queue = std::make_shared<RddQueue<int64_t>>();
  for (int64_t i = 1; i <= 6; ++i) queue->push(ctx_->parallelize(std::vector<int64_t>{i}, 1));
  DStream<int64_t> numbers = ssc_->queue_stream(queue);
  Collected<int64_t> windows, counts;
  CollectInto(numbers.window(3 * kInterval, 2 * kInterval), &windows, kInterval);
  CollectInto(numbers.count_by_window(3 * kInterval, 2 * kInterval), &counts, kInterval);
  struct Constant {
    std::pair<int, int64_t> operator()(int64_t x) const { return {0, x}; }
  };
  Collected<std::pair<int, int64_t>> sums;
  CollectInto(
      numbers.map(Constant{}).reduce_by_key_and_window(Plus{}, 3 * kInterval, 2 * kInterval), &sums,
      kInterval);
  ASSERT_TRUE(ssc_->start().ok());
  for (int i = 0; i < 6; ++i) ASSERT_TRUE(Step());
  ssc_->stop();
  EXPECT_EQ(windows.batches(),
            (std::map<int64_t, std::vector<int64_t>>{{2, {1, 2}}, {4, {2, 3, 4}}, {6, {4, 5, 6}}}));
  EXPECT_EQ(counts.batches(),
            (std::map<int64_t, std::vector<int64_t>>{{2, {2}}, {4, {3}}, {6, {3}}}));
  EXPECT_EQ(sums.batches(), (std::map<int64_t, std::vector<std::pair<int, int64_t>>>{
                                {2, {{0, 3}}}, {4, {{0, 9}}}, {6, {{0, 15}}}}));
}

// A stream that runs many batches holds a bounded number of RDDs (the window's), and its
// shuffles are released batch after batch.
TEST_F(StreamingTestFixture, ALongStreamHoldsOnlyWhatItsWindowsNeed) {
  auto queue = std::make_shared<RddQueue<std::string>>();
  struct Always {
    bool operator()(const WordCount&) const { return true; }
  };
  DStream<WordCount> counted = ssc_->queue_stream(queue).map(One{}).reduce_by_key(Plus{});
  int64_t seen = 0;
  counted.reduce_by_key_and_window(Plus{}, 4 * kInterval)
      .filter(Always{})
      .foreach_rdd([&seen](const Rdd<WordCount>& rdd, absl::Time) {
        auto n = rdd.count();
        if (!n.ok()) return n.status();
        seen += *n;
        return absl::OkStatus();
      });
  ASSERT_TRUE(ssc_->start().ok());
  int most_held = 0;
  for (int i = 0; i < 200; ++i) {
    queue->push(ctx_->parallelize(std::vector<std::string>{"x", "y", "x"}, 2));
    ASSERT_TRUE(Step()) << "batch " << i + 1;
    most_held = std::max(most_held, ssc_->held_rdds());
  }
  ssc_->stop();
  // Every window of 4 batches holds x and y once it is full.
  EXPECT_EQ(seen, 2 * 200);
  EXPECT_LE(most_held, 12);
  const DagSchedulerStats stats = ctx_->SchedulerStats();
  EXPECT_LE(stats.registered_shuffles, 12) << "shuffles of old batches were not released";
  EXPECT_GE(stats.shuffles_removed, 190);
}

// Running totals per key, as the streaming word count keeps them.
struct AddUp {
  std::optional<int64_t> operator()(const std::vector<int64_t>& values,
                                    std::optional<int64_t> total) const {
    int64_t sum = total.value_or(0);
    for (int64_t v : values) sum += v;
    if (sum == 0) return std::nullopt;  // a key that sums to nothing is dropped
    return sum;
  }
};

class StateTest : public StreamingTestFixture {
 protected:
  bool rdd_checkpoints() const override { return true; }
  // Checkpointed RDDs on disk now.
  int CheckpointDirs() const {
    int n = 0;
    std::error_code ec;
    for (auto it = std::filesystem::recursive_directory_iterator(checkpoints_, ec);
         !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
      n += it->path().filename().string().rfind("rdd-", 0) == 0;
    }
    return n;
  }
};

using Delta = std::pair<std::string, int64_t>;

TEST_F(StateTest, UpdateStateByKeyKeepsRunningTotalsAndDropsKeysThatEnd) {
  auto queue = std::make_shared<RddQueue<Delta>>();
  queue->push(ctx_->parallelize(std::vector<Delta>{{"a", 1}, {"b", 2}, {"a", 3}}, 2));
  queue->push(ctx_->parallelize(std::vector<Delta>{{"b", -2}, {"c", 5}}, 1));
  Collected<Delta> totals;
  CollectInto(ssc_->queue_stream(queue).update_state_by_key<int64_t>(AddUp{}, 2, /*every=*/2),
              &totals, kInterval);
  ASSERT_TRUE(ssc_->start().ok());
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(Step());
  ssc_->stop();
  EXPECT_EQ(totals.batches(), (std::map<int64_t, std::vector<Delta>>{
                                  {1, {{"a", 4}, {"b", 2}}},
                                  {2, {{"a", 4}, {"c", 5}}},  // b summed to 0: dropped
                                  {3, {{"a", 4}, {"c", 5}}},  // no new values: state stays
                                  {4, {{"a", 4}, {"c", 5}}}}));
}

// map_with_state's function: the running total of a key, -1 when it times out.
struct RunningTotal {
  std::pair<std::string, int64_t> operator()(const std::string& key, std::optional<int64_t> value,
                                             State<int64_t>& state) const {
    if (state.is_timing_out()) return {key, -1};
    const int64_t total = (state.exists() ? state.get() : 0) + *value;
    state.update(total);
    return {key, total};
  }
};

TEST_F(StateTest, MapWithStateEmitsPerRecordAndTimesOutIdleKeys) {
  auto queue = std::make_shared<RddQueue<Delta>>();
  queue->push(ctx_->parallelize(std::vector<Delta>{{"a", 1}, {"b", 2}}, 2));
  queue->push(ctx_->parallelize(std::vector<Delta>{{"a", 3}}, 1));
  Collected<Delta> outputs;
  CollectInto(
      ssc_->queue_stream(queue).map_with_state<int64_t>(RunningTotal{}, absl::Milliseconds(250)),
      &outputs, kInterval);
  ASSERT_TRUE(ssc_->start().ok());
  for (int i = 0; i < 6; ++i) ASSERT_TRUE(Step());
  ssc_->stop();
  EXPECT_EQ(outputs.batches(),
            (std::map<int64_t, std::vector<Delta>>{{1, {{"a", 1}, {"b", 2}}},
                                                   {2, {{"a", 4}}},
                                                   {3, {}},
                                                   {4, {{"b", -1}}},  // 300 ms since its update
                                                   {5, {{"a", -1}}},
                                                   {6, {}}}));  // both removed
}

struct Minus {
  int64_t operator()(int64_t a, int64_t b) const { return a - b; }
};

TEST_F(StateTest, AnIncrementalWindowEqualsTheWholeWindowEverySlide) {
  auto queue = std::make_shared<RddQueue<Delta>>();
  auto words = ssc_->queue_stream(queue);
  Collected<Delta> whole, incremental;
  const absl::Duration length = absl::Milliseconds(500), slide = absl::Milliseconds(200);
  CollectInto(words.reduce_by_key_and_window(Plus{}, length, slide), &whole, kInterval);
  CollectInto(words.reduce_by_key_and_window(Plus{}, Minus{}, length, slide), &incremental,
              kInterval);
  ASSERT_TRUE(ssc_->start().ok());
  for (int i = 1; i <= 40; ++i) {
    std::vector<Delta> batch;
    // Keys come and go: k<i % 6> only in some batches, so keys leave the window.
    for (int j = 0; j < i % 4; ++j) batch.emplace_back(absl::StrCat("k", (i + j) % 6), i);
    queue->push(ctx_->parallelize(batch, 2));
    ASSERT_TRUE(Step()) << "batch " << i;
  }
  ssc_->stop();
  EXPECT_EQ(whole.batches().size(), 20u);
  // The whole window drops a key only because it is absent; the incremental one drops
  // it once its records have left: the same.
  EXPECT_EQ(incremental.batches(), whole.batches());
}

TEST_F(StateTest, AnIncrementalWindowRefusesAStreamCheckpoint) {
  StreamingOptions options;
  options.clock = &clock_;
  options.checkpoint_dir = (checkpoints_ / "stream").string();
  ssc_ = *StreamingContext::Create(*ctx_, kInterval, options);
  auto queue = std::make_shared<RddQueue<Delta>>();
  ssc_->queue_stream(queue)
      .reduce_by_key_and_window(Plus{}, Minus{}, absl::Milliseconds(300), kInterval)
      .print();
  absl::Status refused = ssc_->start();
  EXPECT_EQ(refused.code(), absl::StatusCode::kFailedPrecondition) << refused;
  EXPECT_NE(refused.message().find("inverse"), std::string::npos) << refused;
}

TEST_F(StateTest, ALongStatefulStreamKeepsItsLineageAndFilesBounded) {
  auto queue = std::make_shared<RddQueue<Delta>>();
  Collected<Delta> totals;
  CollectInto(ssc_->queue_stream(queue).update_state_by_key<int64_t>(AddUp{}, 2, /*every=*/5),
              &totals, kInterval);
  ASSERT_TRUE(ssc_->start().ok());
  int most_dirs = 0;
  for (int i = 1; i <= 120; ++i) {
    queue->push(ctx_->parallelize(std::vector<Delta>{{"x", 1}, {absl::StrCat("k", i % 5), 1}}, 2));
    ASSERT_TRUE(Step()) << "batch " << i;
    most_dirs = std::max(most_dirs, CheckpointDirs());
  }
  ssc_->stop();
  auto last = totals.batches()[120];
  EXPECT_EQ(last, (std::vector<Delta>{
                      {"k0", 24}, {"k1", 24}, {"k2", 24}, {"k3", 24}, {"k4", 24}, {"x", 120}}));
  EXPECT_LE(most_dirs, 3) << "old state checkpoints were not removed";
  EXPECT_LE(ssc_->held_rdds(), 6);
  EXPECT_LE(ctx_->SchedulerStats().registered_shuffles, 8);
}

TEST_F(StreamingTestFixture, SaveAsTextFilesWritesEachBatchOnceAndRedoesAHalfWrittenOne) {
  const std::filesystem::path out =
      std::filesystem::temp_directory_path() / absl::StrCat("text-files-", ::getpid());
  std::filesystem::remove_all(out);
  // Batch 1 was written completely by an earlier run; batch 2 only half (no _SUCCESS).
  std::filesystem::create_directories(out / "batch-1");
  std::ofstream(out / "batch-1" / "part-00000") << "from the earlier run\n";
  std::ofstream(out / "batch-1" / "_SUCCESS");
  std::filesystem::create_directories(out / "batch-2");
  std::ofstream(out / "batch-2" / "part-00000") << "half\n";
  auto queue = std::make_shared<RddQueue<int64_t>>();
  for (int64_t i = 0; i < 3; ++i) queue->push(ctx_->parallelize(std::vector<int64_t>{i}, 1));
  ssc_->queue_stream(queue).save_as_text_files(out.string());
  ASSERT_TRUE(ssc_->start().ok());
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(Step());
  ssc_->stop();
  auto read = [&](const std::string& batch) {
    std::string all, line;
    for (const auto& e : std::filesystem::directory_iterator(out / batch)) {
      if (e.path().filename().string().rfind("part-", 0) != 0) continue;
      std::ifstream in(e.path());
      while (std::getline(in, line)) all += line + ";";
    }
    return all;
  };
  EXPECT_EQ(read("batch-0"), "0;");
  EXPECT_EQ(read("batch-1"), "from the earlier run;");  // complete: left alone
  EXPECT_EQ(read("batch-2"), "2;");                     // half written: redone
  EXPECT_TRUE(std::filesystem::exists(out / "batch-2" / "_SUCCESS"));
  std::filesystem::remove_all(out);
}

TEST_F(StreamingTestFixture, UpdateStateByKeyWithoutACheckpointDirectoryIsRefused) {
  auto queue = std::make_shared<RddQueue<Delta>>();
  ssc_->queue_stream(queue).update_state_by_key<int64_t>(AddUp{}).print();
  absl::Status s = ssc_->start();
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition) << s;
  EXPECT_NE(s.message().find("centella.checkpoint.dir"), std::string::npos) << s;
}

}  // namespace
}  // namespace centella

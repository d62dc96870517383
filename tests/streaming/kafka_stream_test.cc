// A streaming word count over Kafka, on a local master and on a 2-daemon cluster: kcat
// produces real Kafka messages into centella-kafka-dev while the stream runs, each batch
// reads the new offsets (one task per partition, on the executors), and the running
// totals the driver keeps equal an in-test count of the same lines — every message
// counted exactly once.
#include <atomic>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "centella/streaming.h"
#include "tests/cluster/local_cluster.h"
#include "tests/operators/operator_test.h"
#include "tests/run_command.h"
#include "tests/streaming/kafka_dev_process.h"

namespace centella {
namespace {

struct Words {
  std::vector<std::string> operator()(const KafkaRecord& r) const {
    return absl::StrSplit(r.value, ' ', absl::SkipEmpty());
  }
};
struct One {
  std::pair<std::string, int64_t> operator()(const std::string& w) const { return {w, 1}; }
};
struct Plus {
  int64_t operator()(int64_t a, int64_t b) const { return a + b; }
};

// The running totals of every batch, kept on the driver.
class Totals {
 public:
  void Add(const std::vector<std::pair<std::string, int64_t>>& counts) {
    absl::MutexLock lock(&mu_);
    for (const auto& [w, n] : counts) totals_[w] += n;
  }
  std::map<std::string, int64_t> Get() const {
    absl::MutexLock lock(&mu_);
    return totals_;
  }

 private:
  mutable absl::Mutex mu_;
  std::map<std::string, int64_t> totals_;
};

std::vector<std::string> Lines(int first, int n) {
  std::vector<std::string> lines;
  for (int i = first; i < first + n; ++i) {
    lines.push_back(absl::StrCat("w", i % 7, " w", i % 3, " line", i % 11));
  }
  return lines;
}

void CountInto(const std::vector<std::string>& lines, std::map<std::string, int64_t>* counts) {
  for (const std::string& line : lines) {
    for (absl::string_view w : absl::StrSplit(line, ' ', absl::SkipEmpty())) {
      ++(*counts)[std::string(w)];
    }
  }
}

// centella-kafka-dev with the topic words:3, holding Lines(0, n) (counted into `expected`).
absl::StatusOr<std::unique_ptr<KafkaDevProcess>> KafkaWithLines(
    const std::filesystem::path& dir, int n, std::map<std::string, int64_t>* expected) {
  auto kafka = KafkaDevProcess::Start(BuildDirFromEnvironment(), dir.string(), {"words:3"});
  if (!kafka.ok()) return kafka.status();
  const std::vector<std::string> lines = Lines(0, n);
  if (absl::Status s = (*kafka)->Produce("words", lines); !s.ok()) return s;
  CountInto(lines, expected);
  return kafka;
}

// The topic words from its first message.
KafkaStreamOptions WordsFromTheStart(const std::string& bootstrap) {
  KafkaStreamOptions options;
  options.bootstrap_servers = bootstrap;
  options.topics = {"words"};
  options.start = KafkaStreamOptions::Start::kEarliest;
  return options;
}

class KafkaStreamTest : public OperatorTest {};

TEST_P(KafkaStreamTest, WordCountOverKafkaCountsEveryMessageOnce) {
  ASSERT_TRUE(WaitForExecutors(on_cluster() ? 2 : 1));
  const std::string build = BuildDirFromEnvironment();
  ASSERT_FALSE(build.empty()) << "CENTELLA_BUILD_DIR is not set (run through ctest)";
  auto kafka = KafkaDevProcess::Start(build, dir().string(), {"words:3"});
  ASSERT_TRUE(kafka.ok()) << kafka.status();
  std::map<std::string, int64_t> expected;
  const std::vector<std::string> before = Lines(0, 3000);
  ASSERT_TRUE((*kafka)->Produce("words", before).ok());
  CountInto(before, &expected);

  // Every message is read by exactly one batch: the batches' input counts add up.
  struct InputCount : StreamingListener {
    void OnBatchCompleted(const BatchInfo& b) override {
      for (const auto& [input, n] : b.input_records) records += n;
    }
    std::atomic<int64_t> records{0};
  } inputs;
  StreamingOptions streaming;
  streaming.listener = &inputs;
  auto ssc = StreamingContext::Create(*ctx_, absl::Milliseconds(200), streaming);
  ASSERT_TRUE(ssc.ok()) << ssc.status();
  KafkaStreamOptions options;
  options.bootstrap_servers = (*kafka)->bootstrap();
  options.topics = {"words"};
  options.start = KafkaStreamOptions::Start::kEarliest;
  Totals totals;
  (*ssc)
      ->kafka_direct_stream(options)
      .flat_map(Words{})
      .map(One{})
      .reduce_by_key(Plus{})
      .foreach_rdd([&totals](const Rdd<std::pair<std::string, int64_t>>& rdd, absl::Time) {
        auto counts = rdd.collect();
        if (!counts.ok()) return counts.status();
        totals.Add(*counts);
        return absl::OkStatus();
      });
  ASSERT_TRUE((*ssc)->start().ok());
  // More while the stream runs: later batches read them.
  for (int round = 1; round <= 3; ++round) {
    const std::vector<std::string> more = Lines(3000 * round, 1000);
    ASSERT_TRUE((*kafka)->Produce("words", more).ok());
    CountInto(more, &expected);
    absl::SleepFor(absl::Milliseconds(300));
  }
  ASSERT_TRUE(WaitUntil([&] { return totals.Get() == expected; }, absl::Seconds(30)))
      << "the stream's totals never matched the messages produced";
  // Batches after the last message add nothing: nothing is read twice.
  const int64_t done = (*ssc)->batches_completed();
  ASSERT_TRUE(
      WaitUntil([&] { return (*ssc)->batches_completed() >= done + 3; }, absl::Seconds(20)));
  (*ssc)->stop();
  EXPECT_TRUE((*ssc)->await_termination().ok());
  EXPECT_EQ(totals.Get(), expected);
  EXPECT_EQ(inputs.records.load(), 3000 + 3 * 1000);
}

INSTANTIATE_TEST_SUITE_P(Masters, KafkaStreamTest, ::testing::Values("local[2]", "cluster"),
                         MasterName);

// An idempotent sink: each batch's counts stored under its batch id, so a batch that
// runs again (same id, same input) replaces what it wrote the first time.
class BatchKeyedSink {
 public:
  void Put(int64_t batch, std::vector<std::pair<std::string, int64_t>> counts) {
    absl::MutexLock lock(&mu_);
    ++writes_[batch];
    batches_[batch] = std::move(counts);
  }
  std::map<std::string, int64_t> Totals() const {
    absl::MutexLock lock(&mu_);
    std::map<std::string, int64_t> totals;
    for (const auto& [t, counts] : batches_) {
      for (const auto& [w, n] : counts) totals[w] += n;
    }
    return totals;
  }
  // Ids of the batches written more than once.
  std::vector<int64_t> Rewritten() const {
    absl::MutexLock lock(&mu_);
    std::vector<int64_t> ids;
    for (const auto& [id, w] : writes_) {
      if (w > 1) ids.push_back(id);
    }
    return ids;
  }

 private:
  mutable absl::Mutex mu_;
  std::map<int64_t, std::vector<std::pair<std::string, int64_t>>> batches_;
  std::map<int64_t, int> writes_;
};

class KafkaCheckpointTest : public OperatorTest {
 protected:
  void Configure(ContextOptions& options) override {
    ASSERT_TRUE(
        options.conf.Set("centella.streaming.checkpoint", (dir() / "checkpoint").string()).ok());
  }
  // The word count of the tests, into `sink`; `fail_once` makes the first batch with
  // records fail after its output was written (a driver that died mid-batch).
  std::unique_ptr<StreamingContext> WordCount(const std::string& bootstrap, BatchKeyedSink* sink,
                                              std::shared_ptr<std::atomic<bool>> fail_once) {
    auto ssc = StreamingContext::Create(*ctx_, absl::Milliseconds(200));
    EXPECT_TRUE(ssc.ok()) << ssc.status();
    (*ssc)
        ->kafka_direct_stream(WordsFromTheStart(bootstrap))
        .flat_map(Words{})
        .map(One{})
        .reduce_by_key(Plus{})
        .foreach_batch([sink, fail_once](const Rdd<std::pair<std::string, int64_t>>& rdd,
                                         const BatchRef& batch) {
          auto counts = rdd.collect();
          if (!counts.ok()) return counts.status();
          const bool some = !counts->empty();
          sink->Put(batch.id, *std::move(counts));
          if (some && fail_once != nullptr && fail_once->exchange(false)) {
            return absl::InternalError("the driver died here");
          }
          return absl::OkStatus();
        });
    return *std::move(ssc);
  }
};

TEST_P(KafkaCheckpointTest, ARestartRunsTheUncommittedBatchAgainAndLosesNothing) {
  ASSERT_TRUE(WaitForExecutors(on_cluster() ? 2 : 1));
  std::map<std::string, int64_t> expected;
  auto kafka = KafkaWithLines(dir(), 2000, &expected);
  ASSERT_TRUE(kafka.ok()) << kafka.status();

  BatchKeyedSink sink;
  {
    auto ssc = WordCount((*kafka)->bootstrap(), &sink, std::make_shared<std::atomic<bool>>(true));
    ASSERT_TRUE(ssc->start().ok());
    std::optional<absl::Status> ended = ssc->await_termination_or_timeout(absl::Seconds(30));
    ASSERT_TRUE(ended.has_value()) << "the failing batch did not stop the stream";
    EXPECT_NE(ended->message().find("the driver died here"), std::string::npos) << *ended;
  }
  // Written, not committed: the restart must run exactly that batch again.
  EXPECT_EQ(sink.Totals(), expected);

  const std::vector<std::string> second = Lines(5000, 1500);
  ASSERT_TRUE((*kafka)->Produce("words", second).ok());
  CountInto(second, &expected);
  {
    auto ssc = WordCount((*kafka)->bootstrap(), &sink, nullptr);
    ASSERT_TRUE(ssc->start().ok());
    ASSERT_TRUE(WaitUntil([&] { return sink.Totals() == expected && !sink.Rewritten().empty(); },
                          absl::Seconds(30)))
        << sink.Rewritten().size() << " batches rewritten";
    ssc->stop();
  }
  EXPECT_EQ(sink.Totals(), expected);
  // Only the batch that had failed ran twice, under its own id.
  EXPECT_EQ(sink.Rewritten(), (std::vector<int64_t>{0}));

  // A changed program is refused: the checkpoint belongs to the word count.
  auto ssc = StreamingContext::Create(*ctx_, absl::Milliseconds(200));
  ASSERT_TRUE(ssc.ok());
  KafkaStreamOptions options;
  options.bootstrap_servers = (*kafka)->bootstrap();
  options.topics = {"words"};
  (*ssc)->kafka_direct_stream(options).foreach_rdd(
      [](const Rdd<KafkaRecord>&, absl::Time) { return absl::OkStatus(); });
  absl::Status refused = (*ssc)->start();
  EXPECT_EQ(refused.code(), absl::StatusCode::kFailedPrecondition) << refused;
  EXPECT_NE(refused.message().find("different stream program"), std::string::npos) << refused;
}

INSTANTIATE_TEST_SUITE_P(Masters, KafkaCheckpointTest, ::testing::Values("local[2]", "cluster"),
                         MasterName);

// Running totals per word (the streaming word count's state).
struct AddUp {
  std::optional<int64_t> operator()(const std::vector<int64_t>& counts,
                                    std::optional<int64_t> total) const {
    int64_t sum = total.value_or(0);
    for (int64_t n : counts) sum += n;
    return sum;
  }
};

// The newest batch's whole state, as the output saw it.
class LatestState {
 public:
  void Put(int64_t batch, std::vector<std::pair<std::string, int64_t>> totals) {
    absl::MutexLock lock(&mu_);
    if (batch < newest_) return;
    newest_ = batch;
    totals_ = std::map<std::string, int64_t>(totals.begin(), totals.end());
  }
  std::map<std::string, int64_t> Get() const {
    absl::MutexLock lock(&mu_);
    return totals_;
  }

 private:
  mutable absl::Mutex mu_;
  int64_t newest_ = -1;
  std::map<std::string, int64_t> totals_;
};

class KafkaStateTest : public OperatorTest {
 protected:
  void Configure(ContextOptions& options) override {
    ASSERT_TRUE(
        options.conf.Set("centella.streaming.checkpoint", (dir() / "stream").string()).ok());
    ASSERT_TRUE(options.conf.Set("centella.checkpoint.dir", (dir() / "rdds").string()).ok());
  }
  std::unique_ptr<StreamingContext> RunningTotals(const std::string& bootstrap, LatestState* out) {
    auto ssc = StreamingContext::Create(*ctx_, absl::Milliseconds(200));
    EXPECT_TRUE(ssc.ok()) << ssc.status();
    (*ssc)
        ->kafka_direct_stream(WordsFromTheStart(bootstrap))
        .flat_map(Words{})
        .map(One{})
        .reduce_by_key(Plus{})
        .update_state_by_key<int64_t>(AddUp{})
        .foreach_batch(
            [out](const Rdd<std::pair<std::string, int64_t>>& rdd, const BatchRef& batch) {
              auto totals = rdd.collect();
              if (!totals.ok()) return totals.status();
              out->Put(batch.id, *std::move(totals));
              return absl::OkStatus();
            });
    return *std::move(ssc);
  }
};

TEST_P(KafkaStateTest, ARestartedStreamContinuesFromTheCommittedState) {
  ASSERT_TRUE(WaitForExecutors(on_cluster() ? 2 : 1));
  std::map<std::string, int64_t> expected;
  auto kafka = KafkaWithLines(dir(), 2000, &expected);
  ASSERT_TRUE(kafka.ok()) << kafka.status();
  LatestState state;
  {
    auto ssc = RunningTotals((*kafka)->bootstrap(), &state);
    ASSERT_TRUE(ssc->start().ok());
    ASSERT_TRUE(WaitUntil([&] { return state.Get() == expected; }, absl::Seconds(30)));
    ssc->stop();
  }
  const std::vector<std::string> second = Lines(7000, 1500);
  ASSERT_TRUE((*kafka)->Produce("words", second).ok());
  CountInto(second, &expected);
  {
    auto ssc = RunningTotals((*kafka)->bootstrap(), &state);
    ASSERT_TRUE(ssc->start().ok());
    ASSERT_TRUE(WaitUntil([&] { return state.Get() == expected; }, absl::Seconds(30)))
        << "the totals after the restart do not include the first run's";
    ssc->stop();
  }
  // Only the last two snapshots of the state are kept.
  int snapshots = 0;
  for (const auto& node : std::filesystem::directory_iterator(dir() / "stream" / "state")) {
    for (const auto& s : std::filesystem::directory_iterator(node.path()))
      snapshots += !s.path().empty();
  }
  EXPECT_LE(snapshots, 2);
}

INSTANTIATE_TEST_SUITE_P(Masters, KafkaStateTest, ::testing::Values("local[2]", "cluster"),
                         MasterName);

}  // namespace
}  // namespace centella

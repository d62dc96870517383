// SplitWords, One, Plus: a word count. Collected<T> / CollectInto: what an output saw,
// batch by batch.
// StreamingTestFixture: a local[2] context and a StreamingContext whose batches are driven
// by a FakeClock: Step() moves time one batch interval on and waits until that batch has
// completed, so a test sees exactly one batch per step, however slow the machine.
#ifndef CENTELLA_DRIVER_STREAMING_STREAMING_TEST_FIXTURE_H_
#define CENTELLA_DRIVER_STREAMING_STREAMING_TEST_FIXTURE_H_

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "centella/streaming.h"
#include "common/clock/fake_clock.h"
#include "gtest/gtest.h"

namespace centella {

// The word count's functions: space-separated words, (word, 1), a sum.
struct SplitWords {
  std::vector<std::string> operator()(const std::string& line) const {
    return absl::StrSplit(line, ' ', absl::SkipEmpty());
  }
};
struct One {
  std::pair<std::string, int64_t> operator()(const std::string& w) const { return {w, 1}; }
};
struct Plus {
  int64_t operator()(int64_t a, int64_t b) const { return a + b; }
};

// What an output saw: the sorted records of each batch it ran for, by batch number
// (1 = the first batch after start).
template <class T>
class Collected {
 public:
  void Add(int64_t batch, std::vector<T> records) {
    std::sort(records.begin(), records.end());
    absl::MutexLock lock(&mu_);
    batches_[batch] = std::move(records);
  }
  std::map<int64_t, std::vector<T>> batches() const {
    absl::MutexLock lock(&mu_);
    return batches_;
  }

 private:
  mutable absl::Mutex mu_;
  std::map<int64_t, std::vector<T>> batches_;
};

// Collects every batch of `stream` into `out`, numbered from the stream's zero time.
template <class T>
void CollectInto(const DStream<T>& stream, Collected<T>* out, absl::Duration interval) {
  stream.foreach_rdd([out, interval, node = stream.node()](const Rdd<T>& rdd, absl::Time t) {
    auto records = rdd.collect();
    if (!records.ok()) return records.status();
    out->Add((t - node->zero_time()) / interval, *std::move(records));
    return absl::OkStatus();
  });
}

class StreamingTestFixture : public ::testing::Test {
 protected:
  static constexpr absl::Duration kInterval = absl::Milliseconds(100);

  // Whether the context gets a centella.checkpoint.dir (stateful streams need one): a
  // directory of its own under the temp directory, removed after the test.
  virtual bool rdd_checkpoints() const { return false; }

  void SetUp() override {
    ContextOptions options;
    options.master = "local[2]";
    ASSERT_TRUE(options.conf.Set("centella.ui.showConsoleProgress", "false").ok());
    if (rdd_checkpoints()) {
      checkpoints_ = std::filesystem::temp_directory_path() /
                     absl::StrCat("stream-test-", ::getpid(), "-",
                                  ::testing::UnitTest::GetInstance()->current_test_info()->name());
      std::filesystem::remove_all(checkpoints_);
      ASSERT_TRUE(options.conf.Set("centella.checkpoint.dir", checkpoints_.string()).ok());
    }
    auto ctx = Context::Create(std::move(options));
    ASSERT_TRUE(ctx.ok()) << ctx.status();
    ctx_ = *std::move(ctx);
    StreamingOptions streaming;
    streaming.clock = &clock_;
    auto ssc = StreamingContext::Create(*ctx_, kInterval, streaming);
    ASSERT_TRUE(ssc.ok()) << ssc.status();
    ssc_ = *std::move(ssc);
  }
  void TearDown() override {
    ssc_.reset();
    ctx_.reset();
    if (!checkpoints_.empty()) std::filesystem::remove_all(checkpoints_);
  }

  // One batch interval on; true once the batch it made due has completed (within 20 s).
  bool Step() {
    const int64_t before = ssc_->batches_completed();
    clock_.Advance(kInterval);
    const absl::Time give_up = absl::Now() + absl::Seconds(20);
    while (ssc_->batches_completed() <= before) {
      if (absl::Now() > give_up) return false;
      absl::SleepFor(absl::Milliseconds(1));
    }
    return true;
  }

  FakeClock clock_;
  std::filesystem::path checkpoints_;  // with rdd_checkpoints()
  std::unique_ptr<Context> ctx_;
  std::unique_ptr<StreamingContext> ssc_;
};

}  // namespace centella

#endif  // CENTELLA_DRIVER_STREAMING_STREAMING_TEST_FIXTURE_H_

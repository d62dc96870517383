// A windowed event-time count over Kafka, on a local master and on a 2-daemon cluster:
// kcat produces out-of-order messages "key,event-ms" in phases, some of them late; the
// stream counts per key and 10 s tumbling window with a 10 s watermark delay, in append
// mode (each window once, final) and update mode (the newest value of each window), and
// both equal an in-test count of the on-time records, with the late ones counted exactly.
//
// Each phase is produced once the stream's watermark has moved past the previous one, and
// its on-time records lie within one delay of the phase's largest event time: however
// kcat and the batches split a phase, every record is judged against a watermark that
// makes the same decision, so the expected result is exact.
#include <algorithm>
#include <fstream>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "centella/streaming.h"
#include "nlohmann/json.hpp"
#include "tests/cluster/local_cluster.h"
#include "tests/operators/operator_test.h"
#include "tests/run_command.h"
#include "tests/streaming/kafka_dev_process.h"

namespace centella {
namespace {

using Event = std::pair<std::string, int64_t>;   // (key, event time ms)
using Window = std::pair<std::string, int64_t>;  // (key, window start ms)

struct Parse {
  Event operator()(const KafkaRecord& r) const {
    const size_t comma = r.value.find(',');
    int64_t ms = 0;
    if (comma == std::string::npos || !absl::SimpleAtoi(r.value.substr(comma + 1), &ms)) {
      return {"unparsable", 0};
    }
    return {r.value.substr(0, comma), ms};
  }
};
struct TimeOf {
  int64_t operator()(const Event& e) const { return e.second; }
};
struct KeyOf {
  std::string operator()(const Event& e) const { return e.first; }
};

constexpr int64_t kWindowMs = 10'000;
constexpr int64_t kDelayMs = 10'000;

// Window counts as outputs saw them: append mode keeps every emission (each window must
// come once), update mode the newest value per window.
class WindowSink {
 public:
  void Append(const std::vector<std::pair<Window, int64_t>>& closed) {
    absl::MutexLock lock(&mu_);
    for (const auto& [w, n] : closed) {
      if (!finals_.emplace(w, n).second) ++emitted_twice_;
    }
  }
  void Update(const std::vector<std::pair<Window, int64_t>>& changed) {
    absl::MutexLock lock(&mu_);
    for (const auto& [w, n] : changed) latest_[w] = n;
  }
  std::map<Window, int64_t> finals() const {
    absl::MutexLock lock(&mu_);
    return finals_;
  }
  std::map<Window, int64_t> latest() const {
    absl::MutexLock lock(&mu_);
    return latest_;
  }
  int emitted_twice() const {
    absl::MutexLock lock(&mu_);
    return emitted_twice_;
  }

 private:
  mutable absl::Mutex mu_;
  std::map<Window, int64_t> finals_;
  std::map<Window, int64_t> latest_;
  int emitted_twice_ = 0;
};

class KafkaEventTimeTest : public OperatorTest {
 protected:
  void Configure(ContextOptions& options) override {
    ASSERT_TRUE(options.conf.Set("centella.checkpoint.dir", (dir() / "rdds").string()).ok());
    ASSERT_TRUE(options.conf.Set("centella.eventLog.dir", (dir() / "events").string()).ok());
  }

  // A phase: `on_time` records spread over (top - delay, top], `top` among them, and
  // `late` records in [late_from, late_to], shuffled together.
  std::vector<std::string> Phase(int64_t top, int on_time, int64_t late_from, int64_t late_to,
                                 int late) {
    std::vector<Event> events;
    std::uniform_int_distribution<int64_t> recent(top - kDelayMs + 1, top);
    std::uniform_int_distribution<int64_t> old(late_from, late_to);
    std::uniform_int_distribution<int> key(0, 4);
    for (int i = 0; i < on_time; ++i) {
      events.emplace_back(absl::StrCat("k", key(rng_)), i == 0 ? top : recent(rng_));
    }
    for (int i = 0; i < late; ++i) events.emplace_back(absl::StrCat("k", key(rng_)), old(rng_));
    std::shuffle(events.begin(), events.end(), rng_);
    std::vector<std::string> messages;
    for (const auto& [k, ms] : events) messages.push_back(absl::StrCat(k, ",", ms));
    // What the stream must count: the on-time records, per key and window.
    for (int i = 0; i < on_time + late; ++i) {
      const auto& [k, ms] = events[i];
      if (ms > watermark_) ++expected_[{k, ms / kWindowMs * kWindowMs}];
    }
    watermark_ = top - kDelayMs;
    expected_late_ += late;
    return messages;
  }

  std::mt19937_64 rng_{20261204};
  int64_t watermark_ = -1;  // before any record: nothing is late
  int64_t expected_late_ = 0;
  std::map<Window, int64_t> expected_;
};

TEST_P(KafkaEventTimeTest, WindowedCountWithOutOfOrderAndLateRecordsIsExact) {
  ASSERT_TRUE(WaitForExecutors(on_cluster() ? 2 : 1));
  auto kafka = KafkaDevProcess::Start(BuildDirFromEnvironment(), dir().string(), {"clicks:3"});
  ASSERT_TRUE(kafka.ok()) << kafka.status();
  auto ssc = StreamingContext::Create(*ctx_, absl::Milliseconds(200));
  ASSERT_TRUE(ssc.ok()) << ssc.status();
  KafkaStreamOptions options;
  options.bootstrap_servers = (*kafka)->bootstrap();
  options.topics = {"clicks"};
  options.start = KafkaStreamOptions::Start::kEarliest;
  auto clicks = (*ssc)->kafka_direct_stream(options).map(Parse{}).with_watermark(
      TimeOf{}, absl::Milliseconds(kDelayMs));
  WindowSink sink;
  using Counts = std::pair<Window, int64_t>;
  clicks
      .count_by_window(KeyOf{}, absl::Milliseconds(kWindowMs), absl::ZeroDuration(),
                       OutputMode::kAppend)
      .foreach_rdd([&sink](const Rdd<Counts>& rdd, absl::Time) {
        auto closed = rdd.collect();
        if (!closed.ok()) return closed.status();
        sink.Append(*closed);
        return absl::OkStatus();
      });
  clicks.count_by_window(KeyOf{}, absl::Milliseconds(kWindowMs))
      .foreach_rdd([&sink](const Rdd<Counts>& rdd, absl::Time) {
        auto changed = rdd.collect();
        if (!changed.ok()) return changed.status();
        sink.Update(*changed);
        return absl::OkStatus();
      });
  ASSERT_TRUE((*ssc)->start().ok());

  const std::string input = "kafka:clicks";
  auto phase = [&](std::vector<std::string> messages) {
    ASSERT_TRUE((*kafka)->Produce("clicks", messages).ok());
    const absl::Time want = absl::FromUnixMillis(watermark_);
    ASSERT_TRUE(WaitUntil(
        [&] {
          auto late = (*ssc)->late_records();
          return (*ssc)->watermark() == want && late[input] == expected_late_;
        },
        absl::Seconds(30)))
        << "watermark " << ((*ssc)->watermark() ? absl::FormatTime(*(*ssc)->watermark()) : "none")
        << ", wanted " << absl::FormatTime(want) << "; late " << (*ssc)->late_records()[input]
        << ", wanted " << expected_late_;
  };
  phase(Phase(110'000, 400, 0, 0, 0));
  phase(Phase(120'000, 400, 50'000, 100'000, 150));
  phase(Phase(131'000, 400, 95'000, 110'000, 120));
  // One record far ahead closes every window before it.
  phase(Phase(300'000, 1, 0, 0, 0));
  std::map<Window, int64_t> closed = expected_;
  std::erase_if(closed, [](const auto& w) { return w.first.second == 300'000; });
  ASSERT_TRUE(WaitUntil([&] { return sink.finals() == closed; }, absl::Seconds(30)))
      << sink.finals().size() << " windows closed, wanted " << closed.size();
  (*ssc)->stop();
  EXPECT_TRUE((*ssc)->await_termination().ok());
  EXPECT_EQ(sink.finals(), closed);
  EXPECT_EQ(sink.emitted_twice(), 0);
  EXPECT_EQ(sink.latest(), expected_);
  EXPECT_EQ((*ssc)->late_records(), (std::map<std::string, int64_t>{{input, 270}}));

  // The event log has every batch: the records, offsets, late records and watermark.
  std::ifstream log(dir() / "events" / (ctx_->app_id() + ".jsonl"));
  int64_t records = 0, late = 0, batches = 0, with_offsets = 0;
  std::optional<int64_t> last_watermark;
  for (std::string line; std::getline(log, line);) {
    nlohmann::json e = nlohmann::json::parse(line);
    if (e["event"] != "StreamingBatchCompleted") continue;
    ++batches;
    EXPECT_TRUE(e["ok"].get<bool>()) << line;
    EXPECT_EQ(e["stream_id"], (*ssc)->stream_id()) << line;
    records += e["input_records"][input].get<int64_t>();
    late += e["late_records"][input].get<int64_t>();
    with_offsets += e["offsets"][input].get<std::string>().find("clicks/") != std::string::npos;
    if (!e["watermark_ms"].is_null()) last_watermark = e["watermark_ms"].get<int64_t>();
  }
  EXPECT_EQ(batches, (*ssc)->batches_completed());
  EXPECT_EQ(records, 400 + 550 + 520 + 1);
  EXPECT_EQ(late, 270);
  EXPECT_GE(with_offsets, 4) << "every phase's batches name the ranges they read";
  EXPECT_EQ(last_watermark, 300'000 - kDelayMs);
}

INSTANTIATE_TEST_SUITE_P(Masters, KafkaEventTimeTest, ::testing::Values("local[2]", "cluster"),
                         MasterName);

}  // namespace
}  // namespace centella

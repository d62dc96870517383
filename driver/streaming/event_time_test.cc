// Event time on a local master, batch by batch: late records dropped and counted, the
// watermark in the API and the listener, tumbling and sliding windows in update and
// append mode, records from the future, and windows whose state goes once closed.
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "driver/streaming/streaming_test_fixture.h"

namespace centella {
namespace {

// (key, event time in ms since the epoch)
using Event = std::pair<std::string, int64_t>;
using WindowCount = std::pair<std::pair<std::string, int64_t>, int64_t>;

struct TimeOf {
  int64_t operator()(const Event& e) const { return e.second; }
};
struct KeyOf {
  std::string operator()(const Event& e) const { return e.first; }
};

class EventTimeTest : public StreamingTestFixture {
 protected:
  bool rdd_checkpoints() const override { return true; }

  void Push(std::vector<Event> events) { queue_->push(ctx_->parallelize(std::move(events), 2)); }

  std::shared_ptr<RddQueue<Event>> queue_ = std::make_shared<RddQueue<Event>>();
};

class Listener : public StreamingListener {
 public:
  void OnBatchCompleted(const BatchInfo& batch) override {
    absl::MutexLock lock(&mu_);
    batches_.push_back(batch);
  }
  std::vector<BatchInfo> batches() const {
    absl::MutexLock lock(&mu_);
    return batches_;
  }

 private:
  mutable absl::Mutex mu_;
  std::vector<BatchInfo> batches_;
};

TEST_F(EventTimeTest, TumblingWindowsInUpdateAndAppendModeWithLateRecords) {
  auto events = ssc_->queue_stream(queue_).with_watermark(TimeOf{}, absl::Seconds(5), "events");
  Collected<WindowCount> updates, finals;
  CollectInto(events.count_by_window(KeyOf{}, absl::Seconds(10)), &updates, kInterval);
  CollectInto(
      events.count_by_window(KeyOf{}, absl::Seconds(10), absl::ZeroDuration(), OutputMode::kAppend),
      &finals, kInterval);
  Push({{"a", 1'000}, {"a", 2'000}, {"b", 12'000}});                  // the watermark becomes 7 s
  Push({{"a", 3'000}, {"a", 8'000}, {"b", 25'000}});                  // 3 s is late; then 20 s
  Push({{"a", 9'000}, {"b", 19'000}, {"b", 21'000}, {"b", 20'000}});  // 9, 19, 20 late
  ASSERT_TRUE(ssc_->start().ok());
  EXPECT_FALSE(ssc_->watermark().has_value());
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(Step()) << "batch " << i + 1;
  ssc_->stop();

  EXPECT_EQ(updates.batches(),
            (std::map<int64_t, std::vector<WindowCount>>{{1, {{{"a", 0}, 2}, {{"b", 10'000}, 1}}},
                                                         {2, {{{"a", 0}, 3}, {{"b", 20'000}, 1}}},
                                                         {3, {{{"b", 20'000}, 2}}},
                                                         {4, {}}}));
  // Append: a window once, final, in the batch whose records move the watermark past its
  // end (batch 2 takes it to 20 s: [0, 10 s) closes with the batch's own record at 8 s).
  EXPECT_EQ(finals.batches(),
            (std::map<int64_t, std::vector<WindowCount>>{
                {1, {}}, {2, {{{"a", 0}, 3}, {{"b", 10'000}, 1}}}, {3, {}}, {4, {}}}));
  EXPECT_EQ(ssc_->watermark(), absl::FromUnixMillis(20'000));
  EXPECT_EQ(ssc_->late_records(), (std::map<std::string, int64_t>{{"events", 4}}));
}

TEST_F(EventTimeTest, SlidingWindowsCountARecordInEveryWindowThatHoldsIt) {
  auto events = ssc_->queue_stream(queue_).with_watermark(TimeOf{}, absl::Hours(1));
  Collected<WindowCount> counts;
  CollectInto(events.count_by_window(KeyOf{}, absl::Seconds(10), absl::Seconds(5)), &counts,
              kInterval);
  Push({{"a", 7'000}, {"a", 12'000}, {"a", -1'000}});
  ASSERT_TRUE(ssc_->start().ok());
  ASSERT_TRUE(Step());
  ssc_->stop();
  EXPECT_EQ(counts.batches().at(1), (std::vector<WindowCount>{{{"a", -10'000}, 1},
                                                              {{"a", -5'000}, 1},
                                                              {{"a", 0}, 1},      // 7 s
                                                              {{"a", 5'000}, 2},  // 7 s and 12 s
                                                              {{"a", 10'000}, 1}}));  // 12 s
}

TEST_F(EventTimeTest, TheListenerAndTheLogSeeTheWatermarkAndLateRecords) {
  Listener listener;
  StreamingOptions options;
  options.clock = &clock_;
  options.listener = &listener;
  ssc_ = *StreamingContext::Create(*ctx_, kInterval, options);
  queue_ = std::make_shared<RddQueue<Event>>();
  auto events = ssc_->queue_stream(queue_).with_watermark(TimeOf{}, absl::ZeroDuration(), "e");
  events.stream().foreach_rdd(
      [](const Rdd<Event>& rdd, absl::Time) { return rdd.count().status(); });
  Push({{"a", 10'000}});
  Push({{"a", 5'000}, {"a", 10'000}, {"a", 11'000}});
  ASSERT_TRUE(ssc_->start().ok());
  ASSERT_TRUE(Step());
  ASSERT_TRUE(Step());
  ssc_->stop();
  std::vector<BatchInfo> batches = listener.batches();
  ASSERT_EQ(batches.size(), 2u);
  EXPECT_EQ(batches[0].watermark, absl::FromUnixMillis(10'000));
  EXPECT_EQ(batches[0].late_records_total(), 0);
  EXPECT_EQ(batches[1].watermark, absl::FromUnixMillis(11'000));
  // At or below the watermark is late: 10 s is.
  EXPECT_EQ(batches[1].late_records, (std::map<std::string, int64_t>{{"e", 2}}));
}

TEST_F(EventTimeTest, ARecordFromTheFutureDoesNotMoveTheWatermark) {
  auto events = ssc_->queue_stream(queue_).with_watermark(TimeOf{}, absl::ZeroDuration());
  Collected<Event> kept;
  CollectInto(events.stream(), &kept, kInterval);
  const int64_t now = absl::ToUnixMillis(clock_.Now());
  const int64_t next_year = now + 365LL * 24 * 3600 * 1000;
  Push({{"honest", now - 1'000}, {"typo", next_year}});
  Push({{"honest", now}});
  ASSERT_TRUE(ssc_->start().ok());
  ASSERT_TRUE(Step());
  ASSERT_TRUE(Step());
  ssc_->stop();
  EXPECT_EQ(kept.batches().at(1).size(), 2u) << "a record from the future is still data";
  EXPECT_EQ(kept.batches().at(2), (std::vector<Event>{{"honest", now}}));
  EXPECT_EQ(ssc_->watermark(), absl::FromUnixMillis(now));
  EXPECT_EQ(ssc_->late_records().at("stream"), 0);
}

TEST_F(EventTimeTest, ClosedWindowsLeaveTheStateSoItStaysBounded) {
  auto events = ssc_->queue_stream(queue_).with_watermark(TimeOf{}, absl::Seconds(1));
  Collected<WindowCount> finals;
  auto windows =
      events.count_by_window(KeyOf{}, absl::Seconds(1), absl::ZeroDuration(), OutputMode::kAppend);
  CollectInto(windows, &finals, kInterval);
  // The state itself: the windows still held after each batch.
  auto* state =
      dynamic_cast<KeyedStateNode<std::pair<WindowKey<std::string>, WindowValue<int64_t>>>*>(
          windows.node()->parents().front()->parents().front().get());
  ASSERT_NE(state, nullptr);
  ASSERT_TRUE(ssc_->start().ok());
  constexpr int kBatches = 60;
  for (int i = 0; i < kBatches; ++i) {
    // Every batch: one second of event time, three keys.
    Push({{"a", i * 1000 + 100}, {"b", i * 1000 + 200}, {"c", i * 1000 + 300}});
    ASSERT_TRUE(Step()) << "batch " << i + 1;
  }
  ssc_->stop();
  int64_t emitted = 0;
  for (const auto& [batch, records] : finals.batches()) {
    for (const WindowCount& w : records) {
      EXPECT_EQ(w.second, 1) << w.first.first << "@" << w.first.second;
      ++emitted;
    }
  }
  // Windows up to the watermark (the last second minus the delay) closed, each once.
  EXPECT_GE(emitted, 3 * (kBatches - 3));
  EXPECT_LE(emitted, 3 * kBatches);
  // The last batch's state holds the windows the watermark has not passed (the last
  // second and a half of event time) and the ones it just closed, not all 180.
  auto last = state->GetOrCompute(state->zero_time() + kBatches * kInterval);
  ASSERT_TRUE(last.ok() && last->has_value());
  auto held = (*last)->count();
  ASSERT_TRUE(held.ok()) << held.status();
  EXPECT_LE(*held, 4 * 3);
  EXPECT_LE(ssc_->held_rdds(), 20);
  // Two shuffles a batch, back to the last state checkpoint (every 10 batches).
  EXPECT_LE(ctx_->SchedulerStats().registered_shuffles, 2 * 10 + 4);
}

TEST_F(EventTimeTest, BadWindowsAndWindowsWithoutACheckpointDirectoryAreRefused) {
  auto events = ssc_->queue_stream(queue_).with_watermark(TimeOf{}, absl::Seconds(1));
  events.count_by_window(KeyOf{}, absl::Seconds(5), absl::Seconds(10)).print();
  absl::Status refused = ssc_->start();
  EXPECT_EQ(refused.code(), absl::StatusCode::kInvalidArgument) << refused;
  EXPECT_NE(refused.message().find("the slide at most the length"), std::string::npos) << refused;
}

}  // namespace
}  // namespace centella

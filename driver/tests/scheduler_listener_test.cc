// What the scheduler tells its listener about tasks, and the fan-out that lets the
// context's own listeners and the user's hear the same events.
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "centella/centella.h"
#include "driver/dag/fan_out_listener.h"
#include "driver/tests/recording_listener.h"
#include "gtest/gtest.h"

namespace centella {
namespace {

TEST(SchedulerListenerTest, EveryTaskStartsOnceBeforeItEnds) {
  RecordingListener listener;
  ContextOptions options;
  options.master = "local[3]";
  options.listener = &listener;
  auto ctx = Context::Create(std::move(options));
  ASSERT_TRUE(ctx.ok()) << ctx.status();
  std::vector<int64_t> data(1000);
  for (int i = 0; i < 1000; ++i) data[i] = i;
  auto sums = (*ctx)
                  ->parallelize(data, 7)
                  .map([](int64_t x) { return std::pair<int64_t, int64_t>(x % 5, x); })
                  .reduce_by_key(std::plus<int64_t>(), 4)
                  .collect();
  ASSERT_TRUE(sums.ok()) << sums.status();

  std::vector<StageInfo> stages = listener.TakeSubmitted();
  ASSERT_EQ(stages.size(), 2u);
  std::vector<v1::TaskDescriptor> started = listener.TakeStarted();
  std::map<int, int> started_per_stage;
  for (const v1::TaskDescriptor& t : started) {
    ++started_per_stage[t.stage_id()];
    const StageInfo& stage = t.stage_id() == stages[0].stage_id ? stages[0] : stages[1];
    EXPECT_EQ(t.stage_attempt(), stage.attempt);  // what the progress bar matches on
  }
  EXPECT_EQ(started_per_stage, (std::map<int, int>{{stages[0].stage_id, stages[0].num_tasks},
                                                   {stages[1].stage_id, stages[1].num_tasks}}));
  std::set<std::string> open;
  int ends = 0;
  for (const std::string& e : listener.TakeTaskEvents()) {
    if (e.starts_with("start ")) {
      EXPECT_TRUE(open.insert(e.substr(6)).second) << "started twice: " << e;
    } else {
      EXPECT_EQ(open.erase(e.substr(4)), 1u) << "ended before it started: " << e;
      ++ends;
    }
  }
  EXPECT_TRUE(open.empty());
  EXPECT_EQ(ends, 7 + 4);
}

TEST(FanOutListenerTest, ForwardsEveryEventToEachListenerAndSkipsNull) {
  RecordingListener a, b;
  FanOutListener fan({&a, nullptr, &b});
  StageInfo stage;
  stage.stage_id = 3;
  fan.OnStageSubmitted(stage);
  v1::TaskDescriptor task;
  task.set_task_id("3.0.0");
  fan.OnTaskStart(task, "exec-1");
  v1::TaskResult result;
  result.set_task_id("3.0.0");
  fan.OnTaskEnd(result);
  for (RecordingListener* l : {&a, &b}) {
    ASSERT_EQ(l->TakeSubmitted().size(), 1u);
    EXPECT_EQ(l->TakeTaskEvents(), (std::vector<std::string>{"start 3.0.0", "end 3.0.0"}));
  }
}

}  // namespace
}  // namespace centella

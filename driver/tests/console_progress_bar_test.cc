// The console progress bar's exact output, with time driven by a FakeClock and the
// terminal replaced by a string.
#include "driver/ui/console_progress_bar.h"

#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "common/clock/fake_clock.h"
#include "gtest/gtest.h"

namespace centella {
namespace {

using absl::Milliseconds;

class ConsoleProgressBarTest : public ::testing::Test {
 protected:
  void SetUp() override { Make(80); }

  void Make(int width, int max_stages = 3) {
    ConsoleProgressBarOptions options;
    options.width = width;
    options.max_stages = max_stages;
    bar_.reset();
    bar_ = std::make_unique<ConsoleProgressBar>(
        clock_,
        [this](std::string_view s) {
          absl::MutexLock lock(&mu_);
          writes_.emplace_back(s);
        },
        options);
    Take();
  }

  void Submit(int stage_id, int tasks, int job_id = 0, int attempt = 1) {
    StageInfo info;
    info.stage_id = stage_id;
    info.attempt = attempt;
    info.job_id = job_id;
    info.num_tasks = tasks;
    bar_->OnStageSubmitted(info);
  }
  void Complete(int stage_id) {
    StageInfo info;
    info.stage_id = stage_id;
    bar_->OnStageCompleted(info);
  }
  void Start(int stage_id, int partition, int attempt = 1) {
    v1::TaskDescriptor t;
    t.set_stage_id(stage_id);
    t.set_stage_attempt(attempt);
    t.set_partition(partition);
    bar_->OnTaskStart(t, "driver");
  }
  void End(int stage_id, int partition, bool ok = true, int attempt = 1) {
    v1::TaskResult r;
    r.set_stage_id(stage_id);
    r.set_stage_attempt(attempt);
    r.set_partition(partition);
    r.set_state(ok ? v1::TASK_STATE_FINISHED : v1::TASK_STATE_FAILED);
    bar_->OnTaskEnd(r);
  }
  // What was written since the last call.
  std::vector<std::string> Take() {
    absl::MutexLock lock(&mu_);
    return std::exchange(writes_, {});
  }

  static std::string Drawn(const std::string& line) { return "\r" + line + "\r"; }

  FakeClock clock_;
  absl::Mutex mu_;
  std::vector<std::string> writes_ ABSL_GUARDED_BY(mu_);
  std::unique_ptr<ConsoleProgressBar> bar_;
};

TEST_F(ConsoleProgressBarTest, DrawsCompletedPlusRunningOverTotalOnceAStageIsOldEnough) {
  bar_->OnJobStart(0, "count");
  Submit(3, 40);
  clock_.Advance(Milliseconds(499));
  bar_->Refresh();
  EXPECT_TRUE(Take().empty());  // younger than first_delay: short stages never show

  clock_.Advance(Milliseconds(1));
  bar_->Refresh();
  // 80 columns: "[Stage 3:" (9) and "(0 + 0) / 40]" (13) leave 58 for the bar.
  EXPECT_EQ(Take(),
            std::vector<std::string>{Drawn("[Stage 3:>" + std::string(57, ' ') + "(0 + 0) / 40]")});

  for (int p = 0; p < 14; ++p) Start(3, p);
  for (int p = 0; p < 12; ++p) End(3, p);
  clock_.Advance(Milliseconds(200));
  bar_->Refresh();
  // 57 columns of bar; 12 of 40 done is 17.1 columns.
  const std::string line =
      "[Stage 3:" + std::string(17, '=') + ">" + std::string(39, ' ') + "(12 + 2) / 40]";
  ASSERT_EQ(line.size(), 80u);
  EXPECT_EQ(Take(), std::vector<std::string>{Drawn(line)});
}

TEST_F(ConsoleProgressBarTest, RedrawsAtMostEveryIntervalAndOnlyWhenChanged) {
  bar_->OnJobStart(0, "count");
  Submit(0, 4);
  clock_.Advance(Milliseconds(600));
  bar_->Refresh();
  ASSERT_EQ(Take().size(), 1u);

  Start(0, 0);
  clock_.Advance(Milliseconds(199));
  bar_->Refresh();
  EXPECT_TRUE(Take().empty());  // changed, but too soon
  clock_.Advance(Milliseconds(1));
  bar_->Refresh();
  EXPECT_EQ(Take().size(), 1u);
  clock_.Advance(Milliseconds(1000));
  bar_->Refresh();
  EXPECT_TRUE(Take().empty());  // due, but unchanged
}

TEST_F(ConsoleProgressBarTest, AllDoneHasNoHeadAndTheEndOfTheStageClearsTheLine) {
  bar_->OnJobStart(0, "count");
  Submit(1, 2);
  for (int p = 0; p < 2; ++p) Start(1, p);
  for (int p = 0; p < 2; ++p) End(1, p);
  clock_.Advance(Milliseconds(500));
  bar_->Refresh();
  // "[Stage 1:" (9) + "(2 + 0) / 2]" (12) leave 59 columns, all "=".
  EXPECT_EQ(Take(),
            std::vector<std::string>{Drawn("[Stage 1:" + std::string(59, '=') + "(2 + 0) / 2]")});
  Complete(1);  // at once, not at the next refresh
  EXPECT_EQ(Take(), std::vector<std::string>{Drawn(std::string(80, ' '))});
  clock_.Advance(Milliseconds(500));
  bar_->Refresh();
  EXPECT_TRUE(Take().empty());
}

TEST_F(ConsoleProgressBarTest, ConcurrentStagesShareTheWidthLowestIdsFirst) {
  Make(60, /*max_stages=*/2);
  bar_->OnJobStart(0, "a");
  bar_->OnJobStart(1, "b");
  Submit(5, 10, 0);
  Submit(2, 3, 1);
  Submit(7, 1, 1);  // a third stage: beyond max_stages
  Start(5, 0);
  Start(2, 0);
  End(2, 0);
  clock_.Advance(Milliseconds(500));
  bar_->Refresh();
  // 30 columns each. Stage 2: 9 + 12 leave 9, 1/3 done = 3. Stage 5: 9 + 13 leave 8.
  const std::string two = "[Stage 2:===>" + std::string(5, ' ') + "(1 + 0) / 3]";
  const std::string five = "[Stage 5:>" + std::string(7, ' ') + "(0 + 1) / 10]";
  ASSERT_EQ(two.size(), 30u);
  ASSERT_EQ(five.size(), 30u);
  EXPECT_EQ(Take(), std::vector<std::string>{Drawn(two + five)});

  // Stage 2 ends: 5 and 7 are shown at once, the line keeps its width.
  Complete(2);
  const std::string five_now = "[Stage 5:>" + std::string(7, ' ') + "(0 + 1) / 10]";
  const std::string seven = "[Stage 7:>" + std::string(8, ' ') + "(0 + 0) / 1]";
  EXPECT_EQ(Take(), std::vector<std::string>{Drawn(five_now + seven)});

  // Job 1 fails: its stage 7 goes away without OnStageCompleted; stage 5 gets the width.
  bar_->OnJobEnd(1, false);
  EXPECT_EQ(Take(),
            std::vector<std::string>{Drawn("[Stage 5:>" + std::string(37, ' ') + "(0 + 1) / 10]")});
}

TEST_F(ConsoleProgressBarTest, AShorterLineIsPaddedOverTheLongerOne) {
  Make(20, 1);
  bar_->OnJobStart(0, "a");
  Submit(0, 100);
  for (int p = 0; p < 10; ++p) Start(0, p);
  clock_.Advance(Milliseconds(500));
  bar_->Refresh();
  // 20 columns cannot hold a bar: just the counts.
  EXPECT_EQ(Take(), std::vector<std::string>{Drawn("[Stage 0:(0 + 10) / 100]")});
  for (int p = 0; p < 10; ++p) End(0, p, /*ok=*/false);
  clock_.Advance(Milliseconds(200));
  bar_->Refresh();
  EXPECT_EQ(Take(), std::vector<std::string>{Drawn("[Stage 0:(0 + 0) / 100] ")});
}

TEST_F(ConsoleProgressBarTest, AJobEndClearsItsStagesAndTheLastJobEndClearsMapStages) {
  bar_->OnJobStart(0, "a");
  Submit(0, 4, /*job_id=*/-1);  // a map stage
  Submit(1, 4, /*job_id=*/0);
  clock_.Advance(Milliseconds(500));
  bar_->Refresh();
  ASSERT_EQ(Take().size(), 1u);
  bar_->OnJobEnd(0, false);  // aborted: no OnStageCompleted for either stage
  EXPECT_EQ(Take(), std::vector<std::string>{Drawn(std::string(80, ' '))});
}

TEST_F(ConsoleProgressBarTest, TasksOfAnOlderAttemptDoNotCount) {
  bar_->OnJobStart(0, "a");
  Submit(4, 8, 0, /*attempt=*/1);
  Start(4, 0, 1);
  Submit(4, 2, 0, /*attempt=*/2);  // resubmitted after a fetch failure: 2 tasks missing
  End(4, 0, true, 1);              // the old attempt's task
  Start(4, 5, 2);
  clock_.Advance(Milliseconds(500));
  bar_->Refresh();
  EXPECT_EQ(Take(),
            std::vector<std::string>{Drawn("[Stage 4:>" + std::string(58, ' ') + "(0 + 1) / 2]")});
}

TEST_F(ConsoleProgressBarTest, DestructionClearsWhatIsDrawn) {
  bar_->OnJobStart(0, "a");
  Submit(0, 4);
  clock_.Advance(Milliseconds(500));
  bar_->Refresh();
  ASSERT_EQ(Take().size(), 1u);
  bar_.reset();
  EXPECT_EQ(Take(), std::vector<std::string>{Drawn(std::string(80, ' '))});
}

TEST_F(ConsoleProgressBarTest, TheRefresherDrawsWithoutBeingAsked) {
  bar_->OnJobStart(0, "a");
  Submit(0, 4);
  clock_.Advance(Milliseconds(500));
  bar_->StartRefresher();
  // Real time paces the refresher: wait (bounded) for its first draw.
  std::vector<std::string> drawn;
  for (int i = 0; i < 500 && drawn.empty(); ++i) {
    absl::SleepFor(Milliseconds(10));
    drawn = Take();
  }
  EXPECT_EQ(drawn,
            std::vector<std::string>{Drawn("[Stage 0:>" + std::string(58, ' ') + "(0 + 0) / 4]")});
  bar_.reset();
  EXPECT_EQ(Take(), std::vector<std::string>{Drawn(std::string(80, ' '))});
}

}  // namespace
}  // namespace centella

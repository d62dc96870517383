// Allocation: spread vs pack, total-cores cap, FIFO, visible waiting, daemons joining,
// executor exits and dynamic allocation, through ClusterManager with fakes.
#include "cluster-manager/executor_allocator.h"

#include "cluster-manager/manager_test_fixture.h"
#include "gmock/gmock.h"

namespace centella::cluster_manager {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;

using AllocationTest = ManagerTest;

TEST_F(AllocationTest, SpreadOutPutsOneExecutorPerDaemonPerRound) {
  StartManager(/*spread_out=*/true);
  AddDaemon("d1", 4, 8 * kGiB);
  AddDaemon("d2", 4, 8 * kGiB);
  AddDaemon("d3", 4, 8 * kGiB);
  const std::string app = AddApp(1, kGiB, /*max_total_cores=*/3);
  EXPECT_THAT(LaunchesPerDaemon(app),
              ElementsAre(Pair("d1:7078", 1), Pair("d2:7078", 1), Pair("d3:7078", 1)));
  EXPECT_EQ(App(app).state(), v1::APPLICATION_STATE_RUNNING);
  EXPECT_EQ(App(app).granted_cores(), 3);
}

TEST_F(AllocationTest, PackFillsOneDaemonBeforeTheNext) {
  StartManager(/*spread_out=*/false);
  AddDaemon("d1", 4, 8 * kGiB);
  AddDaemon("d2", 4, 8 * kGiB);
  AddDaemon("d3", 4, 8 * kGiB);
  const std::string app = AddApp(1, kGiB, /*max_total_cores=*/3);
  EXPECT_THAT(LaunchesPerDaemon(app), ElementsAre(Pair("d1:7078", 3)));
}

TEST_F(AllocationTest, TotalCoresCapIsHonoured) {
  StartManager();
  AddDaemon("d1", 8, 64 * kGiB);
  AddDaemon("d2", 8, 64 * kGiB);
  const std::string app = AddApp(2, kGiB, /*max_total_cores=*/5);  // room for 2 executors
  EXPECT_EQ(daemons_.launched_executors().size(), 2u);
  EXPECT_EQ(App(app).granted_cores(), 4);
  EXPECT_EQ(App(app).message(), "");  // it has all it may have: not waiting
}

TEST_F(AllocationTest, ExecutorNeedsCoresAndMemoryOnOneDaemon) {
  StartManager();
  AddDaemon("many-cores", 16, kGiB);
  AddDaemon("much-memory", 1, 64 * kGiB);
  const std::string app = AddApp(2, 2 * kGiB);
  EXPECT_TRUE(daemons_.launched_executors().empty());
  EXPECT_EQ(App(app).state(), v1::APPLICATION_STATE_WAITING);
}

TEST_F(AllocationTest, FifoServesTheFirstApplicationFirst) {
  StartManager();
  AddDaemon("d1", 2, 8 * kGiB);
  AddDaemon("d2", 2, 8 * kGiB);
  const std::string first = AddApp(1, kGiB);  // no cap: takes all 4 cores
  const std::string second = AddApp(1, kGiB);
  EXPECT_EQ(App(first).granted_cores(), 4);
  EXPECT_EQ(App(second).granted_cores(), 0);
  EXPECT_THAT(App(second).message(), HasSubstr("largest free daemon has 0 cores"));

  v1::UnregisterApplicationRequest done;
  done.set_app_id(first);
  done.set_final_state(v1::APPLICATION_STATE_FINISHED);
  ASSERT_TRUE(manager_->UnregisterApplication(done).ok());
  EXPECT_EQ(App(second).granted_cores(), 4);
  EXPECT_EQ(App(first).state(), v1::APPLICATION_STATE_FINISHED);
  EXPECT_EQ(daemons_.killed_executors().size(), 4u);
  EXPECT_EQ(daemons_.cleanups().size(), 2u);  // every daemon cleans the finished app
}

TEST_F(AllocationTest, WaitingApplicationSaysWhyAndADaemonJoiningServesIt) {
  StartManager();
  AddDaemon("small", 1, 8 * kGiB);
  const std::string app = AddApp(2, kGiB);
  const v1::ApplicationInfo waiting = App(app);
  EXPECT_EQ(waiting.state(), v1::APPLICATION_STATE_WAITING);
  EXPECT_EQ(waiting.message(),
            "waiting: has no executors; needs 2 cores + 1g per executor; the largest daemon "
            "has only 1 core + 8g in total");
  EXPECT_TRUE(daemons_.launched_executors().empty());

  AddDaemon("big", 4, 8 * kGiB);  // joining is enough: no other event needed
  EXPECT_THAT(LaunchesPerDaemon(app), ElementsAre(Pair("big:7078", 2)));
  EXPECT_EQ(App(app).state(), v1::APPLICATION_STATE_RUNNING);
  EXPECT_EQ(App(app).message(), "");
}

TEST_F(AllocationTest, NoDaemonAtAllIsAReasonToo) {
  StartManager();
  const std::string app = AddApp(1, kGiB);
  EXPECT_THAT(App(app).message(), HasSubstr("no executor daemon is registered"));
}

TEST_F(AllocationTest, MissingBinaryMakesTheApplicationWait) {
  StartManager();
  AddDaemon("d1", 4, 8 * kGiB);
  v1::RegisterApplicationRequest req = AppRequest(1, kGiB);
  req.mutable_description()->set_binary_hash(ContentHashOf("never uploaded"));
  auto resp = manager_->RegisterApplication(req);
  ASSERT_TRUE(resp.ok());
  EXPECT_THAT(App(resp->app_id()).message(), HasSubstr("has not been uploaded"));
  EXPECT_TRUE(daemons_.launched_executors().empty());
  Store("never uploaded");
  manager_->OnBinaryStored();
  EXPECT_FALSE(LaunchesPerDaemon(resp->app_id()).empty());
}

TEST_F(AllocationTest, LaunchOrderCarriesWhatTheDaemonNeeds) {
  StartManager();
  AddDaemon("d1", 4, 8 * kGiB);
  const std::string app = AddApp(2, 3 * kGiB, /*max_total_cores=*/2);
  auto launched = daemons_.launched_executors();
  ASSERT_EQ(launched.size(), 1u);
  const v1::LaunchExecutorRequest& req = launched[0].request;
  EXPECT_EQ(req.manager_incarnation(), manager_->incarnation());
  EXPECT_EQ(req.app_id(), app);
  EXPECT_EQ(req.executor_id(), "0");
  EXPECT_EQ(req.binary_hash(), binary_hash_);
  EXPECT_EQ(req.driver_address(), "driver:4000");
  EXPECT_EQ(req.resources().cores(), 2);
  EXPECT_EQ(req.resources().memory_bytes(), 3 * kGiB);
  EXPECT_EQ(req.conf().at("centella.app.name"), "test-app");
  EXPECT_THAT(app, ::testing::MatchesRegex("app-[0-9]{14}-0000"));
}

TEST_F(AllocationTest, ExitedExecutorIsReportedAndReplaced) {
  StartManager();
  AddDaemon("d1", 4, 8 * kGiB);
  const std::string app = AddApp(1, kGiB, /*max_total_cores=*/1);
  auto queue = manager_->WatchApplication(app);
  ASSERT_TRUE(queue.ok());
  v1::ExecutorStateChangedRequest exit;
  exit.set_daemon_id("d1");
  exit.set_app_id(app);
  exit.set_executor_id("0");
  exit.set_state(v1::EXECUTOR_STATE_FAILED);
  exit.set_exit_code(137);
  exit.set_message("out of memory");
  ASSERT_TRUE(manager_->ExecutorStateChanged(exit).ok());
  std::vector<v1::ApplicationEvent> events = Drain(**queue);
  ASSERT_EQ(events.size(), 4u);
  EXPECT_TRUE(events[0].has_manager_changed());
  EXPECT_EQ(events[1].executor_added().executor_id(), "0");  // the snapshot
  EXPECT_EQ(events[2].executor_removed().executor_id(), "0");
  EXPECT_EQ(events[2].executor_removed().exit_code(), 137);
  EXPECT_EQ(events[2].executor_removed().message(), "out of memory");
  EXPECT_TRUE(events[2].executor_removed().caused_by_app());
  EXPECT_FALSE(events[2].executor_removed().shuffle_files_lost());
  EXPECT_EQ(events[3].executor_added().executor_id(), "1");  // the replacement
  EXPECT_EQ(daemons_.launched_executors().size(), 2u);
  manager_->StopWatching(app, *queue);
}

TEST_F(AllocationTest, DynamicAllocationFollowsTheTarget) {
  StartManager();
  AddDaemon("d1", 8, 64 * kGiB);
  v1::RegisterApplicationRequest req = AppRequest(1, kGiB);
  req.mutable_description()->set_dynamic_allocation(true);
  req.mutable_description()->set_initial_executors(1);
  req.mutable_description()->set_max_executors(3);
  const std::string app = manager_->RegisterApplication(req)->app_id();
  EXPECT_EQ(daemons_.launched_executors().size(), 1u);
  v1::RequestExecutorsRequest more;
  more.set_app_id(app);
  more.set_requested_total(10);
  auto accepted = manager_->RequestExecutors(more);
  ASSERT_TRUE(accepted.ok());
  EXPECT_EQ(accepted->accepted_total(), 3);  // max_executors
  EXPECT_EQ(daemons_.launched_executors().size(), 3u);
  v1::KillExecutorsRequest kill;
  kill.set_app_id(app);
  kill.add_executor_ids("2");
  kill.add_executor_ids("nonexistent");
  kill.set_adjust_target(true);
  auto killed = manager_->KillExecutors(kill);
  ASSERT_TRUE(killed.ok());
  EXPECT_THAT(killed->killed_executor_ids(), ElementsAre("2"));
  EXPECT_EQ(daemons_.launched_executors().size(), 3u);  // not replaced: target lowered
  EXPECT_EQ(App(app).requested_executors(), 2);
}

TEST(ExecutorLimitTest, CombinesCapsAndTarget) {
  ApplicationRecord app;
  app.description.mutable_executor_resources()->set_cores(2);
  EXPECT_EQ(ExecutorLimit(app), kUnlimitedExecutors);
  app.description.set_max_total_cores(7);
  EXPECT_EQ(ExecutorLimit(app), 3);
  app.description.set_max_executors(2);
  EXPECT_EQ(ExecutorLimit(app), 2);
  app.description.set_dynamic_allocation(true);
  app.target_executors = 1;
  EXPECT_EQ(ExecutorLimit(app), 1);
}

TEST_F(AllocationTest, RegistrationRejectsImpossibleRequests) {
  StartManager();
  auto bad_cap = manager_->RegisterApplication(AppRequest(4, kGiB, /*max_total_cores=*/2));
  EXPECT_EQ(bad_cap.status().code(), absl::StatusCode::kInvalidArgument);
  v1::RegisterApplicationRequest bad_hash = AppRequest(1, kGiB);
  bad_hash.mutable_description()->set_binary_hash("md5:abc");
  EXPECT_EQ(manager_->RegisterApplication(bad_hash).status().code(),
            absl::StatusCode::kInvalidArgument);
  v1::RegisterApplicationRequest old = AppRequest(1, kGiB);
  old.set_protocol_version(99);
  EXPECT_EQ(manager_->RegisterApplication(old).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace centella::cluster_manager

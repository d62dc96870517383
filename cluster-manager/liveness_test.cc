// Daemon liveness, heartbeats, reconciliation and idempotent re-registration.
#include "cluster-manager/manager_test_fixture.h"
#include "gmock/gmock.h"

namespace centella::cluster_manager {
namespace {

using ::testing::HasSubstr;

using LivenessTest = ManagerTest;

v1::DaemonHeartbeatRequest Heartbeat(const std::string& daemon_id, const std::string& incarnation) {
  v1::DaemonHeartbeatRequest req;
  req.set_daemon_id(daemon_id);
  req.set_manager_incarnation(incarnation);
  return req;
}

TEST_F(LivenessTest, SilentDaemonIsLostAndItsExecutorsReported) {
  StartManager();
  AddDaemon("d1", 2, 8 * kGiB);
  AddDaemon("d2", 2, 8 * kGiB);
  const std::string app = AddApp(1, kGiB, /*max_total_cores=*/2);
  auto queue = manager_->WatchApplication(app);
  ASSERT_TRUE(queue.ok());
  Drain(**queue);  // ManagerChanged + snapshot

  clock_.Advance(absl::Seconds(6));
  ASSERT_TRUE(manager_->DaemonHeartbeat(Heartbeat("d2", manager_->incarnation())).ok());
  manager_->Tick();
  EXPECT_TRUE(Drain(**queue).empty()) << "nobody is late yet";

  clock_.Advance(absl::Seconds(5));  // d1 silent 11 s, d2 only 5 s
  manager_->Tick();
  std::vector<v1::ApplicationEvent> events = Drain(**queue);
  ASSERT_GE(events.size(), 2u);
  EXPECT_EQ(events[0].executor_removed().state(), v1::EXECUTOR_STATE_LOST);
  EXPECT_TRUE(events[0].executor_removed().shuffle_files_lost());
  EXPECT_FALSE(events[0].executor_removed().caused_by_app());
  EXPECT_THAT(events[0].executor_removed().message(), HasSubstr("daemon d1 lost"));
  EXPECT_EQ(events[1].daemon_removed().daemon_id(), "d1");
  EXPECT_EQ(events[1].daemon_removed().daemon_address(), "d1:7078");
  EXPECT_THAT(events[1].daemon_removed().reason(), HasSubstr("no heartbeat"));

  // Under its grant again, the application gets a replacement on the surviving daemon.
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[2].executor_added().daemon_id(), "d2");
  const v1::ApplicationInfo info = App(app);
  ASSERT_EQ(info.executors_size(), 2);
  EXPECT_EQ(info.executors(0).daemon_id(), "d2");
  EXPECT_EQ(info.executors(1).daemon_id(), "d2");

  // The lost daemon is unknown now: it is told to register again.
  auto late = manager_->DaemonHeartbeat(Heartbeat("d1", manager_->incarnation()));
  ASSERT_TRUE(late.ok());
  EXPECT_EQ(late->action(), v1::DAEMON_HEARTBEAT_ACTION_REREGISTER);
  manager_->StopWatching(app, *queue);
}

TEST_F(LivenessTest, HeartbeatsFromUnknownDaemonsOrOldIncarnationsAskForRegistration) {
  StartManager();
  auto unknown = manager_->DaemonHeartbeat(Heartbeat("nobody", manager_->incarnation()));
  ASSERT_TRUE(unknown.ok());
  EXPECT_EQ(unknown->action(), v1::DAEMON_HEARTBEAT_ACTION_REREGISTER);
  AddDaemon("d1", 2, kGiB);
  EXPECT_EQ(manager_->DaemonHeartbeat(Heartbeat("d1", "old"))->action(),
            v1::DAEMON_HEARTBEAT_ACTION_REREGISTER);
  EXPECT_EQ(manager_->DaemonHeartbeat(Heartbeat("d1", manager_->incarnation()))->action(),
            v1::DAEMON_HEARTBEAT_ACTION_OK);
}

TEST_F(LivenessTest, HeartbeatReconciliationKillsWhatNoApplicationExpects) {
  StartManager();
  AddDaemon("d1", 2, 8 * kGiB);
  const std::string app = AddApp(1, kGiB, /*max_total_cores=*/1);
  v1::DaemonHeartbeatRequest req = Heartbeat("d1", manager_->incarnation());
  v1::ExecutorRef* known = req.add_running_executors();
  known->set_app_id(app);
  known->set_executor_id("0");
  v1::ExecutorRef* stray = req.add_running_executors();
  stray->set_app_id("app-gone");
  stray->set_executor_id("7");
  auto resp = manager_->DaemonHeartbeat(req);
  ASSERT_TRUE(resp.ok());
  ASSERT_EQ(resp->executors_to_kill_size(), 1);
  EXPECT_EQ(resp->executors_to_kill(0).app_id(), "app-gone");
  ASSERT_EQ(resp->apps_to_clean_up_size(), 1);
  EXPECT_EQ(resp->apps_to_clean_up(0), "app-gone");
}

TEST_F(LivenessTest, ReRegistrationAdoptsReportedExecutorsWithoutDuplicates) {
  StartManager();
  AddDaemon("d1", 4, 8 * kGiB);
  const std::string app = AddApp(1, kGiB, /*max_total_cores=*/2);
  ASSERT_EQ(daemons_.launched_executors().size(), 2u);

  // The daemon registers again (e.g. after a network blip), reporting executor 0 only,
  // plus one of an application nobody knows.
  v1::RegisterDaemonRequest again = DaemonRequest("d1", 4, 8 * kGiB);
  v1::DaemonExecutor* e0 = again.add_executors();
  e0->set_app_id(app);
  e0->set_executor_id("0");
  e0->set_state(v1::EXECUTOR_STATE_RUNNING);
  v1::DaemonExecutor* stray = again.add_executors();
  stray->set_app_id("app-unknown");
  stray->set_executor_id("0");
  stray->set_state(v1::EXECUTOR_STATE_RUNNING);
  auto resp = manager_->RegisterDaemon(again);
  ASSERT_TRUE(resp.ok());
  ASSERT_EQ(resp->executors_to_kill_size(), 1);
  EXPECT_EQ(resp->executors_to_kill(0).app_id(), "app-unknown");
  EXPECT_EQ(resp->apps_to_clean_up_size(), 1);

  // Executor 1 was not reported: removed, and a replacement (id 2) launched. Executor 0
  // was adopted, not launched again.
  const v1::ApplicationInfo info = App(app);
  ASSERT_EQ(info.executors_size(), 2);
  EXPECT_EQ(info.executors(0).executor_id(), "0");
  EXPECT_EQ(info.executors(0).state(), v1::EXECUTOR_STATE_RUNNING);
  EXPECT_EQ(info.executors(1).executor_id(), "2");
  EXPECT_EQ(daemons_.launched_executors().size(), 3u);
  EXPECT_EQ(info.granted_cores(), 2);

  // Registering once more with both: nothing changes, nothing is launched.
  v1::RegisterDaemonRequest same = DaemonRequest("d1", 4, 8 * kGiB);
  for (const char* id : {"0", "2"}) {
    v1::DaemonExecutor* e = same.add_executors();
    e->set_app_id(app);
    e->set_executor_id(id);
    e->set_state(v1::EXECUTOR_STATE_RUNNING);
  }
  ASSERT_TRUE(manager_->RegisterDaemon(same).ok());
  EXPECT_EQ(daemons_.launched_executors().size(), 3u);
  EXPECT_EQ(App(app).executors_size(), 2);
}

TEST_F(LivenessTest, RepeatedExecutorFailuresEndTheApplication) {
  StartManager();
  AddDaemon("d1", 1, 8 * kGiB);
  const std::string app = AddApp(1, kGiB);
  for (int i = 0; i < 10; ++i) {
    v1::ExecutorStateChangedRequest exit;
    exit.set_daemon_id("d1");
    exit.set_app_id(app);
    exit.set_executor_id(absl::StrCat(i));
    exit.set_state(v1::EXECUTOR_STATE_FAILED);
    exit.set_exit_code(1);
    ASSERT_TRUE(manager_->ExecutorStateChanged(exit).ok());
  }
  const v1::ApplicationInfo info = App(app);
  EXPECT_EQ(info.state(), v1::APPLICATION_STATE_FAILED);
  EXPECT_THAT(info.message(), HasSubstr("10 executor failures"));
}

}  // namespace
}  // namespace centella::cluster_manager

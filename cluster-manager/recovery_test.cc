// Recovery: state persisted through Storage, a new manager instance from the same storage,
// idempotent re-registration of daemons and drivers, and dropping what never comes back.
#include "cluster-manager/manager_test_fixture.h"
#include "cluster-manager/recovery_store.h"
#include "gmock/gmock.h"

namespace centella::cluster_manager {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

class RecoveryTest : public ManagerTest {
 protected:
  // A manager with a daemon and an application holding two executors, then restarted.
  void RunThenRestart() {
    StartManager(/*spread_out=*/true, &storage_);
    AddDaemon("d1", 4, 8 * kGiB);
    app_ = AddApp(1, kGiB, /*max_total_cores=*/2);
    ASSERT_EQ(daemons_.launched_executors().size(), 2u);
    first_incarnation_ = manager_->incarnation();
    StartManager(/*spread_out=*/true, &storage_);  // the "restart"
  }

  v1::RegisterDaemonRequest ReRegistration() {
    v1::RegisterDaemonRequest req = DaemonRequest("d1", 4, 8 * kGiB);
    for (const char* id : {"0", "1"}) {
      v1::DaemonExecutor* e = req.add_executors();
      e->set_app_id(app_);
      e->set_executor_id(id);
      e->set_state(v1::EXECUTOR_STATE_RUNNING);
      e->mutable_resources()->set_cores(1);
      e->mutable_resources()->set_memory_bytes(kGiB);
    }
    return req;
  }

  FakeStorage storage_;
  std::string app_;
  std::string first_incarnation_;
};

TEST_F(RecoveryTest, StoreWritesOneFilePerEntity) {
  StartManager(/*spread_out=*/true, &storage_);
  AddDaemon("d1", 4, 8 * kGiB);
  const std::string app = AddApp(1, kGiB, /*max_total_cores=*/1);
  EXPECT_THAT(*storage_.List("daemons"), ElementsAre("d1"));
  EXPECT_THAT(*storage_.List("apps"), ElementsAre(app));
  auto loaded = RecoveryStore(storage_).Load();
  ASSERT_TRUE(loaded.ok());
  ASSERT_EQ(loaded->apps.size(), 1u);
  EXPECT_EQ(loaded->apps[0].executors.size(), 1u);
  EXPECT_EQ(loaded->apps[0].next_executor_id, 1);

  v1::UnregisterApplicationRequest done;
  done.set_app_id(app);
  ASSERT_TRUE(manager_->UnregisterApplication(done).ok());
  EXPECT_TRUE(storage_.List("apps")->empty()) << "finished applications are not recovered";
}

TEST_F(RecoveryTest, RestartedManagerTakesBackEverythingWithoutDuplicates) {
  RunThenRestart();
  EXPECT_NE(manager_->incarnation(), first_incarnation_);
  EXPECT_TRUE(manager_->recovering());
  EXPECT_EQ(App(app_).state(), v1::APPLICATION_STATE_UNKNOWN);

  // The daemon's next heartbeat carries the old incarnation: it must re-register.
  v1::DaemonHeartbeatRequest beat;
  beat.set_daemon_id("d1");
  beat.set_manager_incarnation(first_incarnation_);
  EXPECT_EQ(manager_->DaemonHeartbeat(beat)->action(), v1::DAEMON_HEARTBEAT_ACTION_REREGISTER);

  auto daemon = manager_->RegisterDaemon(ReRegistration());
  ASSERT_TRUE(daemon.ok());
  EXPECT_EQ(daemon->executors_to_kill_size(), 0);
  EXPECT_TRUE(manager_->recovering()) << "the application has not re-registered yet";

  v1::RegisterApplicationRequest again = AppRequest(1, kGiB, 2);
  again.set_app_id(app_);
  auto app = manager_->RegisterApplication(again);
  ASSERT_TRUE(app.ok()) << app.status();
  EXPECT_EQ(app->app_id(), app_);
  EXPECT_EQ(app->manager_incarnation(), manager_->incarnation());
  EXPECT_FALSE(manager_->recovering());

  // Same two executors, nothing launched by the new incarnation, resources booked once.
  const v1::ApplicationInfo info = App(app_);
  EXPECT_EQ(info.state(), v1::APPLICATION_STATE_RUNNING);
  EXPECT_EQ(info.executors_size(), 2);
  EXPECT_EQ(info.granted_cores(), 2);
  EXPECT_EQ(daemons_.launched_executors().size(), 2u);

  // A second application fits exactly into what is left (2 cores): booked once, not twice.
  const std::string second = AddApp(1, kGiB);
  EXPECT_EQ(App(second).granted_cores(), 2);

  // New executors never reuse old ids.
  v1::ExecutorStateChangedRequest exit;
  exit.set_daemon_id("d1");
  exit.set_app_id(app_);
  exit.set_executor_id("1");
  exit.set_state(v1::EXECUTOR_STATE_EXITED);
  exit.set_exit_code(0);
  ASSERT_TRUE(manager_->ExecutorStateChanged(exit).ok());
  auto launched = daemons_.launched_executors();
  EXPECT_EQ(launched.back().request.app_id(), app_);
  EXPECT_EQ(launched.back().request.executor_id(), "2");
}

TEST_F(RecoveryTest, WhatDoesNotComeBackWithinOneWorkerTimeoutIsDropped) {
  RunThenRestart();
  auto queue_before = manager_->WatchApplication(app_);
  ASSERT_TRUE(queue_before.ok());
  clock_.Advance(absl::Seconds(9));
  manager_->Tick();
  EXPECT_TRUE(manager_->recovering());
  clock_.Advance(absl::Seconds(2));
  manager_->Tick();
  EXPECT_FALSE(manager_->recovering());
  const v1::ApplicationInfo info = App(app_);
  EXPECT_EQ(info.state(), v1::APPLICATION_STATE_FAILED);
  EXPECT_THAT(info.message(), HasSubstr("did not re-register"));
  EXPECT_TRUE(storage_.List("apps")->empty());
  EXPECT_TRUE(storage_.List("daemons")->empty());
  manager_->StopWatching(app_, *queue_before);

  // A daemon coming back late is a fresh registration; it is told to kill the executors
  // of the application that was given up.
  auto late = manager_->RegisterDaemon(ReRegistration());
  ASSERT_TRUE(late.ok());
  EXPECT_EQ(late->executors_to_kill_size(), 2);
  EXPECT_THAT(late->apps_to_clean_up(), ElementsAre(app_));
}

TEST_F(RecoveryTest, UnknownOrEndedApplicationsCannotReRegister) {
  StartManager(/*spread_out=*/true, &storage_);
  v1::RegisterApplicationRequest req = AppRequest(1, kGiB);
  req.set_app_id("app-20000101000000-0042");
  EXPECT_EQ(manager_->RegisterApplication(req).status().code(), absl::StatusCode::kNotFound);
}

TEST_F(RecoveryTest, StorageFailureDoesNotStopTheManager) {
  StartManager(/*spread_out=*/true, &storage_);
  storage_.FailNext(StorageOp::kWrite, 5);
  AddDaemon("d1", 4, 8 * kGiB);
  EXPECT_FALSE(AddApp(1, kGiB).empty());
}

}  // namespace
}  // namespace centella::cluster_manager

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

// What the manager's books say about the daemons at `address`: how many entries, and
// the cores booked on them.
struct AddressBook {
  int entries = 0;
  int alive = 0;
  int32_t used_cores = 0;
  int32_t total_cores = 0;
};

AddressBook BookAt(ClusterManager& manager, const std::string& address) {
  auto book = manager.ReadState<AddressBook>([&](const ClusterState& state, absl::Time) {
    AddressBook b;
    for (const auto& [id, daemon] : state.daemons()) {
      if (daemon.address != address) continue;
      ++b.entries;
      if (daemon.state == v1::DAEMON_STATE_ALIVE) ++b.alive;
      b.used_cores += daemon.used.cores;
      b.total_cores += daemon.total.cores;
    }
    return b;
  });
  EXPECT_TRUE(book.ok());
  return book.ok() ? *book : AddressBook{};
}

v1::DaemonExecutor* Report(v1::RegisterDaemonRequest& req, const std::string& app_id,
                           const std::string& executor_id, v1::ExecutorState state) {
  v1::DaemonExecutor* e = req.add_executors();
  e->set_app_id(app_id);
  e->set_executor_id(executor_id);
  e->set_state(state);
  return e;
}

// A daemon cut off from the network is declared lost; when its link is back it finds
// itself unknown and registers again, still running the executor it had. That executor
// was reported removed to its driver: it must be killed, not adopted back, and the
// daemon must be booked afresh (listed once, nothing counted twice).
TEST_F(LivenessTest, LostDaemonThatComesBackIsBookedAfreshAndItsOldExecutorsKilled) {
  StartManager();
  AddDaemon("d1", 2, 8 * kGiB);
  AddDaemon("d2", 2, 8 * kGiB);
  const std::string app = AddApp(1, kGiB, /*max_total_cores=*/2);
  const v1::ApplicationInfo before = App(app);
  ASSERT_EQ(before.executors_size(), 2);
  std::string on_d1;
  for (const auto& e : before.executors()) {
    if (e.daemon_id() == "d1") on_d1 = e.executor_id();
  }
  ASSERT_FALSE(on_d1.empty());
  auto queue = manager_->WatchApplication(app);
  ASSERT_TRUE(queue.ok());
  Drain(**queue);

  clock_.Advance(absl::Seconds(6));
  ASSERT_TRUE(manager_->DaemonHeartbeat(Heartbeat("d2", manager_->incarnation())).ok());
  clock_.Advance(absl::Seconds(5));
  manager_->Tick();
  EXPECT_EQ(BookAt(*manager_, "d1:7078").entries, 0);
  std::vector<v1::ApplicationEvent> events = Drain(**queue);
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events[0].executor_removed().executor_id(), on_d1);

  // Back: the heartbeat is answered REREGISTER, the registration lists the old executor.
  ASSERT_EQ(manager_->DaemonHeartbeat(Heartbeat("d1", manager_->incarnation()))->action(),
            v1::DAEMON_HEARTBEAT_ACTION_REREGISTER);
  v1::RegisterDaemonRequest again = DaemonRequest("d1", 2, 8 * kGiB);
  Report(again, app, on_d1, v1::EXECUTOR_STATE_RUNNING);
  const size_t launches_before = daemons_.launched_executors().size();
  auto resp = manager_->RegisterDaemon(again);
  ASSERT_TRUE(resp.ok()) << resp.status();
  ASSERT_EQ(resp->executors_to_kill_size(), 1);
  EXPECT_EQ(resp->executors_to_kill(0).app_id(), app);
  EXPECT_EQ(resp->executors_to_kill(0).executor_id(), on_d1);

  // Not adopted: the application still has its two executors, both on d2, and its driver
  // hears of no executor coming back.
  const v1::ApplicationInfo after = App(app);
  ASSERT_EQ(after.executors_size(), 2);
  for (const auto& e : after.executors()) {
    EXPECT_EQ(e.daemon_id(), "d2");
    EXPECT_NE(e.executor_id(), on_d1);
  }
  for (const v1::ApplicationEvent& e : Drain(**queue)) {
    EXPECT_FALSE(e.has_executor_added()) << e.DebugString();
  }
  EXPECT_EQ(daemons_.launched_executors().size(), launches_before);
  const AddressBook book = BookAt(*manager_, "d1:7078");
  EXPECT_EQ(book.entries, 1);
  EXPECT_EQ(book.alive, 1);
  EXPECT_EQ(book.total_cores, 2);
  EXPECT_EQ(book.used_cores, 0);
  EXPECT_EQ(manager_->DaemonHeartbeat(Heartbeat("d1", manager_->incarnation()))->action(),
            v1::DAEMON_HEARTBEAT_ACTION_OK);

  // A new application gets executors on it.
  const std::string next = AddApp(1, kGiB, /*max_total_cores=*/1);
  EXPECT_EQ(LaunchesPerDaemon(next)["d1:7078"], 1);
  EXPECT_EQ(BookAt(*manager_, "d1:7078").used_cores, 1);
  manager_->StopWatching(app, *queue);
}

// An application that ended while its daemon was cut off never reached it with its
// CleanupApplication: the daemon is told to clean up when it registers again, whether or
// not it still reports an executor of that application.
TEST_F(LivenessTest, ApplicationsThatEndedWhileADaemonWasLostAreCleanedUpWhenItReturns) {
  StartManager();
  AddDaemon("d1", 2, 8 * kGiB);
  AddDaemon("d2", 2, 8 * kGiB);
  const std::string ended = AddApp(1, kGiB, /*max_total_cores=*/2);
  const std::string running = AddApp(1, kGiB, /*max_total_cores=*/2);

  clock_.Advance(absl::Seconds(6));
  ASSERT_TRUE(manager_->DaemonHeartbeat(Heartbeat("d2", manager_->incarnation())).ok());
  clock_.Advance(absl::Seconds(5));
  manager_->Tick();
  ASSERT_EQ(BookAt(*manager_, "d1:7078").entries, 0);
  v1::UnregisterApplicationRequest done;
  done.set_app_id(ended);
  done.set_final_state(v1::APPLICATION_STATE_FINISHED);
  ASSERT_TRUE(manager_->UnregisterApplication(done).ok());
  for (const auto& sent : daemons_.cleanups()) {
    EXPECT_NE(sent.daemon_address, "d1:7078") << "d1 is lost: nothing can reach it";
  }

  // It reports nothing (its executor's exit was reported before the cut).
  auto resp = manager_->RegisterDaemon(DaemonRequest("d1", 2, 8 * kGiB));
  ASSERT_TRUE(resp.ok());
  ASSERT_EQ(resp->apps_to_clean_up_size(), 1);
  EXPECT_EQ(resp->apps_to_clean_up(0), ended);  // not `running`: it may use d1 again

  // Registering once more: already told, not again.
  auto twice = manager_->RegisterDaemon(DaemonRequest("d1", 2, 8 * kGiB));
  ASSERT_TRUE(twice.ok());
  EXPECT_EQ(twice->apps_to_clean_up_size(), 0);
}

TEST_F(LivenessTest, ExitedExecutorOfAnEndedApplicationGetsItsApplicationCleanedUp) {
  StartManager();
  AddDaemon("d1", 2, 8 * kGiB);
  // The executor exited while the daemon could not report it, and its application ended
  // meanwhile (here: before this manager knew of it).
  v1::RegisterDaemonRequest again = DaemonRequest("d1", 2, 8 * kGiB);
  Report(again, "app-gone", "3", v1::EXECUTOR_STATE_FAILED);
  auto resp = manager_->RegisterDaemon(again);
  ASSERT_TRUE(resp.ok());
  EXPECT_EQ(resp->executors_to_kill_size(), 0);  // nothing to kill: it has exited
  ASSERT_EQ(resp->apps_to_clean_up_size(), 1);
  EXPECT_EQ(resp->apps_to_clean_up(0), "app-gone");
}

// Ids come from the daemon (host:port today), addresses from the network: a daemon that
// registers at the address of another entry replaces it, so that a host:port is never
// listed twice.
TEST_F(LivenessTest, DaemonRegisteringAtAnotherEntrysAddressReplacesIt) {
  StartManager();
  AddDaemon("d1", 2, 8 * kGiB);
  const std::string app = AddApp(1, kGiB, /*max_total_cores=*/1);
  auto queue = manager_->WatchApplication(app);
  ASSERT_TRUE(queue.ok());
  Drain(**queue);

  v1::RegisterDaemonRequest other = DaemonRequest("d1-new", 2, 8 * kGiB);
  other.set_address("d1:7078");
  ASSERT_TRUE(manager_->RegisterDaemon(other).ok());
  const AddressBook book = BookAt(*manager_, "d1:7078");
  EXPECT_EQ(book.entries, 1);
  EXPECT_EQ(book.alive, 1);
  // The old entry's executor is reported lost with its daemon; the application gets a
  // replacement on the new one.
  std::vector<v1::ApplicationEvent> events = Drain(**queue);
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].executor_removed().state(), v1::EXECUTOR_STATE_LOST);
  EXPECT_EQ(events[1].daemon_removed().daemon_id(), "d1");
  EXPECT_THAT(events[1].daemon_removed().reason(), HasSubstr("d1-new"));
  EXPECT_EQ(events[2].executor_added().daemon_id(), "d1-new");
  manager_->StopWatching(app, *queue);
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

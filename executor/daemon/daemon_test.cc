// The executor daemon against a fake cluster manager, with real processes and gRPC on
// 127.0.0.1 port 0.
#include "executor/daemon/daemon.h"

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/config/conf.h"
#include "executor/daemon/daemon_test_env.h"
#include "grpcpp/client_context.h"
#include "grpcpp/create_channel.h"
#include "gtest/gtest.h"

namespace centella {
namespace {

using FakeManager = FakeClusterManager;

// The change reports for one executor.
std::vector<FakeManager::StateChange> ChangesOf(const FakeManager& manager,
                                                const std::string& executor_id) {
  std::vector<FakeManager::StateChange> out;
  for (const auto& c : manager.executor_changes()) {
    if (c.request.executor_id() == executor_id) out.push_back(c);
  }
  return out;
}

bool HasState(const FakeManager& manager, const std::string& executor_id, v1::ExecutorState state) {
  for (const auto& c : ChangesOf(manager, executor_id)) {
    if (c.request.state() == state) return true;
  }
  return false;
}

class DaemonTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(env_.StartDaemon().ok()); }

  v1::LaunchExecutorResponse Launch(const v1::LaunchExecutorRequest& request) {
    grpc::ClientContext context;
    v1::LaunchExecutorResponse response;
    grpc::Status s = env_.DaemonStub()->LaunchExecutor(&context, request, &response);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return response;
  }

  DaemonTestEnv env_;
};

TEST_F(DaemonTest, RegistersWithIdResourcesAndHeartbeats) {
  auto registrations = env_.manager().registrations();
  ASSERT_EQ(registrations.size(), 1u);
  const v1::RegisterDaemonRequest& r = registrations[0];
  EXPECT_EQ(r.protocol_version(), static_cast<uint32_t>(v1::PROTOCOL_VERSION_CURRENT));
  EXPECT_EQ(r.daemon_id(), absl::StrCat("daemon-127.0.0.1-", env_.daemon().address().substr(10)));
  EXPECT_EQ(r.address(), env_.daemon().address());
  EXPECT_EQ(r.host(), "127.0.0.1");
  EXPECT_EQ(r.resources().cores(), 4);
  EXPECT_EQ(r.resources().memory_bytes(), int64_t{8} << 30);
  EXPECT_TRUE(env_.manager().WaitFor([](const FakeManager& m) { return m.heartbeats() >= 3; },
                                     absl::Seconds(5)));
}

TEST_F(DaemonTest, ReregistersWithRunningExecutorsAfterManagerRestart) {
  ASSERT_TRUE(Launch(env_.LaunchRequest("app-20260101000000-0000", "0")).started());
  ASSERT_TRUE(env_.ReadEnvironment("app-20260101000000-0000", "0", absl::Seconds(10)).ok());
  // A restarted manager has a new incarnation: the next heartbeat gets REREGISTER.
  env_.manager().SetIncarnation("incarnation-2");
  ASSERT_TRUE(env_.manager().WaitFor(
      [](const FakeManager& m) { return m.registrations().size() >= 2; }, absl::Seconds(5)));
  v1::RegisterDaemonRequest again = env_.manager().registrations()[1];
  EXPECT_EQ(again.daemon_id(), env_.manager().registrations()[0].daemon_id());
  ASSERT_EQ(again.executors_size(), 1);
  EXPECT_EQ(again.executors(0).app_id(), "app-20260101000000-0000");
  EXPECT_EQ(again.executors(0).executor_id(), "0");
  EXPECT_EQ(again.executors(0).resources().cores(), 2);
  EXPECT_GT(again.executors(0).pid(), 0);
  // Orders from the old incarnation are now refused (fencing).
  v1::LaunchExecutorResponse response;
  v1::LaunchExecutorRequest stale = env_.LaunchRequest("app-20260101000000-0000", "2");
  stale.set_manager_incarnation("incarnation-1");
  grpc::ClientContext stale_context;
  grpc::Status s = env_.DaemonStub()->LaunchExecutor(&stale_context, stale, &response);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << s.error_message();
}

TEST_F(DaemonTest, LaunchedExecutorGetsTheDocumentedEnvironment) {
  const std::string app = "app-20260101000000-0001";
  ASSERT_TRUE(Launch(env_.LaunchRequest(app, "3")).started());
  auto env = env_.ReadEnvironment(app, "3", absl::Seconds(10));
  ASSERT_TRUE(env.ok()) << env.status();
  const std::string work = env_.daemon().work_dir();
  EXPECT_EQ((*env)["CENTELLA_ROLE"], "executor");
  EXPECT_EQ((*env)["CENTELLA_APP_ID"], app);
  EXPECT_EQ((*env)["CENTELLA_EXECUTOR_ID"], "3");
  EXPECT_EQ((*env)["CENTELLA_APP_NAME"], "test-app");
  EXPECT_EQ((*env)["CENTELLA_DRIVER_ADDRESS"], "127.0.0.1:4040");
  EXPECT_EQ((*env)["CENTELLA_DAEMON_ADDRESS"], env_.daemon().address());
  EXPECT_EQ((*env)["CENTELLA_HOST"], "127.0.0.1");
  EXPECT_EQ((*env)["CENTELLA_EXECUTOR_CORES"], "2");
  EXPECT_EQ((*env)["CENTELLA_EXECUTOR_MEMORY"], absl::StrCat(int64_t{1} << 30));
  EXPECT_EQ((*env)["CENTELLA_SHUFFLE_DIR"], work + "/apps/" + app + "/shuffle");
  EXPECT_EQ((*env)["CENTELLA_SECRET_FILE"], env_.secret_file());
  EXPECT_EQ(env->count("CENTELLA_INSECURE"), 0u);
  EXPECT_EQ((*env)["TEST_EXTRA"], "extra");
  absl::StatusOr<Conf> conf = Conf::Deserialize((*env)["CENTELLA_CONF"]);
  ASSERT_TRUE(conf.ok()) << conf.status();
  EXPECT_EQ(conf->Get("centella.test.key"), "a value\nwith a newline");
  // The binary came from the cache, executable, named by its hash.
  const std::string binary =
      work + "/binaries/" + env_.program_hash().substr(std::string("sha256:").size());
  struct stat st;
  ASSERT_EQ(::stat(binary.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0755u);
  // cwd and stdout under apps/<app>/<executor>/.
  EXPECT_TRUE(std::filesystem::exists(work + "/apps/" + app + "/3/stdout"));
  EXPECT_TRUE(std::filesystem::exists(work + "/apps/" + app + "/3/stderr"));
}

TEST_F(DaemonTest, SigkillIsReportedAsFailedWithSignalWithinOneSecond) {
  const std::string app = "app-20260101000000-0002";
  ASSERT_TRUE(Launch(env_.LaunchRequest(app, "0")).started());
  ASSERT_TRUE(env_.ReadEnvironment(app, "0", absl::Seconds(10)).ok());
  std::vector<int> pids = env_.Launches(app, "0");
  ASSERT_EQ(pids.size(), 1u);
  const absl::Time killed = absl::Now();
  ASSERT_EQ(::kill(pids[0], SIGKILL), 0);
  ASSERT_TRUE(env_.manager().WaitFor(
      [](const FakeManager& m) { return HasState(m, "0", v1::EXECUTOR_STATE_FAILED); },
      absl::Seconds(5)));
  for (const auto& c : ChangesOf(env_.manager(), "0")) {
    if (c.request.state() != v1::EXECUTOR_STATE_FAILED) continue;
    absl::Duration latency = c.received - killed;
    std::printf("exit report latency after SIGKILL: %.2f ms\n",
                absl::ToDoubleMilliseconds(latency));
    EXPECT_LT(latency, absl::Seconds(1));
    EXPECT_TRUE(c.request.has_signal());
    EXPECT_EQ(c.request.signal(), 9);
    EXPECT_FALSE(c.request.has_exit_code());
    EXPECT_EQ(c.request.app_id(), app);
    EXPECT_EQ(c.request.daemon_id(), env_.daemon().daemon_id());
  }
}

TEST_F(DaemonTest, LaunchingTheSameExecutorTwiceStartsOneProcess) {
  const std::string app = "app-20260101000000-0003";
  EXPECT_TRUE(Launch(env_.LaunchRequest(app, "0")).started());
  EXPECT_FALSE(Launch(env_.LaunchRequest(app, "0")).started());
  ASSERT_TRUE(env_.ReadEnvironment(app, "0", absl::Seconds(10)).ok());
  absl::SleepFor(absl::Milliseconds(300));  // a second process would have started by now
  EXPECT_EQ(env_.Launches(app, "0").size(), 1u);
  EXPECT_FALSE(Launch(env_.LaunchRequest(app, "0")).started());
  // A second executor of the same app reuses the cached binary.
  EXPECT_TRUE(Launch(env_.LaunchRequest(app, "1")).started());
  ASSERT_TRUE(env_.ReadEnvironment(app, "1", absl::Seconds(10)).ok());
  EXPECT_EQ(env_.manager().binary_fetches(), 1);
}

TEST_F(DaemonTest, BinaryWhoseBytesDoNotMatchItsHashIsRefused) {
  const std::string wrong_hash = "sha256:" + std::string(64, 'a');
  env_.manager().AddBinary(wrong_hash, "#!/bin/sh\nexit 0\n");
  v1::LaunchExecutorRequest request = env_.LaunchRequest("app-20260101000000-0004", "0");
  request.set_binary_hash(wrong_hash);
  ASSERT_TRUE(Launch(request).started());
  ASSERT_TRUE(env_.manager().WaitFor(
      [](const FakeManager& m) { return HasState(m, "0", v1::EXECUTOR_STATE_FAILED); },
      absl::Seconds(5)));
  auto changes = ChangesOf(env_.manager(), "0");
  ASSERT_FALSE(changes.empty());
  const std::string& message = changes.back().request.message();
  EXPECT_TRUE(absl::StrContains(message, "hashes to sha256:")) << message;
  EXPECT_TRUE(absl::StrContains(message, wrong_hash)) << message;
  EXPECT_FALSE(
      std::filesystem::exists(env_.daemon().work_dir() + "/binaries/" + std::string(64, 'a')));
}

TEST_F(DaemonTest, ExitCodesMapToExitedAndFailed) {
  v1::LaunchExecutorRequest ok = env_.LaunchRequest("app-20260101000000-0005", "0");
  (*ok.mutable_env())["TEST_EXIT_CODE"] = "0";
  v1::LaunchExecutorRequest bad = env_.LaunchRequest("app-20260101000000-0005", "1");
  (*bad.mutable_env())["TEST_EXIT_CODE"] = "3";
  ASSERT_TRUE(Launch(ok).started());
  ASSERT_TRUE(Launch(bad).started());
  ASSERT_TRUE(env_.manager().WaitFor(
      [](const FakeManager& m) {
        return HasState(m, "0", v1::EXECUTOR_STATE_EXITED) &&
               HasState(m, "1", v1::EXECUTOR_STATE_FAILED);
      },
      absl::Seconds(5)));
  auto failed = ChangesOf(env_.manager(), "1").back().request;
  EXPECT_EQ(failed.exit_code(), 3);
  EXPECT_FALSE(failed.has_signal());
  EXPECT_TRUE(absl::StrContains(failed.message(), "exiting with 3 as asked")) << failed.message();
}

TEST_F(DaemonTest, KillExecutorReportsKilledAndCleanupDeletesTheAppDirectory) {
  const std::string app = "app-20260101000000-0006";
  ASSERT_TRUE(Launch(env_.LaunchRequest(app, "0")).started());
  ASSERT_TRUE(env_.ReadEnvironment(app, "0", absl::Seconds(10)).ok());
  auto stub = env_.DaemonStub();
  v1::KillExecutorRequest kill;
  kill.set_manager_incarnation(env_.manager().incarnation());
  kill.set_app_id(app);
  kill.set_executor_id("0");
  kill.set_reason("test");
  v1::KillExecutorResponse killed;
  grpc::ClientContext kill_context;
  ASSERT_TRUE(stub->KillExecutor(&kill_context, kill, &killed).ok());
  EXPECT_TRUE(killed.was_running());
  ASSERT_TRUE(env_.manager().WaitFor(
      [](const FakeManager& m) { return HasState(m, "0", v1::EXECUTOR_STATE_KILLED); },
      absl::Seconds(5)));
  EXPECT_EQ(ChangesOf(env_.manager(), "0").back().request.signal(), SIGTERM);

  v1::CleanupApplicationRequest cleanup;
  cleanup.set_manager_incarnation(env_.manager().incarnation());
  cleanup.set_app_id(app);
  v1::CleanupApplicationResponse cleaned;
  grpc::ClientContext cleanup_context;
  ASSERT_TRUE(stub->CleanupApplication(&cleanup_context, cleanup, &cleaned).ok());
  EXPECT_GT(cleaned.bytes_freed(), 0);
  EXPECT_FALSE(std::filesystem::exists(env_.daemon().work_dir() + "/apps/" + app));
}

TEST_F(DaemonTest, RegisterExecutorProcessChecksThePidAndReportsRunning) {
  const std::string app = "app-20260101000000-0007";
  ASSERT_TRUE(Launch(env_.LaunchRequest(app, "0")).started());
  ASSERT_TRUE(env_.ReadEnvironment(app, "0", absl::Seconds(10)).ok());
  const int pid = env_.Launches(app, "0").at(0);
  auto stub = env_.DaemonStub();
  v1::RegisterExecutorProcessRequest request;
  request.set_app_id(app);
  request.set_executor_id("0");
  request.set_pid(pid + 100000);
  request.set_executor_address("127.0.0.1:5555");
  v1::RegisterExecutorProcessResponse response;
  grpc::ClientContext wrong_context;
  EXPECT_EQ(stub->RegisterExecutorProcess(&wrong_context, request, &response).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  request.set_pid(pid);
  grpc::ClientContext context;
  ASSERT_TRUE(stub->RegisterExecutorProcess(&context, request, &response).ok());
  EXPECT_EQ(response.daemon_id(), env_.daemon().daemon_id());
  EXPECT_EQ(response.daemon_address(), env_.daemon().address());
  EXPECT_EQ(response.shuffle_dir(), env_.daemon().work_dir() + "/apps/" + app + "/shuffle");
  ASSERT_EQ(response.local_dirs_size(), 1);
  EXPECT_TRUE(std::filesystem::is_directory(response.local_dirs(0)));
  EXPECT_TRUE(env_.manager().WaitFor(
      [](const FakeManager& m) { return HasState(m, "0", v1::EXECUTOR_STATE_RUNNING); },
      absl::Seconds(5)));
}

TEST_F(DaemonTest, CallsWithoutTheSecretAreUnauthenticated) {
  auto stub = v1::ExecutorDaemon::NewStub(
      grpc::CreateChannel(env_.daemon().address(), grpc::InsecureChannelCredentials()));
  grpc::ClientContext context;
  v1::LaunchExecutorResponse response;
  grpc::Status s =
      stub->LaunchExecutor(&context, env_.LaunchRequest("app-20260101000000-0008", "0"), &response);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED);
}

TEST_F(DaemonTest, PathTraversalIdsAreRejected) {
  grpc::ClientContext context;
  v1::LaunchExecutorResponse response;
  grpc::Status s =
      env_.DaemonStub()->LaunchExecutor(&context, env_.LaunchRequest("../../etc", "0"), &response);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(DaemonTest, StoppingTheDaemonKillsItsExecutors) {
  const std::string app = "app-20260101000000-0009";
  ASSERT_TRUE(Launch(env_.LaunchRequest(app, "0")).started());
  ASSERT_TRUE(env_.ReadEnvironment(app, "0", absl::Seconds(10)).ok());
  const int pid = env_.Launches(app, "0").at(0);
  env_.StopDaemon();
  // The process is dead: gone, or a zombie (its reaper went away with the daemon).
  const absl::Time deadline = absl::Now() + absl::Seconds(5);
  bool gone = false;
  while (!gone && absl::Now() < deadline) {
    std::FILE* f = std::fopen(absl::StrCat("/proc/", pid, "/stat").c_str(), "r");
    if (f == nullptr) {
      gone = true;
      break;
    }
    char state = '?';
    int ignored_pid;
    char comm[256];
    if (std::fscanf(f, "%d %255s %c", &ignored_pid, comm, &state) == 3 && state == 'Z') {
      gone = true;
    }
    std::fclose(f);
    absl::SleepFor(absl::Milliseconds(10));
  }
  EXPECT_TRUE(gone);
}

}  // namespace
}  // namespace centella

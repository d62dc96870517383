// A real standalone cluster (manager + executor daemons as separate processes on
// loopback) under the situations issue 3 names: two applications sharing it by their
// grants, a request that waits until a daemon joins, the manager killed and restarted
// mid-job, and an executor process killed with SIGKILL mid-job.
//
// The job is examples/slow_job, whose tasks sleep a known time so the test can act while
// it runs; its output is compared with sums computed here.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "tests/cluster/local_cluster.h"

namespace centella {
namespace {

namespace fs = std::filesystem;

// slow_job's result: key x % 7 -> sum of x over 0 .. partitions*10-1.
std::map<int64_t, int64_t> ExpectedSums(int partitions) {
  std::map<int64_t, int64_t> sums;
  for (int64_t x = 0; x < partitions * 10; ++x) sums[x % 7] += x;
  return sums;
}

std::map<int64_t, int64_t> ReadSums(const fs::path& dir) {
  std::map<int64_t, int64_t> sums;
  if (!fs::exists(dir)) return sums;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().filename().string().rfind("part-", 0) != 0) continue;
    std::ifstream f(e.path());
    for (std::string line; std::getline(f, line);) {
      std::vector<std::string> kv = absl::StrSplit(line, '\t');
      if (kv.size() == 2) sums[std::stoll(kv[0])] += std::stoll(kv[1]);
    }
  }
  return sums;
}

// The application id a client-mode driver logged when it registered.
std::string AppIdFromDriverLog(const std::string& log) {
  static const std::regex re("registered application (app-[0-9]+-[0-9]+) with cluster manager");
  std::smatch m;
  return std::regex_search(log, m, re) ? m[1].str() : "";
}

const v1::ApplicationInfo* FindApp(const v1::ListApplicationsResponse& list,
                                   const std::string& app_id) {
  for (const v1::ApplicationInfo& app : list.applications()) {
    if (app.app_id() == app_id) return &app;
  }
  return nullptr;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// Lines of `log` that contain `needle`.
std::vector<std::string> LinesWith(const std::string& log, const std::string& needle) {
  std::vector<std::string> out;
  for (absl::string_view line : absl::StrSplit(log, '\n')) {
    if (line.find(needle) != absl::string_view::npos) out.emplace_back(line.data(), line.size());
  }
  return out;
}

// The time in a log line's "[YYYY-mm-dd HH:MM:SS.mmm]" prefix (local time).
std::optional<absl::Time> LogLineTime(const std::string& line) {
  if (line.size() < 25 || line[0] != '[') return std::nullopt;
  absl::Time t;
  std::string err;
  if (!absl::ParseTime("%Y-%m-%d %H:%M:%E3S", line.substr(1, 23), absl::LocalTimeZone(), &t,
                       &err)) {
    return std::nullopt;
  }
  return t;
}

class ClusterLifecycleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    build_ = BuildDirFromEnvironment();
    ASSERT_FALSE(build_.empty()) << "run through ctest";
    dir_ = FreshTestDir("cluster-life");
  }

  void TearDown() override {
    if (HasFailure()) {
      std::string logs = cluster_ ? cluster_->Logs() : "(no cluster)\n";
      for (const auto& [name, submit] : submits_) {
        logs += absl::StrCat("---- ", name, " (centella-submit, driver) ----\n", submit->Log());
      }
      std::printf("%s", logs.c_str());
    }
    submits_.clear();
    cluster_.reset();
    fs::remove_all(dir_);
  }

  void StartCluster(int daemons, int cores, int manager_port = 0) {
    auto c = LocalCluster::Start((dir_ / "cluster").string(), build_, daemons, cores, "10s",
                                 manager_port);
    ASSERT_TRUE(c.ok()) << c.status();
    cluster_ = *std::move(c);
  }

  // Starts slow_job in the background; its driver's output is submits_[name]->Log().
  ChildProcess* SubmitSlowJob(const std::string& name, const std::string& options,
                              int partitions, int task_ms, int reduce_task_ms = -1) {
    if (reduce_task_ms < 0) reduce_task_ms = task_ms;
    auto child = cluster_->SubmitAsync(
        options,
        absl::StrCat(build_, "/examples/slow_job ", partitions, " ", task_ms, " ",
                     Out(name).string(), " ", reduce_task_ms),
        name + ".log");
    EXPECT_TRUE(child.ok()) << child.status();
    if (!child.ok()) return nullptr;
    submits_[name] = *std::move(child);
    return submits_[name].get();
  }

  // What the driver logs as slow_job's stages start and end.
  static constexpr char kMapStageSubmitted[] = "submitted: reduce_by_key (map side)";
  static constexpr char kMapStageFinished[] = "finished: reduce_by_key (map side)";
  static constexpr char kResultStageFinished[] = "finished: save_as_text_file";

  fs::path Out(const std::string& name) const { return dir_ / (name + "-out"); }

  // Waits for the job to end and checks it succeeded with the right output.
  void ExpectJobSucceeds(const std::string& name, int partitions, absl::Duration timeout) {
    ChildProcess* submit = submits_.at(name).get();
    std::optional<int> status = submit->Wait(timeout);
    ASSERT_TRUE(status.has_value()) << name << " did not finish within " << timeout;
    EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0)
        << name << " ended with wait status " << *status;
    EXPECT_TRUE(fs::exists(Out(name) / "_SUCCESS")) << name;
    EXPECT_EQ(ReadSums(Out(name)), ExpectedSums(partitions)) << name;
  }

  // Polls the driver output of `name` until its application id shows.
  std::string WaitForAppId(const std::string& name) {
    std::string app_id;
    EXPECT_TRUE(WaitUntil(
        [&] {
          app_id = AppIdFromDriverLog(submits_.at(name)->Log());
          return !app_id.empty() || !submits_.at(name)->running();
        },
        absl::Seconds(30)))
        << name << " did not register an application";
    EXPECT_FALSE(app_id.empty()) << name << " did not register an application";
    return app_id;
  }

  std::string build_;
  fs::path dir_;
  std::unique_ptr<LocalCluster> cluster_;
  std::map<std::string, std::unique_ptr<ChildProcess>> submits_;
};

// Two applications, each capped at 2 cores, on 2 daemons x 2 cores: both run at the same
// time, each holding exactly its grant, and the cluster is never over-committed.
TEST_F(ClusterLifecycleTest, TwoApplicationsShareTheClusterByTheirGrants) {
  ASSERT_NO_FATAL_FAILURE(StartCluster(2, 2));
  constexpr int kPartitions = 12;
  const std::string options = "--total-executor-cores 2 --executor-cores 1 --executor-memory 1g";
  ASSERT_NE(SubmitSlowJob("a", options, kPartitions, 300), nullptr);
  ASSERT_NE(SubmitSlowJob("b", options, kPartitions, 300), nullptr);

  // Watch the manager's books while the jobs run.
  bool both_full_at_once = false;
  int samples = 0;
  std::set<std::string> apps_seen;
  std::vector<std::string> violations;
  absl::Time deadline = absl::Now() + absl::Seconds(60);
  while ((submits_["a"]->running() || submits_["b"]->running()) && absl::Now() < deadline) {
    absl::StatusOr<v1::ListApplicationsResponse> list = cluster_->ListApplications();
    if (list.ok()) {
      ++samples;
      std::map<std::string, int> cores_per_daemon;
      int apps_with_full_grant = 0;
      for (const v1::ApplicationInfo& app : list->applications()) {
        apps_seen.insert(app.app_id());
        int cores = 0;
        for (const v1::ExecutorInfo& e : app.executors()) {
          cores += e.resources().cores();
          cores_per_daemon[e.daemon_id()] += e.resources().cores();
          if (e.resources().cores() != 1) {
            violations.push_back(absl::StrCat(app.app_id(), " executor ", e.executor_id(),
                                              " has ", e.resources().cores(), " cores"));
          }
        }
        if (cores > 2 || app.granted_cores() > 2) {
          violations.push_back(absl::StrCat(app.app_id(), " holds ", cores, " cores (granted ",
                                            app.granted_cores(), "), above its grant of 2"));
        }
        if (cores == 2 && app.granted_cores() == 2) ++apps_with_full_grant;
      }
      for (const auto& [daemon, cores] : cores_per_daemon) {
        if (cores > 2) {
          violations.push_back(absl::StrCat(daemon, " is given ", cores, " cores of 2"));
        }
      }
      if (list->applications_size() > 2) {
        violations.push_back(absl::StrCat(list->applications_size(), " applications listed"));
      }
      if (apps_with_full_grant == 2) both_full_at_once = true;
    }
    absl::SleepFor(absl::Milliseconds(20));
  }
  EXPECT_GT(samples, 0) << "ListApplications never answered";
  EXPECT_TRUE(violations.empty()) << violations.size() << " violations, first: "
                                  << (violations.empty() ? "" : violations.front());
  EXPECT_TRUE(both_full_at_once)
      << "never saw both applications holding their 2 cores at the same time (" << samples
      << " samples)";
  EXPECT_EQ(apps_seen.size(), 2u);
  ExpectJobSucceeds("a", kPartitions, absl::Seconds(5));
  ExpectJobSucceeds("b", kPartitions, absl::Seconds(5));
}

// An executor of 2 cores cannot be placed on a 1-core cluster: the application waits,
// says why, and gets its executor as soon as a 2-core daemon joins.
// A daemon that joins while a stage runs serves the application at once, and its
// executor takes tasks of that running stage (it writes map output of the stage).
TEST_F(ClusterLifecycleTest, DaemonJoiningMidStageGetsTasksOfTheRunningStage) {
  ASSERT_NO_FATAL_FAILURE(StartCluster(1, 1));
  constexpr int kPartitions = 12;
  ChildProcess* submit =
      SubmitSlowJob("job", "--executor-cores 1 --executor-memory 1g", kPartitions, 400);
  ASSERT_NE(submit, nullptr);
  const std::string app_id = WaitForAppId("job");
  ASSERT_FALSE(app_id.empty());
  ASSERT_TRUE(WaitUntil(
      [&] { return submit->Log().find(kMapStageSubmitted) != std::string::npos; },
      absl::Seconds(30)));
  absl::StatusOr<int> joined = cluster_->AddDaemon(1);
  ASSERT_TRUE(joined.ok()) << joined.status();
  // Map output of the running stage appears in the new daemon's shuffle directory.
  const fs::path shuffle =
      fs::path(cluster_->daemon_work_dir(*joined)) / "apps" / app_id / "shuffle";
  EXPECT_TRUE(WaitUntil(
      [&] {
        std::error_code ec;
        if (submit->Log().find(kMapStageFinished) != std::string::npos) return false;
        for (const auto& e : fs::recursive_directory_iterator(shuffle, ec)) {
          if (e.path().extension() == ".index") return true;
        }
        return false;
      },
      absl::Seconds(20)))
      << "the joining daemon's executor ran no task of the running map stage";
  ASSERT_NO_FATAL_FAILURE(ExpectJobSucceeds("job", kPartitions, absl::Seconds(45)));
}

TEST_F(ClusterLifecycleTest, UnsatisfiableRequestWaitsUntilADaemonJoins) {
  ASSERT_NO_FATAL_FAILURE(StartCluster(1, 1));
  constexpr int kPartitions = 4;
  ChildProcess* submit =
      SubmitSlowJob("job", "--executor-cores 2 --executor-memory 1g", kPartitions, 100);
  ASSERT_NE(submit, nullptr);
  const std::string app_id = WaitForAppId("job");
  ASSERT_FALSE(app_id.empty());

  // The manager lists it as waiting, with the reason.
  v1::ApplicationInfo waiting;
  ASSERT_TRUE(WaitUntil(
      [&] {
        absl::StatusOr<v1::ListApplicationsResponse> list = cluster_->ListApplications();
        const v1::ApplicationInfo* app = list.ok() ? FindApp(*list, app_id) : nullptr;
        if (app == nullptr || app->state() != v1::APPLICATION_STATE_WAITING ||
            app->message().empty()) {
          return false;
        }
        waiting = *app;
        return true;
      },
      absl::Seconds(10)))
      << "the manager does not list " << app_id << " as waiting with a reason";
  std::printf("%s is listed as %s: %s\n", app_id.c_str(),
              v1::ApplicationState_Name(waiting.state()).c_str(), waiting.message().c_str());
  EXPECT_NE(waiting.message().find("waiting"), std::string::npos) << waiting.message();
  EXPECT_NE(waiting.message().find("2 cores"), std::string::npos)
      << "the reason should name what is missing: " << waiting.message();
  EXPECT_EQ(waiting.executors_size(), 0);
  EXPECT_FALSE(LinesWith(cluster_->ManagerLog(), "application " + app_id + " waiting").empty())
      << "the manager should log why the application waits";

  // ... and it keeps waiting: the job does not finish, no executor is started.
  EXPECT_FALSE(submit->Wait(absl::Seconds(3)).has_value())
      << "the job ended although no daemon can run a 2-core executor";
  {
    absl::StatusOr<v1::ListApplicationsResponse> list = cluster_->ListApplications();
    ASSERT_TRUE(list.ok()) << list.status();
    const v1::ApplicationInfo* app = FindApp(*list, app_id);
    ASSERT_NE(app, nullptr);
    EXPECT_EQ(app->state(), v1::APPLICATION_STATE_WAITING);
    EXPECT_EQ(app->executors_size(), 0);
  }
  EXPECT_FALSE(fs::exists(fs::path(cluster_->daemon_work_dir(0)) / "apps" / app_id))
      << "daemon 0 started something for " << app_id;

  // A daemon that can hold the executor joins: the job runs there and finishes.
  absl::StatusOr<int> added = cluster_->AddDaemon(2);
  ASSERT_TRUE(added.ok()) << added.status();
  ASSERT_NO_FATAL_FAILURE(ExpectJobSucceeds("job", kPartitions, absl::Seconds(40)));
  EXPECT_FALSE(LinesWith(cluster_->ManagerLog(), "application " + app_id + " no longer waiting")
                   .empty());
  EXPECT_FALSE(LinesWith(cluster_->daemon(1).Log(), "started executor " + app_id + "/").empty())
      << "the executor should run on the daemon that joined";
}

// The manager dies (SIGKILL) while tasks run. The driver and its executors carry on
// without it; a manager restarted on the same port with the same recovery directory
// takes the application, its executors and the daemons back without duplicates, and the
// job succeeds.
TEST_F(ClusterLifecycleTest, ManagerKilledAndRestartedMidJob) {
  // The manager comes back on its port: one outside the ephemeral range, so that no other
  // server or outgoing connection can take it while the manager is down.
  const int port = UnusedPortOutsideEphemeralRange();
  ASSERT_NE(port, 0);
  ASSERT_NO_FATAL_FAILURE(StartCluster(2, 2, port));
  // 24 tasks over 4 cores: the map stage takes ~2.4 s, the reduce stage ~4.8 s.
  constexpr int kPartitions = 24;
  ChildProcess* submit = SubmitSlowJob(
      "job", "--executor-cores 1 --executor-memory 1g", kPartitions, 400, 800);
  ASSERT_NE(submit, nullptr);
  const std::string app_id = WaitForAppId("job");
  ASSERT_FALSE(app_id.empty());
  // Tasks are running: the map stage is submitted and all 4 executors took part of it.
  ASSERT_TRUE(WaitUntil(
      [&] {
        const std::string log = submit->Log();
        return log.find(kMapStageSubmitted) != std::string::npos &&
               LinesWith(log, " ready with ").size() == 4;
      },
      absl::Seconds(30)))
      << "the job never started running tasks on its 4 executors";
  absl::StatusOr<v1::ListApplicationsResponse> before = cluster_->ListApplications();
  ASSERT_TRUE(before.ok()) << before.status();
  const v1::ApplicationInfo* app_before = FindApp(*before, app_id);
  ASSERT_NE(app_before, nullptr);
  const std::string incarnation_before = before->manager_incarnation();

  cluster_->StopManager(SIGKILL);
  ASSERT_EQ(submit->Log().find(kMapStageFinished), std::string::npos)
      << "the map stage ended before the manager was killed; make the job longer";

  // Without a manager the job goes on: the map stage finishes.
  EXPECT_TRUE(WaitUntil([&] { return submit->Log().find(kMapStageFinished) != std::string::npos; },
                        absl::Seconds(20)))
      << "the job made no progress while the manager was down";
  ASSERT_TRUE(submit->running()) << "the driver ended while the manager was down";
  ASSERT_EQ(submit->Log().find(kResultStageFinished), std::string::npos)
      << "the job is done before the manager came back; make the reduce stage longer";
  for (int i = 0; i < 2; ++i) EXPECT_TRUE(cluster_->daemon(i).running()) << "daemon " << i;

  ASSERT_TRUE(cluster_->RestartManager().ok());
  // The new manager learns the application back (the driver re-registers) and the
  // daemons' executors, without counting anything twice.
  std::vector<std::string> violations;
  bool recovered = false;
  const absl::Time deadline = absl::Now() + absl::Seconds(45);
  while (submit->running() && absl::Now() < deadline) {
    absl::StatusOr<v1::ListApplicationsResponse> list = cluster_->ListApplications();
    if (list.ok()) {
      if (list->manager_incarnation() == incarnation_before) {
        violations.push_back("the restarted manager reports the old incarnation");
      }
      if (list->applications_size() > 1) {
        violations.push_back(absl::StrCat(list->applications_size(), " applications listed"));
      }
      const v1::ApplicationInfo* app = FindApp(*list, app_id);
      if (app != nullptr && app->state() == v1::APPLICATION_STATE_RUNNING) {
        std::map<std::string, int> cores_per_daemon;
        std::set<std::string> ids;
        for (const v1::ExecutorInfo& e : app->executors()) {
          cores_per_daemon[e.daemon_id()] += e.resources().cores();
          if (!ids.insert(e.executor_id()).second) {
            violations.push_back("executor " + e.executor_id() + " listed twice");
          }
        }
        for (const auto& [daemon, cores] : cores_per_daemon) {
          if (cores > 2) {
            violations.push_back(absl::StrCat(daemon, " is given ", cores, " cores of 2"));
          }
        }
        if (app->granted_cores() > 4) {
          violations.push_back(absl::StrCat(app_id, " granted ", app->granted_cores(),
                                            " cores on a 4-core cluster"));
        }
        if (!app->executors().empty()) recovered = true;
      }
    }
    absl::SleepFor(absl::Milliseconds(20));
  }
  ASSERT_NO_FATAL_FAILURE(ExpectJobSucceeds("job", kPartitions, absl::Seconds(45)));
  EXPECT_TRUE(violations.empty()) << violations.size() << " violations, first: "
                                  << (violations.empty() ? "" : violations.front());
  EXPECT_TRUE(recovered) << "the restarted manager never listed " << app_id
                         << " running with its executors";
  EXPECT_NE(submit->Log().find("re-registered application " + app_id), std::string::npos)
      << "the driver should re-register its application with the new manager";
  // The driver told the new manager that the application finished.
  absl::StatusOr<v1::ListApplicationsResponse> after = cluster_->ListApplications(true);
  ASSERT_TRUE(after.ok()) << after.status();
  const v1::ApplicationInfo* app_after = FindApp(*after, app_id);
  ASSERT_NE(app_after, nullptr) << "the restarted manager forgot " << app_id;
  EXPECT_EQ(app_after->state(), v1::APPLICATION_STATE_FINISHED)
      << v1::ApplicationState_Name(app_after->state()) << ": " << app_after->message();
}

// An executor of `app_id` started by daemon 0 that the driver of `submit` reports ready,
// once the map stage runs: its id and pid (from the daemon's "started executor" lines).
bool FindReadyExecutorOnDaemon0(LocalCluster& cluster, ChildProcess& submit,
                                const std::string& app_id, std::string* executor_id,
                                pid_t* pid) {
  constexpr char kMapStageSubmitted[] = "submitted: reduce_by_key (map side)";
  static const std::regex started(
      "started executor (app-[0-9]+-[0-9]+)/([0-9]+) as pid ([0-9]+)");
  return WaitUntil(
      [&] {
        const std::string daemon_log = cluster.daemon(0).Log();
        const std::string driver_log = submit.Log();
        if (driver_log.find(kMapStageSubmitted) == std::string::npos) return false;
        for (std::sregex_iterator it(daemon_log.begin(), daemon_log.end(), started), end;
             it != end; ++it) {
          if ((*it)[1].str() != app_id) continue;
          if (driver_log.find("executor " + (*it)[2].str() + " on 127.0.0.1 ready") ==
              std::string::npos) {
            continue;
          }
          *executor_id = (*it)[2].str();
          *pid = static_cast<pid_t>(std::stol((*it)[3].str()));
          return true;
        }
        return false;
      },
      absl::Seconds(30));
}

// An executor process killed with SIGKILL mid-job: its daemon reports the exit at once
// (the manager logs the removal within a second), the driver re-runs its tasks on other
// executors, and the job succeeds.
TEST_F(ClusterLifecycleTest, ExecutorKilledMidJobIsReportedAtOnceAndItsTasksRerun) {
  ASSERT_NO_FATAL_FAILURE(StartCluster(2, 2));
  constexpr int kPartitions = 24;
  ChildProcess* submit = SubmitSlowJob(
      "job", "--executor-cores 1 --executor-memory 1g", kPartitions, 400);
  ASSERT_NE(submit, nullptr);
  const std::string app_id = WaitForAppId("job");
  ASSERT_FALSE(app_id.empty());

  // An executor on daemon 0 that the driver is using: its pid from the daemon's log.
  std::string executor_id;
  pid_t pid = -1;
  ASSERT_TRUE(FindReadyExecutorOnDaemon0(*cluster_, *submit, app_id, &executor_id, &pid))
      << "no executor of " << app_id << " on daemon 0 is running tasks";
  // Make sure it is the executor process: its environment says so.
  std::string env = ReadFile(absl::StrCat("/proc/", pid, "/environ"));
  ASSERT_NE(env.find(std::string("CENTELLA_ROLE=executor") + '\0'), std::string::npos)
      << "pid " << pid << " is not an executor";
  ASSERT_NE(env.find("CENTELLA_EXECUTOR_ID=" + executor_id + '\0'),
            std::string::npos);
  ASSERT_NE(env.find("CENTELLA_APP_ID=" + app_id), std::string::npos);
  ASSERT_EQ(submit->Log().find(kMapStageFinished), std::string::npos)
      << "the map stage ended before the kill; make the job longer";

  const absl::Time killed_at = absl::Now();
  ASSERT_EQ(::kill(pid, SIGKILL), 0);
  const std::string removed = absl::StrCat("executor ", app_id, "/", executor_id, " on ");
  std::string removal_line;
  absl::Time seen_at;
  ASSERT_TRUE(WaitUntil(
      [&] {
        for (const std::string& line : LinesWith(cluster_->ManagerLog(), removed)) {
          if (line.find(" removed (") != std::string::npos) {
            removal_line = line;
            seen_at = absl::Now();
            return true;
          }
        }
        return false;
      },
      absl::Seconds(10)))
      << "the manager never heard that executor " << executor_id << " died";
  std::printf("executor %s (pid %d) killed; the manager logged its removal %s later: %s\n",
              executor_id.c_str(), static_cast<int>(pid),
              absl::FormatDuration(seen_at - killed_at).c_str(), removal_line.c_str());
  EXPECT_LT(seen_at - killed_at, absl::Seconds(1))
      << "reported after " << (seen_at - killed_at) << ": " << removal_line;
  std::optional<absl::Time> logged_at = LogLineTime(removal_line);
  ASSERT_TRUE(logged_at.has_value()) << removal_line;
  // Log times have millisecond resolution.
  EXPECT_GE(*logged_at, killed_at - absl::Milliseconds(1)) << removal_line;
  EXPECT_LT(*logged_at - killed_at, absl::Seconds(1)) << removal_line;
  EXPECT_NE(removal_line.find("signal 9"), std::string::npos)
      << "the report should say the process was killed by SIGKILL: " << removal_line;

  // The driver heard of it too, and re-runs what the executor was running.
  // The reason may span lines (it carries the executor's stderr tail).
  static const std::regex lost_re(
      "executor ([0-9]+) lost \\([\\s\\S]*?\\); ([0-9]+) running tasks will run again");
  int rerun = -1;
  EXPECT_TRUE(WaitUntil(
      [&] {
        const std::string log = submit->Log();
        for (std::sregex_iterator it(log.begin(), log.end(), lost_re), end; it != end; ++it) {
          if ((*it)[1].str() == executor_id) {
            rerun = std::stoi((*it)[2].str());
            return true;
          }
        }
        return false;
      },
      absl::Seconds(5)))
      << "the driver did not notice that executor " << executor_id << " is gone";
  EXPECT_GE(rerun, 1) << "the executor was killed while running a task";
  std::printf("the driver re-runs %d task(s) of executor %s\n", rerun, executor_id.c_str());

  ASSERT_NO_FATAL_FAILURE(ExpectJobSucceeds("job", kPartitions, absl::Seconds(45)));
  EXPECT_FALSE(LinesWith(submit->Log(), "will run again").empty());
}

// An executor that hangs (SIGSTOP: its process and connections stay up, it just stops
// answering) is declared lost by the driver when its heartbeats stop, and its tasks run
// elsewhere: the job does not wait for it.
TEST_F(ClusterLifecycleTest, HungExecutorIsDeclaredLostByTheDriversHeartbeatTimeout) {
  ASSERT_NO_FATAL_FAILURE(StartCluster(2, 2));
  constexpr int kPartitions = 16;
  ChildProcess* submit = SubmitSlowJob(
      "job", "--executor-cores 1 --executor-memory 1g --conf centella.executor.heartbeatTimeout=2s",
      kPartitions, 300);
  ASSERT_NE(submit, nullptr);
  const std::string app_id = WaitForAppId("job");
  ASSERT_FALSE(app_id.empty());
  std::string executor_id;
  pid_t pid = -1;
  ASSERT_TRUE(FindReadyExecutorOnDaemon0(*cluster_, *submit, app_id, &executor_id, &pid))
      << cluster_->Logs();
  std::string env = ReadFile(absl::StrCat("/proc/", pid, "/environ"));
  ASSERT_NE(env.find(std::string("CENTELLA_ROLE=executor") + '\0'), std::string::npos);

  const absl::Time stopped_at = absl::Now();
  ASSERT_EQ(::kill(pid, SIGSTOP), 0);
  EXPECT_TRUE(WaitUntil(
      [&] {
        return submit->Log().find("executor " + executor_id + " lost (no heartbeat for 2s)") !=
               std::string::npos;
      },
      absl::Seconds(10)))
      << "the driver did not notice the hung executor\n" << submit->Log();
  const absl::Duration noticed = absl::Now() - stopped_at;
  std::printf("hung executor %s declared lost after %s\n", executor_id.c_str(),
              absl::FormatDuration(noticed).c_str());
  EXPECT_LT(noticed, absl::Seconds(5));
  ASSERT_NO_FATAL_FAILURE(ExpectJobSucceeds("job", kPartitions, absl::Seconds(45)));
  ::kill(pid, SIGKILL);  // never resumed; the daemon reaps it
}

// The manager dies while a daemon is still fetching the job binary from it to launch the
// application's first executors: the launches fail, and once the manager is back the
// application gets executors again and the job succeeds.
TEST_F(ClusterLifecycleTest, ManagerKilledWhileExecutorsLaunch) {
  const int port = UnusedPortOutsideEphemeralRange();
  ASSERT_NE(port, 0);
  ASSERT_NO_FATAL_FAILURE(StartCluster(1, 2, port));
  constexpr int kPartitions = 8;
  ChildProcess* submit =
      SubmitSlowJob("job", "--executor-cores 1 --executor-memory 1g", kPartitions, 100);
  ASSERT_NE(submit, nullptr);
  // The driver hears of its executors once the manager has ordered their launch; the
  // daemon then downloads the job binary (~50 MB) from the manager for a few hundred ms.
  ASSERT_TRUE(WaitUntil(
      [&] { return submit->Log().find("cluster manager granted executor") != std::string::npos; },
      absl::Seconds(30)));
  cluster_->StopManager(SIGKILL);
  const bool fetched_before_kill =
      cluster_->daemon(0).Log().find("cached binary") != std::string::npos;
  // The daemon gives up on the launch (or had just finished it).
  ASSERT_TRUE(WaitUntil(
      [&] {
        const std::string log = cluster_->daemon(0).Log();
        return log.find("cannot launch executor") != std::string::npos ||
               log.find("started executor") != std::string::npos;
      },
      absl::Seconds(20)));
  const bool launch_failed =
      cluster_->daemon(0).Log().find("cannot launch executor") != std::string::npos;
  std::printf("binary fetched before the kill: %d; launch failed: %d\n", fetched_before_kill,
              launch_failed);
  ASSERT_TRUE(cluster_->RestartManager().ok());
  ASSERT_NO_FATAL_FAILURE(ExpectJobSucceeds("job", kPartitions, absl::Seconds(45)));
}

}  // namespace
}  // namespace centella

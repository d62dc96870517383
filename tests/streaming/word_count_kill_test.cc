// examples/streaming_word_count under fire while kcat keeps producing: the driver killed
// with SIGKILL at random moments and restarted with the same command, 20 times (local);
// executors killed mid-batch on a 2-daemon cluster; a supervised cluster-mode driver killed
// and relaunched by its daemon. Afterwards its three sinks — the PostgreSQL table, the
// Redis keys and the file sink — hold exactly the count of every word of every message
// produced. Nothing lost (every batch re-runs until it commits), nothing doubled (the sinks
// skip a batch they wrote already).
#include <signal.h>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "tests/cluster/child_process.h"
#include "tests/cluster/local_cluster.h"
#include "tests/run_command.h"
#include "tests/streaming/kafka_dev_process.h"
#include "tests/streaming/postgres_process.h"
#include "tests/streaming/redis_process.h"

namespace centella {
namespace {

using Counts = std::map<std::string, int64_t>;

std::vector<std::string> Lines(int first, int n) {
  std::vector<std::string> lines;
  for (int i = first; i < first + n; ++i) {
    lines.push_back(absl::StrCat("w", i % 13, "  w", i % 5, "\tline", i % 17));
  }
  return lines;
}

void CountInto(const std::vector<std::string>& lines, Counts* counts) {
  for (const std::string& line : lines) {
    for (absl::string_view w : absl::StrSplit(line, absl::ByAnyChar(" \t"), absl::SkipEmpty())) {
      ++(*counts)[std::string(w)];
    }
  }
}

// The file sink's totals: the newest complete batch naming a word holds its count.
// `incomplete` counts batch directories without _SUCCESS.
Counts FileTotals(const std::filesystem::path& out, int* incomplete) {
  std::map<int64_t, std::filesystem::path> batches;
  std::error_code ec;
  for (const auto& d : std::filesystem::directory_iterator(out, ec)) {
    int64_t id = 0;
    const std::string name = d.path().filename().string();
    if (name.rfind("batch-", 0) == 0 && absl::SimpleAtoi(name.substr(6), &id)) {
      batches[id] = d.path();
    }
  }
  Counts totals;
  *incomplete = 0;
  for (const auto& [id, dir] : batches) {
    if (!std::filesystem::exists(dir / "_SUCCESS")) {
      ++*incomplete;
      continue;
    }
    for (const auto& part : std::filesystem::directory_iterator(dir)) {
      if (part.path().filename().string().rfind("part-", 0) != 0) continue;
      std::ifstream in(part.path());
      std::string line;
      while (std::getline(in, line)) {
        std::vector<std::string> f = absl::StrSplit(line, '\t');
        int64_t n = 0;
        if (f.size() == 2 && absl::SimpleAtoi(f[1], &n)) totals[f[0]] = n;
      }
    }
  }
  return totals;
}

class WordCountKillTest : public ::testing::Test {
 protected:
  void SetUp() override {
    build_ = BuildDirFromEnvironment();
    ASSERT_FALSE(build_.empty()) << "CENTELLA_BUILD_DIR is not set (run through ctest)";
    dir_ = std::filesystem::temp_directory_path() / absl::StrCat("wc-kill-", ::getpid());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    auto kafka = KafkaDevProcess::Start(build_, dir_.string(), {"words:3"});
    ASSERT_TRUE(kafka.ok()) << kafka.status();
    kafka_ = *std::move(kafka);
    auto pg = PostgresProcess::Start();
    ASSERT_TRUE(pg.ok()) << pg.status();
    pg_ = *std::move(pg);
    auto redis = RedisProcess::Start(dir_.string());
    ASSERT_TRUE(redis.ok()) << redis.status();
    redis_ = *std::move(redis);
  }
  void TearDown() override {
    redis_.reset();
    pg_.reset();
    kafka_.reset();
    std::filesystem::remove_all(dir_);
  }

  // The example's command line: every sink, the checkpoint in the test's directory.
  std::vector<std::string> WordCountArgv() const {
    return {build_ + "/examples/streaming_word_count",
            "--source",
            absl::StrCat("kafka://", kafka_->bootstrap(), "/words"),
            "--sink",
            "files:" + (dir_ / "out").string(),
            "--sink",
            "postgres:" + pg_->conninfo(),
            "--sink",
            absl::StrCat("redis://127.0.0.1:", redis_->port()),
            "--checkpoint",
            (dir_ / "checkpoint").string(),
            "--batch-ms",
            "100"};
  }
  // The same as one shell word per argument.
  std::string WordCountCommand() const {
    std::string out;
    for (const std::string& a : WordCountArgv())
      absl::StrAppend(&out, out.empty() ? "" : " ", "'", a, "'");
    return out;
  }

  std::unique_ptr<ChildProcess> StartDriver(int run) {
    auto driver = ChildProcess::Start(WordCountArgv(), {{"CENTELLA_MASTER", "local[2]"}},
                                      (dir_ / absl::StrCat("driver-", run, ".log")).string());
    EXPECT_TRUE(driver.ok()) << driver.status();
    return driver.ok() ? *std::move(driver) : nullptr;
  }

  // Produces the next `n` lines and counts them into expected_.
  void ProduceMore(int n) {
    const std::vector<std::string> lines = Lines(produced_, n);
    produced_ += n;
    ASSERT_TRUE(kafka_->Produce("words", lines).ok());
    CountInto(lines, &expected_);
  }

  // Whether every sink holds exactly expected_.
  bool SinksExact() {
    int incomplete = 0;
    return Table() == expected_ && Keys() == expected_ &&
           FileTotals(dir_ / "out", &incomplete) == expected_;
  }
  void ExpectSinksExact() {
    int incomplete = 0;
    EXPECT_EQ(Table(), expected_) << "PostgreSQL";
    EXPECT_EQ(Keys(), expected_) << "Redis";
    EXPECT_EQ(FileTotals(dir_ / "out", &incomplete), expected_) << "files";
    EXPECT_EQ(incomplete, 0) << "a half-written batch directory was never redone";
  }

  Counts Table() {
    auto rows = pg_->Query("SELECT word, count FROM word_counts");
    Counts out;
    if (!rows.ok()) return out;  // not created yet
    for (const std::string& row : *rows) {
      std::vector<std::string> f = absl::StrSplit(row, '|');
      int64_t n = 0;
      if (f.size() == 2 && absl::SimpleAtoi(f[1], &n)) out[f[0]] = n;
    }
    return out;
  }
  Counts Keys() {
    Counts out;
    auto values = redis_->Values("wc:*");
    if (!values.ok()) return out;
    for (const auto& [k, v] : *values) {
      int64_t n = 0;
      if (absl::SimpleAtoi(v, &n)) out[k.substr(3)] = n;
    }
    return out;
  }

  std::string build_;
  std::filesystem::path dir_;
  int produced_ = 0;
  Counts expected_;
  std::unique_ptr<KafkaDevProcess> kafka_;
  std::unique_ptr<PostgresProcess> pg_;
  std::unique_ptr<RedisProcess> redis_;
};

// The live driver a daemon's log says it started last ("started driver D as pid P"), or
// -1.
pid_t LastDriverPid(const std::string& daemon_log) {
  pid_t last = -1;
  for (absl::string_view line : absl::StrSplit(daemon_log, '\n')) {
    const size_t at = line.find("] started driver ");
    const size_t as = line.find(" as pid ");
    if (at == absl::string_view::npos || as == absl::string_view::npos) continue;
    absl::string_view rest = line.substr(as + 8);
    int pid = 0;
    if (absl::SimpleAtoi(rest.substr(0, rest.find(' ')), &pid)) last = pid;
  }
  return last > 0 && ProcessIsAlive(last) ? last : -1;
}

TEST_F(WordCountKillTest, TwentySigkillsLoseAndDoubleNothingInAnySink) {
  std::mt19937 rng(20261204);
  std::uniform_int_distribution<int> alive_ms(150, 1500);
  constexpr int kKills = 20;
  for (int run = 0; run < kKills; ++run) {
    ASSERT_NO_FATAL_FAILURE(ProduceMore(400));
    std::unique_ptr<ChildProcess> driver = StartDriver(run);
    ASSERT_NE(driver, nullptr);
    absl::SleepFor(absl::Milliseconds(alive_ms(rng)));
    driver->Signal(SIGKILL);
    std::optional<int> status = driver->Wait(absl::Seconds(10));
    ASSERT_TRUE(status.has_value()) << "run " << run << " did not die";
  }
  // The last run is left to finish: every sink reaches the totals.
  std::unique_ptr<ChildProcess> driver = StartDriver(kKills);
  ASSERT_NE(driver, nullptr);
  const absl::Time give_up = absl::Now() + absl::Seconds(90);
  while (absl::Now() < give_up && !SinksExact()) {
    ASSERT_TRUE(driver->running()) << driver->Log();
    absl::SleepFor(absl::Milliseconds(200));
  }
  driver->Signal(SIGTERM);
  std::optional<int> status = driver->Wait(absl::Seconds(30));
  ASSERT_TRUE(status.has_value()) << "SIGTERM did not stop the stream";
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << driver->Log();
  ExpectSinksExact();
  // How often a kill landed inside a batch (for the log: where the kills fall varies).
  int reruns = 0, skipped = 0, batches = 0;
  for (int run = 0; run <= kKills; ++run) {
    std::ifstream in(dir_ / absl::StrCat("driver-", run, ".log"));
    std::string line;
    while (std::getline(in, line)) {
      reruns += line.find("had not committed") != std::string::npos;
      skipped += line.find("nothing to write") != std::string::npos;
      batches +=
          line.find("] Batch ") != std::string::npos && line.find(" done in ") != std::string::npos;
    }
  }
  std::printf("%d batches committed; %d batches ran again after a kill; sinks skipped %d writes\n",
              batches, reruns, skipped);
}

// Executors SIGKILLed mid-batch on a 2-daemon cluster: their tasks run again elsewhere (or
// on the executor the daemon starts anew), the state comes back from its checkpoint and
// lineage, and the sinks are exact.
TEST_F(WordCountKillTest, ExecutorsKilledMidBatchCostOnlyTheirTasks) {
  auto cluster = LocalCluster::Start((dir_ / "cluster").string(), build_, 2, 2);
  ASSERT_TRUE(cluster.ok()) << cluster.status();
  auto driver =
      (*cluster)->SubmitAsync("--executor-cores 1 --executor-memory 1g --total-executor-cores 2",
                              WordCountCommand(), "driver.log");
  ASSERT_TRUE(driver.ok()) << driver.status();
  std::mt19937 rng(1204);
  int kills = 0;
  for (int round = 0; round < 8; ++round) {
    ASSERT_NO_FATAL_FAILURE(ProduceMore(500));
    absl::SleepFor(absl::Milliseconds(std::uniform_int_distribution<int>(100, 700)(rng)));
    for (int d = 0; d < (*cluster)->num_daemons() && round % 2 == 1; ++d) {
      for (const auto& e : (*cluster)->ExecutorsOfDaemon(d)) {
        if (kill(e.pid, SIGKILL) == 0) ++kills;
        break;
      }
    }
  }
  ASSERT_TRUE(WaitUntil([&] { return SinksExact() || !(*driver)->running(); }, absl::Seconds(90)))
      << (*cluster)->Logs();
  ASSERT_TRUE((*driver)->running()) << (*driver)->Log();
  (*driver)->Signal(SIGTERM);
  std::optional<int> status = (*driver)->Wait(absl::Seconds(30));
  ASSERT_TRUE(status.has_value());
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << (*driver)->Log();
  ExpectSinksExact();
  EXPECT_GE(kills, 3) << "too few executors were killed for the test to mean anything";
}

// A cluster-mode driver with --supervise, SIGKILLed three times: its daemon relaunches it
// each time, it resumes from the checkpoint by itself, and the sinks are exact.
TEST_F(WordCountKillTest, ASupervisedClusterModeDriverResumesByItself) {
  auto cluster = LocalCluster::Start((dir_ / "cluster").string(), build_, 2, 2);
  ASSERT_TRUE(cluster.ok()) << cluster.status();
  CommandResult submitted = (*cluster)->Submit(
      "--deploy-mode cluster --supervise --executor-cores 1 --executor-memory 1g "
      "--total-executor-cores 2",
      WordCountCommand());
  ASSERT_EQ(submitted.exit_code, 0) << submitted.output;
  auto driver_pid = [&]() -> pid_t {
    for (int d = 0; d < (*cluster)->num_daemons(); ++d) {
      if (pid_t pid = LastDriverPid((*cluster)->daemon(d).Log()); pid > 0) return pid;
    }
    return static_cast<pid_t>(-1);
  };
  for (int kill_no = 0; kill_no < 3; ++kill_no) {
    ASSERT_NO_FATAL_FAILURE(ProduceMore(600));
    pid_t pid = -1;
    ASSERT_TRUE(WaitUntil([&] { return (pid = driver_pid()) > 0; }, absl::Seconds(60)))
        << "no driver running (kill " << kill_no << ")\n"
        << (*cluster)->Logs();
    // Let it work on the new lines for a moment, then kill it mid-stream.
    absl::SleepFor(absl::Milliseconds(700 + 300 * kill_no));
    ASSERT_EQ(kill(pid, SIGKILL), 0);
    ASSERT_TRUE(WaitUntil([&] { return !ProcessIsAlive(pid); }, absl::Seconds(10)));
  }
  ASSERT_TRUE(WaitUntil([&] { return SinksExact(); }, absl::Seconds(120)))
      << "the relaunched driver never caught up\n"
      << (*cluster)->Logs();
  // Stopped for good (SIGTERM: the running batch finishes, exit 0, no relaunch); then
  // no batch directory may be left half written.
  const pid_t last = driver_pid();
  ASSERT_GT(last, 0);
  kill(last, SIGTERM);
  EXPECT_TRUE(WaitUntil([&] { return !ProcessIsAlive(last); }, absl::Seconds(30)));
  absl::SleepFor(absl::Seconds(2));
  EXPECT_EQ(driver_pid(), -1) << "a driver that exited 0 was relaunched";
  ExpectSinksExact();
}

}  // namespace
}  // namespace centella

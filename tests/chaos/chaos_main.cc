// centella-chaos: the chaos suite. Each scenario (scenario.h, drawn from a seed) starts a
// real standalone cluster — a manager and 3 executor daemons with 2 cores each, separate
// processes on loopback — submits the chaos job (chaos_workload.h), kills one process at
// the scenario's moment (in a quarter of the executor and host kills, the manager too,
// soon after), and then checks that
//   - the job succeeds (within a deadline: never hangs) with exactly the right answer;
//   - the map outputs recomputed are exactly those the fault lost and that were still
//     needed, and a stage is resubmitted at most once (recovery_check.h), judged from the
//     driver's event log.
//
//   centella-chaos [--scenarios N] [--seed S] [--build-dir DIR] [--keep]
//
// Scenario i uses seed S+i (S random unless given). Prints one line per scenario, then
// "N passed, M failed" and, for each failure, the command that replays it. Exit status 0
// when every scenario passed, 1 otherwise, 2 for bad usage.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <optional>
#include <random>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "tests/chaos/chaos_workload.h"
#include "tests/chaos/job_history.h"
#include "tests/chaos/recovery_check.h"
#include "tests/chaos/scenario.h"
#include "tests/cluster/local_cluster.h"

namespace centella::chaos {
namespace {

namespace fs = std::filesystem;

constexpr int kDaemons = 3;
constexpr int kCoresPerDaemon = 2;
constexpr int kMaps = 12;
constexpr int kTaskMs = 250;
// A clean run takes ~3 s; recovery adds a few. Anything near this is a hang.
constexpr absl::Duration kJobDeadline = absl::Seconds(120);

struct Options {
  int scenarios = 10;
  uint64_t seed = 0;
  std::string build_dir;
  bool keep = false;
};

struct Outcome {
  bool ok = false;
  std::string detail;
};

std::string ReadFile(const fs::path& path) {
  std::ifstream f(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(f), {});
}

// Executor processes a daemon started: executor id -> pid (from its "started executor"
// log lines).
std::map<std::string, pid_t> ExecutorsOf(LocalCluster& cluster, int daemon) {
  static const std::regex started("started executor (app-[0-9]+-[0-9]+)/([0-9]+) as pid ([0-9]+)");
  std::map<std::string, pid_t> out;
  const std::string log = cluster.daemon(daemon).Log();
  for (std::sregex_iterator it(log.begin(), log.end(), started), end; it != end; ++it) {
    out[(*it)[2].str()] = static_cast<pid_t>(std::stol((*it)[3].str()));
  }
  return out;
}

// Follows the driver's event log as it grows.
class EventLogTail {
 public:
  explicit EventLogTail(fs::path dir) : dir_(std::move(dir)) {}
  absl::Status Poll(JobHistory& history) {
    if (path_.empty()) {
      std::error_code ec;
      for (const auto& e : fs::directory_iterator(dir_, ec)) path_ = e.path();
      if (path_.empty()) return absl::OkStatus();
    }
    std::ifstream f(path_, std::ios::binary);
    f.seekg(static_cast<std::streamoff>(offset_));
    std::string chunk(std::istreambuf_iterator<char>(f), {});
    offset_ += chunk.size();
    return history.AddChunk(chunk);
  }

 private:
  fs::path dir_, path_;
  size_t offset_ = 0;
};

class ScenarioRun {
 public:
  ScenarioRun(const Options& options, Scenario scenario, fs::path dir)
      : options_(options), scenario_(scenario), dir_(std::move(dir)), tail_(dir_ / "events") {}

  Outcome Run() {
    absl::StatusOr<std::unique_ptr<LocalCluster>> cluster =
        LocalCluster::Start(dir_.string(), options_.build_dir, kDaemons, kCoresPerDaemon, "4s");
    if (!cluster.ok())
      return {false, absl::StrCat("cluster did not start: ", cluster.status().message())};
    cluster_ = *std::move(cluster);
    auto submit = cluster_->SubmitAsync(
        absl::StrCat("--executor-cores 1 --executor-memory 512m --conf centella.eventLog.dir=",
                     (dir_ / "events").string(), " --conf centella.ui.showConsoleProgress=false"),
        absl::StrCat(options_.build_dir, "/tests/chaos_job ", (dir_ / "out.txt").string(), " ",
                     kMaps, " ", kTaskMs),
        "driver.log");
    if (!submit.ok()) return {false, absl::StrCat("submit failed: ", submit.status().message())};
    std::unique_ptr<ChildProcess> driver = *std::move(submit);

    const absl::Time deadline = absl::Now() + kJobDeadline;
    std::optional<int> status;
    while (!(status = driver->Wait(absl::Milliseconds(5)))) {
      if (struck_ && scenario_.manager_too && !manager_struck_ &&
          absl::Now() - struck_at_ >= absl::Milliseconds(scenario_.manager_after_ms)) {
        manager_struck_ = true;
        absl::Status s = KillAndRestartManager();
        if (!s.ok()) return {false, absl::StrCat("could not restart the manager: ", s.message())};
        struck_what_ += absl::StrCat(", then the manager killed and restarted after ",
                                     scenario_.restart_after_ms, " ms");
      }
      if (absl::Now() > deadline) {
        return {false,
                absl::StrCat("the job did not finish within ", absl::FormatDuration(kJobDeadline),
                             " (hung?); driver log tail:\n", Tail(driver->Log()))};
      }
      absl::Status s = tail_.Poll(history_);
      if (!s.ok()) return {false, std::string(s.message())};
      if (!struck_ && Due()) {
        absl::Status strike = Strike();
        if (!strike.ok()) return {false, absl::StrCat("could not strike: ", strike.message())};
      }
    }
    absl::Status s = tail_.Poll(history_);
    if (!s.ok()) return {false, std::string(s.message())};
    if (!struck_) return {false, "the job ended before the fault could be injected"};
    if (!WIFEXITED(*status) || WEXITSTATUS(*status) != 0) {
      return {false, absl::StrCat("the job failed (wait status ", *status, "); driver log tail:\n",
                                  Tail(driver->Log()))};
    }
    std::string mismatch = CompareOutput();
    if (!mismatch.empty()) return {false, mismatch};
    RecoveryReport report = CheckRecovery(history_, fault_us_, lost_address_,
                                          scenario_.victim == Victim::kDaemon ? 1 : 0);
    // Launches per (stage, partition): a task relaunched over and over (onto an executor
    // already dead, say) would show up here even when the answer is right.
    std::map<std::pair<int, int>, int> launches_of;
    for (const TaskRecord& t : history_.tasks()) ++launches_of[{t.stage, t.partition}];
    int launches = 0, most = 0;
    std::pair<int, int> busiest;
    for (const auto& [task, n] : launches_of) {
      launches += n;
      if (n > most) most = n, busiest = task;
    }
    std::string figures = absl::StrCat(
        struck_what_, "; job took ",
        absl::FormatDuration(absl::Trunc(absl::Now() - started_, absl::Milliseconds(100))), ", ",
        launches,  " task launches for ", kMaps + kReduce1 + kReduce2, " tasks (at most ", most,
        " of one), recomputed ",
        report.actual.size(), " map outputs (lost ", report.lost.size(), ", needed ",
        report.expected.size(), "), max resubmissions of a stage ", report.max_resubmissions);
    if (!report.ok) return {false, absl::StrCat(report.problem, "; ", figures)};
    // Each fault may cost a task one run on a dead executor, one cancelled attempt and
    // one recomputation; more is churn.
    if (most > 4) {
      return {false, absl::StrCat("task ", busiest.first, ".", busiest.second, " was launched ",
                                  most, " times; ", figures)};
    }
    return {true, figures};
  }

 private:
  static std::string Tail(const std::string& log) {
    return log.size() > 3000 ? log.substr(log.size() - 3000) : log;
  }

  bool Due() {
    const int stage = scenario_.stage == 'A'   ? history_.StageA()
                      : scenario_.stage == 'B' ? history_.StageB()
                                               : history_.StageC();
    if (stage < 0 || history_.FinishedTasks(stage) < scenario_.after_finished) return false;
    if (!due_since_) due_since_ = absl::Now();
    if (absl::Now() - *due_since_ < absl::Milliseconds(scenario_.delay_ms)) return false;
    // At the very start of the job no task runs yet (executors still registering).
    if (scenario_.victim != Victim::kManager && history_.RunningExecutors(-1).empty()) return false;
    target_stage_ = stage;
    return true;
  }

  // The executor to strike: one running a task of the target stage, else any running one.
  std::string ChooseExecutor() {
    std::vector<std::string> candidates = history_.RunningExecutors(target_stage_);
    if (candidates.empty()) candidates = history_.RunningExecutors(-1);
    if (candidates.empty()) return "";
    return candidates[scenario_.pick % candidates.size()];
  }

  absl::Status Strike() {
    struck_ = true;
    struck_at_ = absl::Now();
    if (scenario_.victim == Victim::kManager) {
      fault_us_ = absl::ToUnixMicros(absl::Now());
      struck_what_ =
          absl::StrCat("manager killed, restarted after ", scenario_.restart_after_ms, " ms");
      return KillAndRestartManager();
    }
    const std::string executor = ChooseExecutor();
    for (int d = 0; d < cluster_->num_daemons(); ++d) {
      std::map<std::string, pid_t> executors = ExecutorsOf(*cluster_, d);
      auto it = executors.find(executor);
      if (it == executors.end()) continue;
      fault_us_ = absl::ToUnixMicros(absl::Now());
      if (scenario_.victim == Victim::kExecutor) {
        if (::kill(it->second, SIGKILL) != 0) return absl::InternalError("kill failed");
        struck_what_ =
            absl::StrCat("executor ", executor, " (pid ", it->second, ", daemon ", d, ") killed");
        return absl::OkStatus();
      }
      // The whole host: its daemon and every executor process on it, at once.
      lost_address_ = cluster_->daemon_address(d);
      cluster_->daemon(d).Signal(SIGKILL);
      for (const auto& [id, pid] : executors) ::kill(pid, SIGKILL);
      cluster_->daemon(d).Wait(absl::Seconds(5));
      struck_what_ = absl::StrCat("host of daemon ", d, " (", lost_address_, ", ", executors.size(),
                                  " executors) killed");
      return absl::OkStatus();
    }
    return absl::NotFoundError(
        absl::StrCat("no running executor to kill (chose '", executor, "')"));
  }

  // The manager's death loses nothing: daemons and drivers carry on and re-join it.
  absl::Status KillAndRestartManager() {
    cluster_->StopManager(SIGKILL);
    absl::SleepFor(absl::Milliseconds(scenario_.restart_after_ms));
    return cluster_->RestartManager();
  }

  std::string CompareOutput() {
    std::vector<std::pair<int64_t, int64_t>> expected = ExpectedOutput(kMaps);
    std::vector<std::string> lines =
        absl::StrSplit(ReadFile(dir_ / "out.txt"), '\n', absl::SkipEmpty());
    if (lines.size() != expected.size()) {
      return absl::StrCat("the output has ", lines.size(), " lines; expected ", expected.size());
    }
    for (size_t i = 0; i < lines.size(); ++i) {
      std::string want = absl::StrCat(expected[i].first, "\t", expected[i].second);
      if (lines[i] != want) {
        return absl::StrCat("output line ", i + 1, " is '", lines[i], "'; expected '", want, "'");
      }
    }
    return "";
  }

  const Options& options_;
  const Scenario scenario_;
  const fs::path dir_;
  const absl::Time started_ = absl::Now();
  std::unique_ptr<LocalCluster> cluster_;
  EventLogTail tail_;
  JobHistory history_;
  bool struck_ = false;
  absl::Time struck_at_;
  bool manager_struck_ = false;
  std::optional<absl::Time> due_since_;
  int target_stage_ = -1;
  int64_t fault_us_ = 0;
  std::string lost_address_;
  std::string struck_what_;
};

int Usage(const std::string& problem) {
  std::fprintf(stderr,
               "centella-chaos: %s\nusage: centella-chaos [--scenarios N] [--seed S] "
               "[--build-dir DIR] [--keep]\n",
               problem.c_str());
  return 2;
}

int Main(int argc, char** argv) {
  Options options;
  bool seeded = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const bool has_value = i + 1 < argc;
    if (arg == "--scenarios" && has_value) {
      if (!absl::SimpleAtoi(argv[++i], &options.scenarios) || options.scenarios <= 0) {
        return Usage(absl::StrCat("--scenarios needs a positive number, not '", argv[i], "'"));
      }
    } else if (arg == "--seed" && has_value) {
      if (!absl::SimpleAtoi(argv[++i], &options.seed)) {
        return Usage(absl::StrCat("--seed needs a non-negative number, not '", argv[i], "'"));
      }
      seeded = true;
    } else if (arg == "--build-dir" && has_value) {
      options.build_dir = argv[++i];
    } else if (arg == "--keep") {
      options.keep = true;
    } else {
      return Usage(absl::StrCat("unknown or incomplete argument '", arg, "'"));
    }
  }
  if (options.build_dir.empty()) {
    const char* env = std::getenv("CENTELLA_BUILD_DIR");
    // The binary lives in <build>/bin.
    options.build_dir = env != nullptr && *env != '\0'
                            ? env
                            : fs::canonical("/proc/self/exe").parent_path().parent_path().string();
  }
  if (!fs::exists(options.build_dir + "/tests/chaos_job")) {
    return Usage(
        absl::StrCat("no chaos job at ", options.build_dir, "/tests/chaos_job (build it)"));
  }
  if (!seeded) options.seed = std::random_device()() % 1000000;
  const char* tmp = std::getenv("TMPDIR");
  const fs::path base = fs::path(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") /
                        absl::StrCat("centella-chaos-", ::getpid());
  std::printf("chaos: %d scenarios from seed %llu; work in %s\n", options.scenarios,
              static_cast<unsigned long long>(options.seed), base.c_str());
  std::fflush(stdout);

  int passed = 0;
  std::vector<uint64_t> failed;
  for (int i = 0; i < options.scenarios; ++i) {
    const Scenario scenario = Scenario::FromSeed(options.seed + i, kMaps, kTaskMs, kDaemons * kCoresPerDaemon);
    const fs::path dir = base / absl::StrCat("seed-", scenario.seed);
    fs::create_directories(dir);
    const absl::Time start = absl::Now();
    Outcome outcome;
    {
      ScenarioRun run(options, scenario, dir);
      outcome = run.Run();
    }  // the cluster is gone before the next one starts
    std::printf(
        "[%d/%d] seed %llu: %s: %s in %s: %s\n", i + 1, options.scenarios,
        static_cast<unsigned long long>(scenario.seed), scenario.Describe().c_str(),
        outcome.ok ? "passed" : "FAILED",
        absl::FormatDuration(absl::Trunc(absl::Now() - start, absl::Milliseconds(100))).c_str(),
        outcome.detail.c_str());
    std::fflush(stdout);
    if (outcome.ok) {
      ++passed;
      if (!options.keep) fs::remove_all(dir);
    } else {
      failed.push_back(scenario.seed);
      std::printf("  logs kept in %s\n", dir.c_str());
    }
  }
  std::error_code ec;
  if (failed.empty() && !options.keep) fs::remove_all(base, ec);
  std::printf("%d passed, %zu failed\n", passed, failed.size());
  for (uint64_t seed : failed)
    std::printf("  replay: ./dev chaos 1 --seed %llu\n", static_cast<unsigned long long>(seed));
  return failed.empty() ? 0 : 1;
}

}  // namespace
}  // namespace centella::chaos

int main(int argc, char** argv) { return centella::chaos::Main(argc, argv); }

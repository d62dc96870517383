// Daemons at their default ports on one host, as `centella-executor` and
// `centella-cluster-manager` start without --port and --ui-port: two managers (gRPC 7077,
// UI 8080) and three executor daemons (gRPC 7078, UI 8081), started at the same time.
// Every server whose default port is taken must move on to the next free one
// (--port-max-retries, 16 by default), so all five processes start, each on ports of its
// own, each writing them to its address file only once both of its servers listen; the
// daemons register with the first manager and run a job there.
//
// Another process on this machine may hold some of these ports already: the test does not
// care which ports each process gets, only that they are distinct, within the retry range
// and what the process logged. It is skipped when too few ports of the range are free for
// five processes to fit.
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/rpc/held_ports.h"
#include "gtest/gtest.h"
#include "httplib.h"
#include "nlohmann/json.hpp"
#include "tests/cluster/local_cluster.h"

namespace centella {
namespace {

namespace fs = std::filesystem;

// The binaries' defaults (executor/daemon/main.cc, cluster-manager/main.cc) and the
// default --port-max-retries.
constexpr int kManagerPort = 7077;
constexpr int kManagerUiPort = 8080;
constexpr int kDaemonPort = 7078;
constexpr int kDaemonUiPort = 8081;
constexpr int kMaxRetries = 16;
constexpr int kManagers = 2;
constexpr int kDaemons = 3;

int PortOf(const std::string& address) {
  int port = 0;
  const size_t colon = address.rfind(':');
  if (colon == std::string::npos || !absl::SimpleAtoi(address.substr(colon + 1), &port)) return 0;
  return port;
}

// The ports of [first, last] that something else holds now.
std::vector<int> TakenPorts(int first, int last) {
  std::vector<int> taken;
  for (int port = first; port <= last; ++port) {
    if (!HeldPorts::IsFree(port)) taken.push_back(port);
  }
  return taken;
}

// One started process: its role, where it logs and where it says it listens.
struct Started {
  std::string name;
  int default_port = 0;
  int default_ui_port = 0;
  std::unique_ptr<ChildProcess> process;
  std::string address_file;
  ProcessAddresses addresses;
};

class ClusterPortsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    build_ = BuildDirFromEnvironment();
    ASSERT_FALSE(build_.empty()) << "run through ctest";
    dir_ = FreshTestDir("cluster-ports");
    secret_file_ = (dir_ / "secret").string();
    std::ofstream(secret_file_) << "cluster-ports-test-secret\n";
    fs::permissions(secret_file_, fs::perms::owner_read | fs::perms::owner_write);
  }
  void TearDown() override {
    // Daemons before managers; each SIGTERM, then SIGKILL.
    while (!processes_.empty()) processes_.pop_back();
    if (!HasFailure()) fs::remove_all(dir_);
  }

  // Starts `binary` with `flags` and no --port/--ui-port; does not wait.
  void StartProcess(const std::string& name, const std::string& binary,
                    const std::vector<std::string>& flags, int default_port, int default_ui_port) {
    Started started;
    started.name = name;
    started.default_port = default_port;
    started.default_ui_port = default_ui_port;
    started.address_file = (dir_ / (name + ".address")).string();
    // Loopback only, but no --port and no --ui-port.
    std::vector<std::string> argv = {build_ + "/bin/" + binary, "--host=127.0.0.1",
                                     "--bind=127.0.0.1", "--secret-file=" + secret_file_,
                                     "--address-file=" + started.address_file};
    argv.insert(argv.end(), flags.begin(), flags.end());
    absl::StatusOr<std::unique_ptr<ChildProcess>> child =
        ChildProcess::Start(argv, {}, (dir_ / (name + ".log")).string());
    EXPECT_TRUE(child.ok()) << child.status();
    if (child.ok()) started.process = *std::move(child);
    processes_.push_back(std::move(started));
  }

  // Waits for the address file of every process in [from, processes_.size()).
  void WaitForAddressFiles(size_t from) {
    for (size_t i = from; i < processes_.size(); ++i) {
      Started& p = processes_[i];
      ASSERT_NE(p.process, nullptr);
      absl::StatusOr<ProcessAddresses> addresses;
      WaitUntil(
          [&] {
            addresses = ReadAddressFile(p.address_file);
            return addresses.ok() || !p.process->running();
          },
          absl::Seconds(30), absl::Milliseconds(20));
      ASSERT_TRUE(addresses.ok()) << p.name << " did not start: " << addresses.status() << "\n"
                                  << p.process->Log();
      p.addresses = *addresses;
    }
  }

  std::string Logs() const {
    std::string out;
    for (const Started& p : processes_) {
      absl::StrAppend(&out, "---- ", p.name, " ----\n", p.process ? p.process->Log() : "");
    }
    return out;
  }

  std::string build_;
  fs::path dir_;
  std::string secret_file_;
  std::vector<Started> processes_;
};

TEST_F(ClusterPortsTest, DaemonsAndManagersAtDefaultPortsStartOnPortsOfTheirOwn) {
  // Whatever holds ports of the retry ranges now is someone else's.
  const std::vector<int> foreign_rpc = TakenPorts(kManagerPort, kDaemonPort + kMaxRetries);
  const std::vector<int> foreign_ui = TakenPorts(kManagerUiPort, kDaemonUiPort + kMaxRetries);
  // All five fit when five ports are free among those that every one of them tries
  // (7078-7093 and 8081-8096: 16 each): whoever comes last still finds one of them.
  const int needed = kManagers + kDaemons;
  const int shared = kManagerPort + kMaxRetries - kDaemonPort + 1;
  if (shared - static_cast<int>(TakenPorts(kDaemonPort, kManagerPort + kMaxRetries).size()) <
          needed ||
      shared - static_cast<int>(TakenPorts(kDaemonUiPort, kManagerUiPort + kMaxRetries).size()) <
          needed) {
    GTEST_SKIP() << "too many default ports held by other processes: gRPC "
                 << absl::StrJoin(foreign_rpc, ",") << "; UI " << absl::StrJoin(foreign_ui, ",");
  }
  if (!foreign_rpc.empty() || !foreign_ui.empty()) {
    std::printf("ports held by other processes: gRPC [%s], UI [%s]\n",
                absl::StrJoin(foreign_rpc, ",").c_str(), absl::StrJoin(foreign_ui, ",").c_str());
  }

  // Both managers at once, then all three daemons at once (pointed at the first manager):
  // each pair of processes races for the same port.
  for (int m = 0; m < kManagers; ++m) {
    StartProcess(absl::StrCat("manager", m), "centella-cluster-manager",
                 {"--recovery-dir", (dir_ / absl::StrCat("manager", m, "-recovery")).string()},
                 kManagerPort, kManagerUiPort);
  }
  ASSERT_NO_FATAL_FAILURE(WaitForAddressFiles(0));
  const std::string manager = processes_[0].addresses.rpc;
  for (int d = 0; d < kDaemons; ++d) {
    StartProcess(absl::StrCat("daemon", d), "centella-executor",
                 {"--cluster-manager", manager, "--cores", "1", "--memory", "1g", "--work-dir",
                  (dir_ / absl::StrCat("daemon", d, "-work")).string()},
                 kDaemonPort, kDaemonUiPort);
  }
  ASSERT_NO_FATAL_FAILURE(WaitForAddressFiles(kManagers));

  std::set<int> rpc_ports, ui_ports;
  for (const Started& p : processes_) {
    SCOPED_TRACE(p.name);
    const int port = PortOf(p.addresses.rpc);
    const int ui_port = PortOf(p.addresses.ui);
    EXPECT_EQ(p.addresses.rpc, absl::StrCat("127.0.0.1:", port));
    EXPECT_EQ(p.addresses.ui, absl::StrCat("127.0.0.1:", ui_port));
    // From the retry range, not from the kernel's ephemeral ports.
    EXPECT_GE(port, p.default_port);
    EXPECT_LE(port, p.default_port + kMaxRetries);
    EXPECT_GE(ui_port, p.default_ui_port);
    EXPECT_LE(ui_port, p.default_ui_port + kMaxRetries);
    rpc_ports.insert(port);
    ui_ports.insert(ui_port);
    std::printf("%s: gRPC %s, UI %s\n", p.name.c_str(), p.addresses.rpc.c_str(),
                p.addresses.ui.c_str());
    // The process said where it listens, and it is what the file says.
    const std::string log = p.process->Log();
    EXPECT_NE(log.find(absl::StrCat("listening on ", p.addresses.rpc, " (gRPC)")),
              std::string::npos)
        << log;
    EXPECT_NE(log.find(absl::StrCat("status UI listening on http://", p.addresses.ui, "/")),
              std::string::npos)
        << log;
  }
  EXPECT_EQ(rpc_ports.size(), processes_.size()) << Logs();
  EXPECT_EQ(ui_ports.size(), processes_.size()) << Logs();

  // The first manager's status UI lists the three daemons, alive, at their addresses.
  std::set<std::string> daemon_addresses;
  for (int d = 0; d < kDaemons; ++d) {
    daemon_addresses.insert(processes_[kManagers + d].addresses.rpc);
  }
  httplib::Client manager_ui("http://" + processes_[0].addresses.ui);
  manager_ui.set_connection_timeout(5);
  std::set<std::string> alive;
  WaitUntil(
      [&] {
        auto res = manager_ui.Get("/api/v1/daemons");
        if (!res || res->status != 200) return false;
        alive.clear();
        for (const nlohmann::json& daemon : nlohmann::json::parse(res->body)) {
          if (daemon["state"] == "DAEMON_STATE_ALIVE") {
            alive.insert(daemon["address"].get<std::string>());
          }
        }
        return alive == daemon_addresses;
      },
      absl::Seconds(20), absl::Milliseconds(100));
  EXPECT_EQ(alive, daemon_addresses) << Logs();

  // The second manager's UI and every daemon's UI answer too.
  auto second = httplib::Client("http://" + processes_[1].addresses.ui).Get("/api/v1/daemons");
  ASSERT_TRUE(second) << httplib::to_string(second.error());
  EXPECT_EQ(nlohmann::json::parse(second->body), nlohmann::json::array());
  for (int d = 0; d < kDaemons; ++d) {
    const Started& daemon = processes_[kManagers + d];
    auto executors = httplib::Client("http://" + daemon.addresses.ui).Get("/api/v1/executors");
    ASSERT_TRUE(executors) << daemon.name << ": " << httplib::to_string(executors.error());
    EXPECT_EQ(executors->status, 200) << daemon.name;
  }

  // And the cluster works: word count over the first manager, on the daemons' executors.
  const fs::path input = dir_ / "words.txt";
  std::ofstream(input) << "to be or not to be\nthat is the question\nto be\n";
  const fs::path out = dir_ / "counts";
  CommandResult run = RunCommand(absl::StrCat(
      build_, "/bin/centella-submit --master centella://", manager, " --secret-file ", secret_file_,
      " --conf centella.driver.host=127.0.0.1 --executor-cores 1", " --executor-memory 512m ",
      build_, "/examples/word_count ", input.string(), " ", out.string()));
  ASSERT_EQ(run.exit_code, 0) << run.output << Logs();
  std::map<std::string, int> counts;
  for (const auto& part : fs::directory_iterator(out)) {
    if (part.path().filename().string().rfind("part-", 0) != 0) continue;
    std::ifstream in(part.path());
    for (std::string line; std::getline(in, line);) {
      std::vector<std::string> kv = absl::StrSplit(line, '\t');
      int n = 0;
      if (kv.size() == 2 && absl::SimpleAtoi(kv[1], &n)) counts[kv[0]] += n;
    }
  }
  EXPECT_EQ(counts["to"], 3);
  EXPECT_EQ(counts["be"], 3);
  EXPECT_EQ(counts["question"], 1);
  EXPECT_EQ(counts.size(), 8u);
}

}  // namespace
}  // namespace centella

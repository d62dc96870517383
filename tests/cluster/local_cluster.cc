#include "tests/cluster/local_cluster.h"

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "absl/time/clock.h"
#include "cluster_manager.grpc.pb.h"
#include "common/auth/shared_secret.h"
#include "common/rpc/held_ports.h"
#include "grpcpp/client_context.h"

namespace centella {

bool WaitUntil(const std::function<bool()>& condition, absl::Duration timeout,
               absl::Duration poll) {
  absl::Time deadline = absl::Now() + timeout;
  while (true) {
    if (condition()) return true;
    if (absl::Now() >= deadline) return false;
    absl::SleepFor(poll);
  }
}

std::string FreshTestDir(const std::string& prefix) {
  const char* tmp = std::getenv("TMPDIR");
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  // A parameterized test's name holds '/' ("Name/cluster"): without replacing it, the
  // directory would be nested in a parent that nobody removes.
  std::string name = info != nullptr ? info->name() : "test";
  std::replace(name.begin(), name.end(), '/', '-');
  std::filesystem::path dir = std::filesystem::path(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") /
                              absl::StrCat(prefix, "-", name, "-", ::getpid());
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir.string();
}

absl::StatusOr<std::unique_ptr<LocalCluster>> LocalCluster::Start(std::string dir,
                                                                  std::string build_dir,
                                                                  int daemons,
                                                                  int cores_per_daemon,
                                                                  const std::string& worker_timeout,
                                                                  int manager_port) {
  std::unique_ptr<LocalCluster> c(new LocalCluster());
  c->dir_ = std::move(dir);
  c->build_dir_ = std::move(build_dir);
  c->worker_timeout_ = worker_timeout;
  std::filesystem::create_directories(c->dir_);
  c->secret_file_ = c->dir_ + "/secret";
  {
    std::mt19937_64 rng(std::random_device{}());
    std::ofstream(c->secret_file_) << std::hex << rng() << rng() << "\n";
    std::filesystem::permissions(c->secret_file_, std::filesystem::perms::owner_read |
                                                      std::filesystem::perms::owner_write);
  }
  absl::Status s = c->StartManager(manager_port, /*retry_for=*/absl::ZeroDuration());
  if (!s.ok()) return s;
  for (int i = 0; i < daemons; ++i) {
    absl::StatusOr<int> d = c->AddDaemon(cores_per_daemon);
    if (!d.ok()) return d.status();
  }
  return c;
}

absl::Status LocalCluster::StartManager(int port, absl::Duration retry_for) {
  std::string address_file = dir_ + "/manager.address";
  const absl::Time give_up = absl::Now() + retry_for;
  while (true) {
    std::filesystem::remove(address_file);
    auto child = ChildProcess::Start(
        {build_dir_ + "/bin/centella-cluster-manager", "--host", "127.0.0.1", "--bind",
         "127.0.0.1", "--port", std::to_string(port), "--address-file", address_file,
         "--recovery-dir", dir_ + "/recovery", "--worker-timeout", worker_timeout_,
         "--secret-file", secret_file_, "--ui-port", "0",
         // A restart must come back on its old port, where the daemons look for it, or
         // fail and be retried here; never move on to the next port.
         "--port-max-retries", "0"},
        {},
        manager_incarnations_ == 0 ? dir_ + "/manager.log"
                                   : absl::StrCat(dir_, "/manager-", manager_incarnations_, ".log"));
    ++manager_incarnations_;
    if (!child.ok()) return child.status();
    manager_ = *std::move(child);
    // Up (address file written, its line 1 the gRPC address) or dead (e.g. its port is
    // still taken).
    std::string address;
    WaitUntil(
        [&] {
          absl::StatusOr<ProcessAddresses> written = ReadAddressFile(address_file);
          if (written.ok()) address = written->rpc;
          return written.ok() || !manager_->running();
        },
        absl::Seconds(20), absl::Milliseconds(20));
    if (!address.empty()) {
      manager_address_ = address;
      break;
    }
    const bool exited = !manager_->running();
    if (!exited || absl::Now() >= give_up) {
      return absl::UnavailableError(
          absl::StrCat("cluster manager did not start:\n", manager_->Log()));
    }
    // A fixed port can be briefly held by someone else (on loopback a client retrying a
    // connect to it may be handed that very port as its source); try again.
    old_manager_logs_.push_back(manager_->Log());
    manager_.reset();
    absl::SleepFor(absl::Milliseconds(200));
  }
  std::string port_text = manager_address_.substr(manager_address_.rfind(':') + 1);
  if (!absl::SimpleAtoi(port_text, &manager_port_)) {
    return absl::InternalError("bad manager address " + manager_address_);
  }
  return absl::OkStatus();
}

void LocalCluster::StopManager(int signal) {
  if (manager_ == nullptr) return;
  manager_->Signal(signal);
  manager_->Wait(absl::Seconds(10));
  old_manager_logs_.push_back(manager_->Log());
  manager_.reset();  // SIGTERM, then SIGKILL, should it still run
}

absl::Status LocalCluster::RestartManager() {
  StopManager(SIGKILL);
  return StartManager(manager_port_, /*retry_for=*/absl::Seconds(10));
}

int UnusedPortOutsideEphemeralRange() {
  int low = 32768, high = 60999;
  std::ifstream("/proc/sys/net/ipv4/ip_local_port_range") >> low >> high;
  // Below the ephemeral range when there is room for it, else above.
  const int from = low > 11000 ? 10000 : high + 1;
  const int to = low > 11000 ? low : 65535;
  std::mt19937 rng(std::random_device{}());
  std::uniform_int_distribution<int> pick(from, to - 1);
  for (int attempt = 0; attempt < 100; ++attempt) {
    const int port = pick(rng);
    if (HeldPorts::IsFree(port)) return port;
  }
  return 0;
}

std::string LocalCluster::daemon_work_dir(int i) const {
  return absl::StrCat(dir_, "/daemon", i, "-work");
}

std::vector<LocalCluster::ExecutorProcess> LocalCluster::ExecutorsOfDaemon(int i) {
  std::vector<ExecutorProcess> out;
  if (!daemons_[i]->running()) return out;
  const pid_t daemon_pid = daemons_[i]->pid();
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/proc", ec)) {
    int pid = 0;
    if (!absl::SimpleAtoi(entry.path().filename().string(), &pid)) continue;
    // "pid (comm) state ppid ...": the fields after comm, which may itself hold ')'.
    std::string stat;
    if (!std::getline(std::ifstream(entry.path() / "stat"), stat)) continue;  // gone
    const size_t paren = stat.rfind(')');
    if (paren == std::string::npos) continue;
    std::vector<std::string> fields =
        absl::StrSplit(stat.substr(paren + 1), ' ', absl::SkipEmpty());
    int ppid = 0;
    if (fields.size() < 2 || fields[0] == "Z" || !absl::SimpleAtoi(fields[1], &ppid) ||
        ppid != daemon_pid) {
      continue;
    }
    std::ifstream environ_file(entry.path() / "environ", std::ios::binary);
    std::map<std::string, std::string> env;
    for (std::string kv; std::getline(environ_file, kv, '\0');) {
      const size_t eq = kv.find('=');
      if (eq != std::string::npos) env[kv.substr(0, eq)] = kv.substr(eq + 1);
    }
    if (env["CENTELLA_ROLE"] != "executor") continue;
    out.push_back({static_cast<pid_t>(pid), env["CENTELLA_APP_ID"], env["CENTELLA_EXECUTOR_ID"]});
  }
  return out;
}

absl::StatusOr<v1::ListApplicationsResponse> LocalCluster::ListApplications(
    bool include_completed) {
  absl::StatusOr<SharedSecret> secret = SharedSecret::Load(secret_file_, false, "test");
  if (!secret.ok()) return secret.status();
  auto stub = v1::ClusterManager::NewStub(secret->Connect(manager_address_));
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  v1::ListApplicationsRequest request;
  request.set_include_completed(include_completed);
  v1::ListApplicationsResponse response;
  grpc::Status s = stub->ListApplications(&context, request, &response);
  if (!s.ok()) {
    return absl::UnavailableError(absl::StrCat("ListApplications: ", s.error_message()));
  }
  return response;
}

absl::StatusOr<int> LocalCluster::AddDaemon(int cores, const std::string& memory) {
  int index = static_cast<int>(daemons_.size());
  std::string name = absl::StrCat("daemon", index);
  std::string address_file = absl::StrCat(dir_, "/", name, ".address");
  auto child = ChildProcess::Start(
      {build_dir_ + "/bin/centella-executor", "--cluster-manager", manager_address_, "--cores",
       std::to_string(cores), "--memory", memory, "--host", "127.0.0.1", "--bind", "127.0.0.1",
       "--port", "0", "--work-dir", absl::StrCat(dir_, "/", name, "-work"), "--address-file",
       address_file, "--secret-file", secret_file_, "--ui-port", "0"},
      {}, absl::StrCat(dir_, "/", name, ".log"));
  if (!child.ok()) return child.status();
  daemons_.push_back(*std::move(child));
  absl::StatusOr<ProcessAddresses> addresses = WaitForAddressFile(address_file, absl::Seconds(20));
  if (!addresses.ok()) {
    return absl::UnavailableError(absl::StrCat(name, " did not start:\n", daemons_.back()->Log()));
  }
  daemon_addresses_.push_back(addresses->rpc);
  return index;
}

std::string LocalCluster::SubmitCommand(const std::string& options,
                                        const std::string& program_and_args) const {
  return absl::StrCat(build_dir_, "/bin/centella-submit --master ", master(), " --secret-file ",
                      secret_file_, " --conf centella.driver.host=127.0.0.1 ", options, " ",
                      program_and_args);
}

CommandResult LocalCluster::Submit(const std::string& options,
                                   const std::string& program_and_args) {
  return RunCommand(SubmitCommand(options, program_and_args));
}

absl::StatusOr<std::unique_ptr<ChildProcess>> LocalCluster::SubmitAsync(
    const std::string& options, const std::string& program_and_args, const std::string& log_name) {
  // exec: the child's pid is centella-submit's own.
  return ChildProcess::Start({"/bin/sh", "-c", "exec " + SubmitCommand(options, program_and_args)},
                             {}, dir_ + "/" + log_name);
}

std::string LocalCluster::Logs() const {
  std::string out;
  for (size_t i = 0; i < old_manager_logs_.size(); ++i) {
    out += absl::StrCat("---- manager (incarnation ", i, ", stopped) ----\n", old_manager_logs_[i]);
  }
  out += "---- manager ----\n" + (manager_ ? manager_->Log() : "(not running)\n");
  for (size_t i = 0; i < daemons_.size(); ++i) {
    out += absl::StrCat("---- daemon ", i, " ----\n", daemons_[i]->Log());
  }
  return out;
}

LocalCluster::~LocalCluster() {
  daemons_.clear();
  manager_.reset();
}

}  // namespace centella

#include "executor/daemon/daemon_test_env.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "executor/daemon/binary_cache.h"

namespace centella {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

}  // namespace

DaemonTestEnv::DaemonTestEnv() : secret_(SharedSecret::FromValue("test-secret-1234")) {
  char tmpl[] = "/tmp/centella-daemon-test-XXXXXX";
  root_ = ::mkdtemp(tmpl);
  secret_file_ = root_ + "/secret";
  std::ofstream(secret_file_) << "test-secret-1234\n";
  ::chmod(secret_file_.c_str(), 0600);
  std::string program = ReadFile(CENTELLA_DAEMON_TEST_PROGRAM);
  program_hash_ = BinaryCache::ContentHash(program);
  manager_ = std::make_unique<FakeClusterManager>(secret_);
  manager_->AddBinary(program_hash_, std::move(program));
  absl::Status s = manager_->Start();
  if (!s.ok()) std::abort();
}

DaemonTestEnv::~DaemonTestEnv() {
  daemon_.reset();
  manager_.reset();
  std::error_code ec;
  std::filesystem::remove_all(root_, ec);
}

absl::Status DaemonTestEnv::StartDaemon() {
  DaemonOptions options;
  options.cluster_manager = manager_->address();
  options.bind = "127.0.0.1";
  options.port = 0;
  options.work_dir = root_ + "/work";
  options.secret_file = secret_file_;
  options.cores = 4;
  options.memory_bytes = int64_t{8} << 30;
  options.heartbeat_interval = absl::Milliseconds(100);
  options.default_kill_grace = absl::Milliseconds(500);
  absl::StatusOr<std::unique_ptr<Daemon>> daemon = Daemon::Start(options);
  if (!daemon.ok()) return daemon.status();
  daemon_ = std::move(daemon).value();
  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  while (daemon_->manager_incarnation().empty()) {
    if (absl::Now() > deadline) return absl::DeadlineExceededError("daemon did not register");
    absl::SleepFor(absl::Milliseconds(5));
  }
  return absl::OkStatus();
}

std::unique_ptr<v1::ExecutorDaemon::Stub> DaemonTestEnv::DaemonStub() const {
  return v1::ExecutorDaemon::NewStub(secret_.Connect(daemon_->address()));
}

std::unique_ptr<v1::ShuffleService::Stub> DaemonTestEnv::ShuffleStub() const {
  return v1::ShuffleService::NewStub(secret_.Connect(daemon_->address()));
}

v1::LaunchExecutorRequest DaemonTestEnv::LaunchRequest(const std::string& app_id,
                                                       const std::string& executor_id) const {
  v1::LaunchExecutorRequest request;
  request.set_manager_incarnation(manager_->incarnation());
  request.set_app_id(app_id);
  request.set_app_name("test-app");
  request.set_executor_id(executor_id);
  request.set_binary_hash(program_hash_);
  request.mutable_resources()->set_cores(2);
  request.mutable_resources()->set_memory_bytes(int64_t{1} << 30);
  request.set_driver_address("127.0.0.1:4040");
  (*request.mutable_conf())["centella.test.key"] = "a value\nwith a newline";
  (*request.mutable_env())["TEST_EXTRA"] = "extra";
  return request;
}

absl::StatusOr<std::map<std::string, std::string>> DaemonTestEnv::ReadEnvironment(
    const std::string& app_id, const std::string& executor_id, absl::Duration timeout) const {
  const std::string path =
      absl::StrCat(daemon_->work_dir(), "/apps/", app_id, "/", executor_id, "/environment");
  const absl::Time deadline = absl::Now() + timeout;
  while (::access(path.c_str(), R_OK) != 0) {
    if (absl::Now() > deadline) return absl::DeadlineExceededError(path + " never appeared");
    absl::SleepFor(absl::Milliseconds(5));
  }
  std::map<std::string, std::string> env;
  for (absl::string_view line : absl::StrSplit(ReadFile(path), '\n')) {
    size_t eq = line.find('=');
    if (eq == absl::string_view::npos) continue;
    env[std::string(line.substr(0, eq))] = std::string(line.substr(eq + 1));
  }
  return env;
}

std::vector<int> DaemonTestEnv::Launches(const std::string& app_id,
                                         const std::string& executor_id) const {
  std::vector<int> pids;
  std::string text =
      ReadFile(absl::StrCat(daemon_->work_dir(), "/apps/", app_id, "/", executor_id, "/launches"));
  for (absl::string_view line : absl::StrSplit(text, '\n', absl::SkipEmpty())) {
    pids.push_back(std::atoi(std::string(line).c_str()));
  }
  return pids;
}

}  // namespace centella

#include "tests/cluster/local_cluster.h"

#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace centella {

CommandResult RunCommand(const std::string& command) {
  CommandResult r;
  FILE* p = ::popen((command + " 2>&1").c_str(), "r");
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof(buf), p)) > 0) r.output.append(buf, n);
  int status = ::pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return r;
}

absl::StatusOr<std::unique_ptr<LocalCluster>> LocalCluster::Start(std::string dir,
                                                                  std::string build_dir,
                                                                  int daemons,
                                                                  int cores_per_daemon,
                                                                  const std::string& worker_timeout) {
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
  absl::Status s = c->StartManager(0);
  if (!s.ok()) return s;
  for (int i = 0; i < daemons; ++i) {
    absl::StatusOr<int> d = c->AddDaemon(cores_per_daemon);
    if (!d.ok()) return d.status();
  }
  return c;
}

absl::Status LocalCluster::StartManager(int port) {
  std::string address_file = dir_ + "/manager.address";
  std::filesystem::remove(address_file);
  auto child = ChildProcess::Start(
      {build_dir_ + "/bin/centella-cluster-manager", "--host", "127.0.0.1", "--bind",
       "127.0.0.1", "--port", std::to_string(port), "--address-file", address_file,
       "--recovery-dir", dir_ + "/recovery", "--worker-timeout", worker_timeout_,
       "--secret-file", secret_file_},
      {}, dir_ + "/manager.log");
  if (!child.ok()) return child.status();
  manager_ = *std::move(child);
  absl::StatusOr<std::string> address = WaitForAddressFile(address_file, absl::Seconds(20));
  if (!address.ok()) {
    return absl::UnavailableError(absl::StrCat("cluster manager did not start:\n", manager_->Log()));
  }
  manager_address_ = *address;
  std::string port_text = manager_address_.substr(manager_address_.rfind(':') + 1);
  if (!absl::SimpleAtoi(port_text, &manager_port_)) {
    return absl::InternalError("bad manager address " + manager_address_);
  }
  return absl::OkStatus();
}

absl::Status LocalCluster::RestartManager() {
  manager_.reset();  // SIGTERM, then SIGKILL
  return StartManager(manager_port_);
}

absl::StatusOr<int> LocalCluster::AddDaemon(int cores, const std::string& memory) {
  int index = static_cast<int>(daemons_.size());
  std::string name = absl::StrCat("daemon", index);
  std::string address_file = absl::StrCat(dir_, "/", name, ".address");
  auto child = ChildProcess::Start(
      {build_dir_ + "/bin/centella-executor", "--cluster-manager", manager_address_, "--cores",
       std::to_string(cores), "--memory", memory, "--host", "127.0.0.1", "--bind", "127.0.0.1",
       "--port", "0", "--work-dir", absl::StrCat(dir_, "/", name, "-work"), "--address-file",
       address_file, "--secret-file", secret_file_},
      {}, absl::StrCat(dir_, "/", name, ".log"));
  if (!child.ok()) return child.status();
  daemons_.push_back(*std::move(child));
  if (!WaitForAddressFile(address_file, absl::Seconds(20)).ok()) {
    return absl::UnavailableError(absl::StrCat(name, " did not start:\n", daemons_.back()->Log()));
  }
  return index;
}

CommandResult LocalCluster::Submit(const std::string& options,
                                   const std::string& program_and_args) {
  return RunCommand(absl::StrCat(build_dir_, "/bin/centella-submit --master ", master(),
                                 " --secret-file ", secret_file_,
                                 " --conf centella.driver.host=127.0.0.1 ", options, " ",
                                 program_and_args));
}

std::string LocalCluster::Logs() const {
  std::string out = "---- manager ----\n" + (manager_ ? manager_->Log() : "");
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

#include "executor/daemon/child_reaper.h"

#include <poll.h>
#include <pthread.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/logging/logger.h"

namespace centella {

std::string ProcessExit::Describe() const {
  if (exit_code.has_value()) return absl::StrCat("exit code ", *exit_code);
  if (signal.has_value()) return absl::StrCat("signal ", *signal, " (", strsignal(*signal), ")");
  return "unknown exit";
}

ChildReaper::ChildReaper() {
  wake_fd_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (wake_fd_ < 0) {
    GetLogger("executor-daemon")->critical("cannot create an eventfd: {}", std::strerror(errno));
    std::abort();
  }
  thread_ = std::thread([this] { Run(); });
  pthread_setname_np(thread_.native_handle(), "child-reaper");
}

ChildReaper::~ChildReaper() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  uint64_t one = 1;
  ssize_t ignored = ::write(wake_fd_, &one, sizeof(one));
  (void)ignored;
  thread_.join();
  absl::MutexLock lock(&mu_);
  for (auto& [fd, watched] : by_pidfd_) ::close(fd);
  ::close(wake_fd_);
}

absl::Status ChildReaper::Watch(pid_t pid, ExitCallback on_exit) {
  // Through syscall(): glibc 2.36's <sys/pidfd.h> lacks extern "C", so its wrapper cannot
  // be linked from C++.
  int fd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
  if (fd < 0) {
    return absl::InternalError(absl::StrCat("pidfd_open(", pid, "): ", std::strerror(errno)));
  }
  {
    absl::MutexLock lock(&mu_);
    by_pidfd_.emplace(fd, Watched{pid, std::move(on_exit)});
  }
  uint64_t one = 1;
  ssize_t ignored = ::write(wake_fd_, &one, sizeof(one));
  (void)ignored;
  return absl::OkStatus();
}

void ChildReaper::Run() {
  std::vector<pollfd> fds;
  while (true) {
    fds.clear();
    fds.push_back({wake_fd_, POLLIN, 0});
    {
      absl::MutexLock lock(&mu_);
      if (stopping_) return;
      for (const auto& [fd, watched] : by_pidfd_) fds.push_back({fd, POLLIN, 0});
    }
    int n = ::poll(fds.data(), fds.size(), -1);
    if (n < 0) {
      if (errno == EINTR) continue;
      GetLogger("executor-daemon")->error("child reaper poll failed: {}", std::strerror(errno));
      continue;
    }
    if (fds[0].revents != 0) {
      uint64_t count;
      ssize_t ignored = ::read(wake_fd_, &count, sizeof(count));
      (void)ignored;
    }
    for (size_t i = 1; i < fds.size(); ++i) {
      if (fds[i].revents == 0) continue;
      Watched watched;
      {
        absl::MutexLock lock(&mu_);
        auto it = by_pidfd_.find(fds[i].fd);
        if (it == by_pidfd_.end()) continue;
        watched = std::move(it->second);
        by_pidfd_.erase(it);
      }
      ::close(fds[i].fd);
      int status = 0;
      pid_t got;
      do {
        got = ::waitpid(watched.pid, &status, 0);
      } while (got < 0 && errno == EINTR);
      ProcessExit exit;
      exit.pid = watched.pid;
      if (got == watched.pid && WIFEXITED(status)) {
        exit.exit_code = WEXITSTATUS(status);
      } else if (got == watched.pid && WIFSIGNALED(status)) {
        exit.signal = WTERMSIG(status);
      } else {
        // Someone else reaped it (waitpid(-1) elsewhere in the process): the exit status
        // is lost, but the exit itself is certain.
        GetLogger("executor-daemon")
            ->warn("child {} was reaped elsewhere; exit status unknown", watched.pid);
        exit.exit_code = -1;
      }
      watched.on_exit(exit);
    }
  }
}

}  // namespace centella

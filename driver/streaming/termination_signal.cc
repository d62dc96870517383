#include "driver/streaming/termination_signal.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace centella {
namespace {

// The pipe the handler writes to; -1 while no TerminationSignal is installed.
std::atomic<int> pipe_write{-1};
int pipe_read = -1;
struct sigaction previous_term, previous_int;

void OnSignal(int signo) {
  const int fd = pipe_write.load();
  if (fd < 0) return;
  const unsigned char byte = static_cast<unsigned char>(signo);
  const int saved = errno;  // a handler must leave errno as it found it
  [[maybe_unused]] ssize_t n = ::write(fd, &byte, 1);
  errno = saved;
}

}  // namespace

absl::StatusOr<std::unique_ptr<TerminationSignal>> TerminationSignal::Install(
    std::function<void(int)> on_signal) {
  if (pipe_write.load() >= 0) {
    return absl::FailedPreconditionError(
        "SIGTERM is already handled by another streaming context in this process");
  }
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    return absl::InternalError(absl::StrCat("cannot make a pipe: ", std::strerror(errno)));
  }
  pipe_read = fds[0];
  pipe_write = fds[1];
  struct sigaction action {};
  action.sa_handler = &OnSignal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;
  ::sigaction(SIGTERM, &action, &previous_term);
  ::sigaction(SIGINT, &action, &previous_int);
  std::unique_ptr<TerminationSignal> installed(new TerminationSignal());
  installed->on_signal_ = std::move(on_signal);
  installed->watcher_ = std::thread([fd = fds[0], fn = installed->on_signal_] {
    unsigned char byte;
    while (true) {
      const ssize_t n = ::read(fd, &byte, 1);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0 || byte == 0) return;  // 0: the destructor's wake-up
      fn(byte);
    }
  });
  return installed;
}

TerminationSignal::~TerminationSignal() {
  ::sigaction(SIGTERM, &previous_term, nullptr);
  ::sigaction(SIGINT, &previous_int, nullptr);
  const int fd = pipe_write.exchange(-1);
  const unsigned char stop = 0;
  [[maybe_unused]] ssize_t n = ::write(fd, &stop, 1);
  if (watcher_.joinable()) watcher_.join();
  ::close(fd);
  ::close(pipe_read);
  pipe_read = -1;
}

}  // namespace centella

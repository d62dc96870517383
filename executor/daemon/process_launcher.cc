#include "executor/daemon/process_launcher.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace centella {
namespace {

// Closes a descriptor when it goes out of scope (parent side only).
class ScopedFd {
 public:
  explicit ScopedFd(int fd = -1) : fd_(fd) {}
  ~ScopedFd() { Reset(); }
  ScopedFd(const ScopedFd&) = delete;
  ScopedFd& operator=(const ScopedFd&) = delete;
  int get() const { return fd_; }
  void Reset() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_;
};

// What the child reports through the pipe when a step before exec fails.
struct ChildFailure {
  int step;  // index into kSteps
  int err;   // errno
};
constexpr const char* kSteps[] = {"setpgid", "dup2", "chdir", "setrlimit", "exec"};

[[noreturn]] void ChildFail(int pipe_fd, int step) {
  ChildFailure failure{step, errno};
  // Async-signal-safe: write and _exit only.
  ssize_t ignored = ::write(pipe_fd, &failure, sizeof(failure));
  (void)ignored;
  ::_exit(127);
}

}  // namespace

int64_t AddressSpaceLimitFor(int64_t memory_bytes) {
  if (memory_bytes <= 0) return 0;
  return memory_bytes + std::max<int64_t>(int64_t{1} << 30, memory_bytes / 4);
}

absl::StatusOr<pid_t> SpawnProcess(const ProcessSpec& spec) {
  // --- everything that allocates happens here, before fork ---
  std::vector<std::string> argv_storage = spec.argv;
  if (argv_storage.empty()) argv_storage.push_back(spec.executable);
  std::vector<char*> argv;
  for (std::string& a : argv_storage) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::vector<std::string> env_storage = spec.env;
  std::vector<char*> envp;
  for (std::string& e : env_storage) envp.push_back(e.data());
  envp.push_back(nullptr);

  const int out_flags = O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC;
  ScopedFd out(::open(spec.stdout_path.c_str(), out_flags, 0644));
  if (out.get() < 0) {
    return absl::InternalError(
        absl::StrCat("cannot open ", spec.stdout_path, ": ", std::strerror(errno)));
  }
  ScopedFd err(::open(spec.stderr_path.c_str(), out_flags, 0644));
  if (err.get() < 0) {
    return absl::InternalError(
        absl::StrCat("cannot open ", spec.stderr_path, ": ", std::strerror(errno)));
  }
  ScopedFd in(::open("/dev/null", O_RDONLY | O_CLOEXEC));
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) {
    return absl::InternalError(absl::StrCat("cannot create a pipe: ", std::strerror(errno)));
  }
  ScopedFd pipe_read(pipe_fds[0]);
  ScopedFd pipe_write(pipe_fds[1]);
  struct rlimit limit;
  limit.rlim_cur = limit.rlim_max = static_cast<rlim_t>(spec.memory_limit_bytes);
  sigset_t empty_mask;
  sigemptyset(&empty_mask);
  struct sigaction default_action;
  std::memset(&default_action, 0, sizeof(default_action));
  default_action.sa_handler = SIG_DFL;
  const char* executable = spec.executable.c_str();
  const char* working_dir = spec.working_dir.c_str();

  pid_t pid = ::fork();
  if (pid < 0) return absl::ResourceExhaustedError(absl::StrCat("fork: ", std::strerror(errno)));
  if (pid == 0) {
    // --- child: async-signal-safe calls only ---
    const int fail_fd = pipe_write.get();
    if (::setpgid(0, 0) != 0) ChildFail(fail_fd, 0);
    // Ignored signals and the blocked mask survive exec; the daemon's (SIGPIPE ignored
    // by gRPC, masks of the forking thread) must not leak into the executor.
    ::sigaction(SIGPIPE, &default_action, nullptr);
    ::sigprocmask(SIG_SETMASK, &empty_mask, nullptr);
    if ((in.get() >= 0 && ::dup2(in.get(), STDIN_FILENO) < 0) ||
        ::dup2(out.get(), STDOUT_FILENO) < 0 || ::dup2(err.get(), STDERR_FILENO) < 0) {
      ChildFail(fail_fd, 1);
    }
    // Descriptors the daemon opened without O_CLOEXEC (third-party code) must not leak
    // into the child; the failure pipe is already close-on-exec.
    ::close_range(3, ~0U, CLOSE_RANGE_CLOEXEC);
    if (::chdir(working_dir) != 0) ChildFail(fail_fd, 2);
    if (limit.rlim_cur > 0 && ::setrlimit(RLIMIT_AS, &limit) != 0) ChildFail(fail_fd, 3);
    ::execve(executable, argv.data(), envp.data());
    ChildFail(fail_fd, 4);
  }

  // --- parent ---
  // Also set the group from the parent, so a kill sent right after we return cannot
  // race with the child's own setpgid (EACCES after exec is harmless).
  ::setpgid(pid, pid);
  pipe_write.Reset();
  ChildFailure failure;
  ssize_t n;
  do {
    n = ::read(pipe_read.get(), &failure, sizeof(failure));
  } while (n < 0 && errno == EINTR);
  if (n == static_cast<ssize_t>(sizeof(failure))) {
    // The child has exited (127) or is about to; nobody else knows its pid, so reap it.
    while (::waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
    }
    return absl::FailedPreconditionError(absl::StrCat("cannot start ", spec.executable, ": ",
                                                      kSteps[failure.step],
                                                      " failed: ", std::strerror(failure.err)));
  }
  return pid;
}

bool SignalProcessGroup(pid_t pid, int signal) {
  if (pid <= 0) return false;
  // SpawnProcess made the group before returning the pid, so it exists while the leader
  // (or any process it started) lives.
  return ::kill(-pid, signal) == 0;
}

}  // namespace centella

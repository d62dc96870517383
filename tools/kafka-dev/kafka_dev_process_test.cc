// Runs the real centella-kafka-dev binary and talks to it with kcat, the way a developer
// or an end-to-end test would. Every wait is bounded; a failing test kills what it started.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr char kBinary[] = CENTELLA_KAFKA_DEV_BINARY;

// The absolute path of `program` on $PATH, or "" (resolved before fork: execv in the child
// then needs no allocation).
std::string FindInPath(const std::string& program) {
  const char* path = std::getenv("PATH");
  for (absl::string_view dir : absl::StrSplit(path ? path : "/usr/bin:/bin", ':')) {
    const std::string candidate =
        absl::StrCat(dir.empty() ? absl::string_view(".") : dir, "/", program);
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return "";
}

std::vector<char*> ArgvOf(std::vector<std::string>& args) {
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  return argv;
}

// A child process that is killed and reaped when the test ends, however it ends.
class Child {
 public:
  // Starts `args` (args[0] an absolute path) with stdin from /dev/null and stdout/stderr
  // on the given descriptors (-1: inherit). The descriptors are the child's; the caller
  // closes its copies.
  explicit Child(std::vector<std::string> args, int stdin_fd = -1, int stdout_fd = -1,
                 int stderr_fd = -1) {
    std::vector<char*> argv = ArgvOf(args);
    const int dev_null = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    pid_ = ::fork();
    if (pid_ == 0) {
      ::dup2(stdin_fd >= 0 ? stdin_fd : dev_null, 0);
      if (stdout_fd >= 0) ::dup2(stdout_fd, 1);
      if (stderr_fd >= 0) ::dup2(stderr_fd, 2);
      ::execv(argv[0], argv.data());
      _exit(127);
    }
    ::close(dev_null);
  }
  ~Child() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  pid_t pid() const { return pid_; }

  // The wait status once the child has exited (reaping it), or nullopt if it is still
  // running after `timeout`.
  std::optional<int> WaitFor(milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    while (true) {
      int status = 0;
      const pid_t r = ::waitpid(pid_, &status, WNOHANG);
      if (r == pid_) {
        pid_ = -1;
        return status;
      }
      if (r < 0 || Clock::now() >= deadline) return std::nullopt;
      std::this_thread::sleep_for(milliseconds(10));
    }
  }

  // Kills the child if it outlives `timeout`; returns its wait status and whether it
  // was killed.
  std::pair<int, bool> WaitOrKill(milliseconds timeout) {
    if (std::optional<int> status = WaitFor(timeout)) return {*status, false};
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    return {status, true};
  }

 private:
  pid_t pid_ = -1;
};

struct CommandResult {
  bool timed_out = false;
  int status = 0;  // wait status
  std::string out;
  std::string err;

  int exit_code() const { return WIFEXITED(status) ? WEXITSTATUS(status) : -1; }
};

// Runs `args` with `input` on stdin, collecting stdout and stderr; kills it after `timeout`.
CommandResult RunCommand(std::vector<std::string> args, const std::string& input,
                         milliseconds timeout) {
  int in[2], out[2], err[2];
  if (::pipe2(in, O_CLOEXEC) != 0 || ::pipe2(out, O_CLOEXEC) != 0 || ::pipe2(err, O_CLOEXEC) != 0) {
    ADD_FAILURE() << "pipe2: " << std::strerror(errno);
    return {};
  }
  Child child(std::move(args), in[0], out[1], err[1]);
  ::close(in[0]);
  ::close(out[1]);
  ::close(err[1]);
  ::fcntl(in[1], F_SETFL, O_NONBLOCK);
  int in_fd = in[1];
  size_t written = 0;
  if (input.empty()) {
    ::close(in_fd);
    in_fd = -1;
  }
  CommandResult result;
  int out_fd = out[0], err_fd = err[0];
  const auto deadline = Clock::now() + timeout;
  while (out_fd >= 0 || err_fd >= 0) {
    const auto left = std::chrono::duration_cast<milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) {
      result.timed_out = true;
      break;
    }
    pollfd fds[3];
    int n = 0;
    for (int fd : {in_fd, out_fd, err_fd}) {
      if (fd >= 0) fds[n++] = pollfd{fd, static_cast<short>(fd == in_fd ? POLLOUT : POLLIN), 0};
    }
    if (::poll(fds, n, static_cast<int>(left)) < 0 && errno != EINTR) break;
    for (int i = 0; i < n; ++i) {
      if (fds[i].revents == 0) continue;
      if (fds[i].fd == in_fd) {
        const ssize_t w = ::write(in_fd, input.data() + written, input.size() - written);
        if (w > 0) written += static_cast<size_t>(w);
        if (w < 0 && errno != EAGAIN && errno != EINTR) written = input.size();  // reader gone
        if (written == input.size()) {
          ::close(in_fd);
          in_fd = -1;
        }
        continue;
      }
      char buf[65536];
      const ssize_t r = ::read(fds[i].fd, buf, sizeof(buf));
      if (r > 0) {
        (fds[i].fd == out_fd ? result.out : result.err).append(buf, static_cast<size_t>(r));
      } else if (r == 0 || (errno != EAGAIN && errno != EINTR)) {
        ::close(fds[i].fd);
        (fds[i].fd == out_fd ? out_fd : err_fd) = -1;
      }
    }
  }
  for (int fd : {in_fd, out_fd, err_fd}) {
    if (fd >= 0) ::close(fd);
  }
  const auto left = std::max<int64_t>(
      0, std::chrono::duration_cast<milliseconds>(deadline - Clock::now()).count());
  auto [status, killed] = child.WaitOrKill(milliseconds(left));
  result.status = status;
  result.timed_out = result.timed_out || killed;
  return result;
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// One line from `fd` (without the newline), or nullopt after `timeout` or at end of file.
std::optional<std::string> ReadLine(int fd, milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  std::string line;
  while (true) {
    const auto left = std::chrono::duration_cast<milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) return std::nullopt;
    pollfd pfd{fd, POLLIN, 0};
    if (::poll(&pfd, 1, static_cast<int>(left)) <= 0) continue;
    char c;
    const ssize_t r = ::read(fd, &c, 1);
    if (r == 0) return std::nullopt;
    if (r < 0) {
      if (errno == EINTR) continue;
      return std::nullopt;
    }
    if (c == '\n') return line;
    line.push_back(c);
  }
}

class KafkaDevProcessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(::testing::TempDir()) /
           absl::StrCat("kafka_dev_process_test.", ::getpid(), ".",
                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    kcat_ = FindInPath("kcat");
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Starts centella-kafka-dev with `flags`, its stdout on a pipe (stdout_) and its stderr
  // (the log) on the test's.
  std::unique_ptr<Child> StartKafkaDev(const std::vector<std::string>& flags) {
    int out[2];
    EXPECT_EQ(::pipe2(out, O_CLOEXEC), 0);
    std::vector<std::string> args = {kBinary};
    args.insert(args.end(), flags.begin(), flags.end());
    auto child = std::make_unique<Child>(args, -1, out[1]);
    ::close(out[1]);
    stdout_ = out[0];
    return child;
  }
  ~KafkaDevProcessTest() override {
    if (stdout_ >= 0) ::close(stdout_);
  }

  // Waits for a complete bootstrap file while the process runs; "" on timeout or exit.
  std::string WaitForBootstrapFile(const fs::path& path, Child& child, milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    while (Clock::now() < deadline) {
      if (fs::exists(path)) return ReadFile(path);
      if (std::optional<int> status = child.WaitFor(milliseconds(0))) {
        ADD_FAILURE() << "centella-kafka-dev exited with wait status " << *status
                      << " before writing " << path;
        return "";
      }
      std::this_thread::sleep_for(milliseconds(20));
    }
    ADD_FAILURE() << "no " << path << " after " << timeout.count() << " ms";
    return "";
  }

  CommandResult Kcat(std::vector<std::string> args, const std::string& input = "") {
    args.insert(args.begin(), kcat_);
    return RunCommand(std::move(args), input, seconds(60));
  }

  // Sends SIGTERM or SIGINT and expects exit 0 within 5 s, reaped, no zombie left.
  void ExpectStopsCleanly(std::unique_ptr<Child>& child, int signal_number) {
    const pid_t pid = child->pid();
    ASSERT_EQ(::kill(pid, signal_number), 0);
    std::optional<int> status = child->WaitFor(seconds(5));
    ASSERT_TRUE(status.has_value()) << "still running 5 s after " << strsignal(signal_number);
    EXPECT_TRUE(WIFEXITED(*status)) << "wait status " << *status;
    EXPECT_EQ(WEXITSTATUS(*status), 0);
    // Reaped: neither a child of ours any more nor a process at all (no zombie).
    EXPECT_EQ(::waitpid(pid, nullptr, WNOHANG), -1);
    EXPECT_EQ(errno, ECHILD);
    EXPECT_FALSE(fs::exists(fs::path("/proc") / std::to_string(pid)));
    child.reset();
  }

  fs::path dir_;
  std::string kcat_;
  int stdout_ = -1;
};

TEST_F(KafkaDevProcessTest, ServesProduceConsumeAndMetadataUntilSigterm) {
  ASSERT_FALSE(kcat_.empty()) << "kcat is not installed (./dev setup installs it)";
  const fs::path bootstrap_file = dir_ / "kafka.bootstrap";
  std::unique_ptr<Child> kafka =
      StartKafkaDev({"--topic", "events:3", "--topic", "audit:1", "--brokers", "3",
                     "--bootstrap-file", bootstrap_file.string()});
  const std::string file_text = WaitForBootstrapFile(bootstrap_file, *kafka, seconds(20));
  ASSERT_FALSE(file_text.empty());
  ASSERT_EQ(file_text.back(), '\n') << file_text;
  const std::string bootstrap = file_text.substr(0, file_text.size() - 1);
  EXPECT_THAT(bootstrap,
              testing::MatchesRegex("127\\.0\\.0\\.1:[0-9]+(,127\\.0\\.0\\.1:[0-9]+){2}"));
  EXPECT_FALSE(fs::exists(bootstrap_file.string() + ".tmp"));
  EXPECT_EQ(ReadLine(stdout_, seconds(5)), bootstrap) << "stdout must be the bootstrap line";

  // Metadata: both topics with their partition counts, on three brokers.
  CommandResult metadata = Kcat({"-L", "-b", bootstrap});
  ASSERT_FALSE(metadata.timed_out) << metadata.err;
  ASSERT_EQ(metadata.exit_code(), 0) << metadata.err;
  EXPECT_THAT(metadata.out, HasSubstr(" 3 brokers:")) << metadata.out;
  EXPECT_THAT(metadata.out, HasSubstr("topic \"events\" with 3 partitions:")) << metadata.out;
  EXPECT_THAT(metadata.out, HasSubstr("topic \"audit\" with 1 partitions:")) << metadata.out;

  // 1000 keyed messages, spread over the partitions by the keys' hashes.
  constexpr int kMessages = 1000;
  std::string input;
  for (int i = 0; i < kMessages; ++i) absl::StrAppend(&input, "key-", i, ":message-", i, "\n");
  CommandResult produce = Kcat({"-P", "-b", bootstrap, "-t", "events", "-K", ":"}, input);
  ASSERT_FALSE(produce.timed_out) << produce.err;
  ASSERT_EQ(produce.exit_code(), 0) << produce.err;

  CommandResult consume = Kcat(
      {"-C", "-b", bootstrap, "-t", "events", "-o", "beginning", "-e", "-q", "-f", "%p|%k|%s\\n"});
  ASSERT_FALSE(consume.timed_out) << consume.err;
  ASSERT_EQ(consume.exit_code(), 0) << consume.err;
  std::map<std::string, int> seen;  // message -> times received
  std::set<std::string> partitions;
  for (absl::string_view line : absl::StrSplit(consume.out, '\n', absl::SkipEmpty())) {
    std::vector<std::string> fields = absl::StrSplit(line, '|');
    ASSERT_EQ(fields.size(), 3u) << line;
    partitions.insert(fields[0]);
    EXPECT_EQ(fields[1].substr(4), fields[2].substr(8)) << "key and message differ: " << line;
    ++seen[fields[2]];
  }
  EXPECT_EQ(partitions, (std::set<std::string>{"0", "1", "2"}));
  int missing = 0, duplicated = 0;
  for (int i = 0; i < kMessages; ++i) {
    auto it = seen.find(absl::StrCat("message-", i));
    if (it == seen.end()) {
      ++missing;
    } else if (it->second != 1) {
      ++duplicated;
    }
  }
  EXPECT_EQ(missing, 0);
  EXPECT_EQ(duplicated, 0);
  EXPECT_EQ(seen.size(), static_cast<size_t>(kMessages)) << "unexpected messages";

  ExpectStopsCleanly(kafka, SIGTERM);
  EXPECT_EQ(ReadFile(bootstrap_file), file_text) << "the bootstrap file stays";
}

TEST_F(KafkaDevProcessTest, PrintsTheBootstrapWithoutAFileAndStopsOnSigint) {
  std::unique_ptr<Child> kafka = StartKafkaDev({"--topic", "t:1"});
  std::optional<std::string> line = ReadLine(stdout_, seconds(20));
  ASSERT_TRUE(line.has_value()) << "no bootstrap line on stdout";
  EXPECT_THAT(*line, testing::MatchesRegex("127\\.0\\.0\\.1:[0-9]+"));
  ExpectStopsCleanly(kafka, SIGINT);
}

struct BadArguments {
  std::vector<std::string> flags;
  std::string message;  // expected on stderr
};

TEST_F(KafkaDevProcessTest, BadArgumentsExitTwoWithAMessage) {
  const std::string unwritable = (dir_ / "missing-dir" / "kafka.bootstrap").string();
  const std::vector<BadArguments> cases = {
      {{"--topic", "events"}, "topic 'events' has no partition count: expected NAME:PARTITIONS"},
      {{"--topic", "events:x"}, "topic 'events:x': partition count 'x' is not a number"},
      {{"--topic", "events:0"}, "topic 'events:0' has 0 partitions: must be at least 1"},
      {{"--topic", "a:1", "--topic", "b:2", "--topic", "a:3"}, "topic 'a' is given more than once"},
      {{"--brokers", "0", "--topic", "a:1"}, "--brokers: Value 0 not in range 1 to 64"},
      {{"--brokers", "two", "--topic", "a:1"}, "--brokers: Value two not in range 1 to 64"},
      {{"--topic", "a:1", "--bootstrap-file", unwritable},
       "cannot write bootstrap file " + unwritable + ".tmp: No such file or directory"},
      {{}, "--topic is required"},
      {{"--topic", "a:1", "--no-such-flag"}, "not expected: --no-such-flag"},
  };
  for (const BadArguments& c : cases) {
    std::vector<std::string> args = {kBinary};
    args.insert(args.end(), c.flags.begin(), c.flags.end());
    const std::string shown = absl::StrJoin(c.flags, " ");
    CommandResult result = RunCommand(args, "", seconds(20));
    ASSERT_FALSE(result.timed_out) << shown;
    EXPECT_EQ(result.exit_code(), 2) << shown << "\nstderr: " << result.err;
    EXPECT_THAT(result.err, HasSubstr("centella-kafka-dev: ")) << shown;
    EXPECT_THAT(result.err, HasSubstr(c.message)) << shown;
    EXPECT_EQ(result.out, "") << shown;
  }
}

}  // namespace

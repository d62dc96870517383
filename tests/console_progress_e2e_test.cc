// End to end: a real job draws its progress bar when stderr is a terminal (a pseudo-
// terminal here), fits the terminal's width and clears it at the end; with stderr on a
// pipe, or with centella.ui.showConsoleProgress=false, it draws nothing.
#include <pty.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "gtest/gtest.h"

namespace {

namespace fs = std::filesystem;

struct RunResult {
  int exit_code;
  std::string output;
};

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v == nullptr ? "" : v;
}

// Runs `argv` with stdin, stdout and stderr on a new pseudo-terminal `columns` wide, and
// returns all it wrote there.
RunResult RunOnTerminal(const std::vector<std::string>& argv, int columns) {
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  struct winsize size {};
  size.ws_col = static_cast<unsigned short>(columns);
  size.ws_row = 24;
  int master = -1;
  pid_t pid = ::forkpty(&master, nullptr, nullptr, &size);
  if (pid < 0) return {-1, std::string("forkpty: ") + std::strerror(errno)};
  if (pid == 0) {
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  RunResult r{-1, ""};
  char buf[4096];
  while (true) {
    ssize_t n = ::read(master, buf, sizeof(buf));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;  // EIO once the child side is closed
    r.output.append(buf, static_cast<size_t>(n));
  }
  ::close(master);
  int status = 0;
  ::waitpid(pid, &status, 0);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128;
  return r;
}

RunResult RunOnPipe(const std::string& command) {
  RunResult r{-1, ""};
  FILE* p = ::popen((command + " 2>&1").c_str(), "r");
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof(buf), p)) > 0) r.output.append(buf, n);
  int status = ::pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128;
  return r;
}

class ConsoleProgressE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string build = Env("CENTELLA_BUILD_DIR");
    ASSERT_FALSE(build.empty()) << "CENTELLA_BUILD_DIR not set (run through ctest)";
    submit_ = build + "/bin/centella-submit";
    job_ = build + "/examples/slow_job";
    dir_ = fs::path(::testing::TempDir()) / ("progress-e2e-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    // Only the bar on the terminal, no log lines.
    ::setenv("CENTELLA_LOG_LEVEL", "warn", 1);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // slow_job with 4 map and 4 reduce tasks of 600 ms on 2 threads: two stages of about
  // 1.2 s each, longer than the bar's 500 ms first delay.
  std::vector<std::string> SlowJob(const std::string& out, bool show = true) {
    std::vector<std::string> argv = {submit_, "--master", "local[2]"};
    if (!show) {
      argv.push_back("--conf");
      argv.push_back("centella.ui.showConsoleProgress=false");
    }
    for (const char* a : {job_.c_str(), "4", "600"}) argv.push_back(a);
    argv.push_back((dir_ / out).string());
    return argv;
  }

  std::string submit_, job_;
  fs::path dir_;
};

TEST_F(ConsoleProgressE2eTest, ATerminalSeesTheBarAtItsWidthThenACleanLine) {
  const int columns = 100;
  RunResult r = RunOnTerminal(SlowJob("out-tty"), columns);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(fs::exists(dir_ / "out-tty" / "_SUCCESS"));
  // Everything between carriage returns: the bars drawn, and the clears.
  std::vector<std::string> pieces = absl::StrSplit(r.output, '\r', absl::SkipEmpty());
  std::vector<std::string> bars;
  for (const std::string& p : pieces) {
    if (p.starts_with("[Stage ")) bars.push_back(p);
  }
  ASSERT_FALSE(bars.empty()) << r.output;
  bool saw_first_stage = false;
  for (const std::string& bar : bars) {
    EXPECT_EQ(bar.size(), static_cast<size_t>(columns)) << bar;
    EXPECT_TRUE(bar.ends_with(") / 4]")) << bar;
    saw_first_stage = saw_first_stage || bar.starts_with("[Stage 0:");
  }
  EXPECT_TRUE(saw_first_stage) << r.output;
  // The last thing on the terminal is a cleared line.
  ASSERT_FALSE(pieces.empty());
  EXPECT_EQ(pieces.back(), std::string(columns, ' ')) << r.output;
}

TEST_F(ConsoleProgressE2eTest, NoBarWhenTurnedOffOrWhenStderrIsNotATerminal) {
  RunResult off = RunOnTerminal(SlowJob("out-off", /*show=*/false), 100);
  ASSERT_EQ(off.exit_code, 0) << off.output;
  EXPECT_EQ(off.output.find("[Stage"), std::string::npos) << off.output;
  EXPECT_EQ(off.output.find('\r'), std::string::npos) << off.output;

  std::string command;
  for (const std::string& a : SlowJob("out-pipe")) command += "'" + a + "' ";
  RunResult pipe = RunOnPipe(command);
  ASSERT_EQ(pipe.exit_code, 0) << pipe.output;
  EXPECT_TRUE(fs::exists(dir_ / "out-pipe" / "_SUCCESS"));
  EXPECT_EQ(pipe.output.find("[Stage"), std::string::npos) << pipe.output;
  EXPECT_EQ(pipe.output.find('\r'), std::string::npos) << pipe.output;
}

}  // namespace

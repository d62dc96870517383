// End to end: the real log_errors example under centella-submit, on the sample log it ships
// with and on random logs full of near-misses, against an independent reading of its
// specification here.
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "gtest/gtest.h"

namespace {

namespace fs = std::filesystem;

struct RunResult {
  int exit_code;
  std::string out;  // stdout
  std::string err;  // stderr
};

std::string ReadAll(const fs::path& path) {
  std::ifstream f(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
}

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v == nullptr ? "" : v;
}

// The specification, read independently of the example's code.
struct Expected {
  std::map<std::string, long> codes;
  std::vector<std::pair<std::string, long>> top_urls;

  static Expected Of(const std::string& log) {
    Expected e;
    std::map<std::string, long> urls;
    std::istringstream lines(log);
    for (std::string line; std::getline(lines, line);) {
      if (line.find("ERROR") == std::string::npos) continue;
      std::string code = "UNKNOWN_ERROR", url = "UNKNOWN_URL";
      bool have_code = false, have_url = false;
      std::istringstream tokens(line);  // operator>> splits on the same ASCII whitespace
      for (std::string t; tokens >> t;) {
        if (!have_code && t.rfind("ERROR", 0) == 0) code = t, have_code = true;
        if (!have_url && (t.rfind("http://", 0) == 0 || t.rfind("https://", 0) == 0)) {
          url = t, have_url = true;
        }
      }
      ++e.codes[code];
      if (url != "UNKNOWN_URL") ++urls[url];
    }
    e.top_urls.assign(urls.begin(), urls.end());
    std::stable_sort(e.top_urls.begin(), e.top_urls.end(),
                     [](const auto& a, const auto& b) { return a.second > b.second; });
    if (e.top_urls.size() > 10) e.top_urls.resize(10);
    return e;
  }

  std::string TopUrlsFile() const {
    std::string s;
    for (const auto& [url, n] : top_urls) s += url + "\t" + std::to_string(n) + "\n";
    return s;
  }

  std::string Stdout() const {
    std::vector<std::pair<std::string, long>> sorted(codes.begin(), codes.end());
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](const auto& a, const auto& b) { return a.second > b.second; });
    std::string s = "error counts:\n";
    for (const auto& [code, n] : sorted) s += code + "\t" + std::to_string(n) + "\n";
    return s + "top URLs:\n" + TopUrlsFile();
  }
};

std::map<std::string, long> ReadErrorCounts(const fs::path& dir) {
  std::map<std::string, long> counts;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().filename().string().rfind("part-", 0) != 0) continue;
    std::ifstream f(e.path(), std::ios::binary);
    for (std::string line; std::getline(f, line);) {
      std::vector<std::string> fields = absl::StrSplit(line, '\t');
      EXPECT_EQ(fields.size(), 2u) << line;
      if (fields.size() != 2) continue;
      EXPECT_TRUE(counts.emplace(fields[0], std::stol(fields[1])).second) << "twice: " << line;
    }
  }
  return counts;
}

class LogErrorsE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string build = Env("CENTELLA_BUILD_DIR");
    ASSERT_FALSE(build.empty()) << "CENTELLA_BUILD_DIR not set (run through ctest)";
    bin_ = build + "/bin";
    examples_ = build + "/examples";
    dir_ = fs::path(::testing::TempDir()) / ("log-errors-e2e-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  RunResult Submit(const std::string& master, const std::string& in, const std::string& out) {
    const fs::path out_file = dir_ / "stdout", err_file = dir_ / "stderr";
    std::string command = bin_ + "/centella-submit --master '" + master + "' " + examples_ +
                          "/log_errors '" + in + "' '" + out + "' >" + out_file.string() + " 2>" +
                          err_file.string();
    int status = std::system(command.c_str());
    RunResult r{WIFEXITED(status) ? WEXITSTATUS(status) : 128, ReadAll(out_file),
                ReadAll(err_file)};
    fs::remove(out_file);
    fs::remove(err_file);
    return r;
  }

  // Runs the example on `log` and checks all three outputs against the reference.
  void RunAndCompare(const std::string& master, const std::string& log_path) {
    Expected want = Expected::Of(ReadAll(log_path));
    fs::path out = dir_ / ("out-" + master);
    RunResult r = Submit(master, log_path, out.string());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(fs::exists(out / "error_counts" / "_SUCCESS"));
    EXPECT_EQ(ReadErrorCounts(out / "error_counts"), want.codes) << master;
    EXPECT_EQ(ReadAll(out / "top_urls.txt"), want.TopUrlsFile()) << master;
    EXPECT_EQ(r.out, want.Stdout()) << master;
    // Nothing but the two outputs (no temporary file left behind).
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(out)) names.push_back(e.path().filename());
    std::sort(names.begin(), names.end());
    EXPECT_EQ(names, (std::vector<std::string>{"error_counts", "top_urls.txt"}));
  }

  std::string bin_, examples_;
  fs::path dir_;
};

TEST_F(LogErrorsE2eTest, SampleLogMatchesTheReference) {
  const std::string sample = std::string(CENTELLA_SOURCE_DIR) + "/examples/data/app.log";
  Expected want = Expected::Of(ReadAll(sample));
  // The sample exercises what it is meant to: more than 10 URLs, a tie across the cut,
  // lines without a code and lines without a URL.
  ASSERT_EQ(want.top_urls.size(), 10u);
  EXPECT_TRUE(want.codes.contains("UNKNOWN_ERROR"));
  EXPECT_EQ(want.top_urls[8].second, want.top_urls[9].second);
  for (const char* master : {"local[1]", "local[2]"}) RunAndCompare(master, sample);
}

TEST_F(LogErrorsE2eTest, RandomLogsMatchTheReference) {
  // Tokens that are, and nearly are, codes and URLs, in random mixtures.
  const std::vector<std::string> tokens = {
      "ERROR",     "ERROR_A",      "ERROR_B",      "ERRORS",          "xERROR",   "[ERROR]",
      "error",     "Error_A",      "http://a.com", "https://b.org/x", "http://c", "https://d/e?f=g",
      "http:/bad", "HTTP://upper", "ftp://f",      "url=http://h",    "ok",       "GET",
      "200",       "ERROR_A:"};
  std::mt19937_64 rng(99);
  for (int round = 0; round < 3; ++round) {
    std::string log;
    const int lines = 20000 + static_cast<int>(rng() % 10000);
    for (int i = 0; i < lines; ++i) {
      // Skewed URL choice so that counts differ, with many ties among the rare ones.
      for (int t = 0, n = static_cast<int>(rng() % 7); t < n; ++t) {
        if (t > 0) log += "  \t"[rng() % 3];
        size_t pick = rng() % 4 == 0 ? rng() % tokens.size() : rng() % 10;
        log += tokens[pick];
        if (tokens[pick].rfind("http", 0) == 0 && rng() % 3 == 0) {
          log += "/" + std::to_string(rng() % 5);
        }
      }
      log += rng() % 20 == 0 ? "\r\n" : "\n";
    }
    const std::string path = (dir_ / ("random-" + std::to_string(round) + ".log")).string();
    std::ofstream(path, std::ios::binary) << log;
    RunAndCompare(round == 0 ? "local[1]" : "local[3]", path);
    fs::remove_all(dir_ / "out-local[1]");
    fs::remove_all(dir_ / "out-local[3]");
  }
}

// The last line of the output, for the one-line error after the driver's log lines.
std::string LastLine(const std::string& s) {
  std::vector<std::string> lines = absl::StrSplit(s, '\n', absl::SkipEmpty());
  return lines.empty() ? "" : lines.back();
}

TEST_F(LogErrorsE2eTest, MissingInputIsAOneLineErrorAndLeavesNoOutput) {
  const std::string missing = (dir_ / "missing.log").string();
  RunResult r = Submit("local[2]", missing, (dir_ / "out").string());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(LastLine(r.err), "log_errors: input path does not exist: " + missing);
  EXPECT_EQ(r.out, "");
  EXPECT_FALSE(fs::exists(dir_ / "out"));
}

TEST_F(LogErrorsE2eTest, ExistingOutputIsRefusedAndLeftAlone) {
  const std::string log = (dir_ / "in.log").string();
  std::ofstream(log) << "ERROR_X https://a\n";
  fs::create_directories(dir_ / "out");
  std::ofstream(dir_ / "out" / "top_urls.txt") << "precious\n";
  RunResult r = Submit("local[2]", log, (dir_ / "out").string());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(LastLine(r.err),
            "log_errors: output directory " + (dir_ / "out").string() + " already exists");
  EXPECT_EQ(ReadAll(dir_ / "out" / "top_urls.txt"), "precious\n");
  EXPECT_FALSE(fs::exists(dir_ / "out" / "error_counts"));
}

}  // namespace

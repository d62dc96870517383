// End to end: the real centella-submit running the real word_count example in local mode,
// compared with a count computed independently here.
#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <unordered_map>

#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "tests/run_command.h"

namespace {

namespace fs = std::filesystem;

using RunResult = centella::CommandResult;
using centella::RunCommand;


// Words are maximal runs of bytes other than the six ASCII whitespace bytes.
std::map<std::string, int64_t> ReferenceCount(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::string data((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  std::unordered_map<std::string, int64_t> counts;
  std::string word;
  for (char c : data) {
    bool space = c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
    if (!space) {
      word.push_back(c);
    } else if (!word.empty()) {
      ++counts[word];
      word.clear();
    }
  }
  if (!word.empty()) ++counts[word];
  return {counts.begin(), counts.end()};
}

std::map<std::string, int64_t> ReadOutput(const fs::path& dir) {
  std::map<std::string, int64_t> counts;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().filename().string().rfind("part-", 0) != 0) continue;
    std::ifstream f(e.path(), std::ios::binary);
    for (std::string line; std::getline(f, line);) {
      std::vector<std::string> fields = absl::StrSplit(line, '\t');
      EXPECT_EQ(fields.size(), 2u) << line;
      if (fields.size() != 2) continue;
      EXPECT_TRUE(counts.emplace(fields[0], std::stoll(fields[1])).second)
          << "word twice: " << fields[0];
    }
  }
  return counts;
}

class WordCountE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string build = centella::BuildDirFromEnvironment();
    ASSERT_FALSE(build.empty()) << "CENTELLA_BUILD_DIR not set (run through ctest)";
    bin_ = build + "/bin";
    examples_ = build + "/examples";
    dir_ = fs::path(::testing::TempDir()) / ("wc-e2e-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  RunResult Submit(const std::string& master, const std::string& in, const std::string& out) {
    return RunCommand(bin_ + "/centella-submit --master '" + master + "' " + examples_ +
               "/word_count '" + in + "' '" + out + "'");
  }

  std::string bin_, examples_;
  fs::path dir_;
};

TEST_F(WordCountE2eTest, MatchesAnIndependentCountInLocal1AndLocal2) {
  std::string corpus = (dir_ / "corpus.txt").string();
  RunResult gen = RunCommand(bin_ + "/centella-gen-corpus --bytes 6000000 --seed 3 --distinct 20000 "
                      "--out " + corpus);
  ASSERT_EQ(gen.exit_code, 0) << gen.output;
  std::map<std::string, int64_t> want = ReferenceCount(corpus);
  ASSERT_GT(want.size(), 1000u);
  for (const char* master : {"local[1]", "local[2]"}) {
    fs::path out = dir_ / (std::string("out-") + master);
    RunResult r = Submit(master, corpus, out.string());
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_TRUE(fs::exists(out / "_SUCCESS"));
    EXPECT_EQ(fs::file_size(out / "_SUCCESS"), 0u);
    EXPECT_EQ(ReadOutput(out), want) << master;
  }
}

TEST_F(WordCountE2eTest, EveryAsciiWhitespaceSeparatesWords) {
  std::string in = (dir_ / "ws.txt").string();
  std::ofstream(in, std::ios::binary) << "a b\tc\rd\ne\vf\fa\n\n  \xc3\xa9t\xc3\xa9 a" ;
  fs::path out = dir_ / "out";
  RunResult r = Submit("local[2]", in, out.string());
  ASSERT_EQ(r.exit_code, 0) << r.output;
  std::map<std::string, int64_t> want = {{"a", 3}, {"b", 1}, {"c", 1}, {"d", 1},
                                         {"e", 1}, {"f", 1}, {"\xc3\xa9t\xc3\xa9", 1}};
  EXPECT_EQ(ReadOutput(out), want);
  EXPECT_EQ(ReferenceCount(in), want);  // the reference agrees with the hand count
}

TEST_F(WordCountE2eTest, ExistingOutputIsAnErrorAndIsLeftAlone) {
  std::string in = (dir_ / "in.txt").string();
  std::ofstream(in) << "x y\n";
  fs::create_directories(dir_ / "out");
  std::ofstream(dir_ / "out" / "keep.txt") << "precious";
  RunResult r = Submit("local[2]", in, (dir_ / "out").string());
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.output.find("output directory " + (dir_ / "out").string() + " already exists"),
            std::string::npos)
      << r.output;
  std::ifstream keep(dir_ / "out" / "keep.txt");
  std::string content;
  std::getline(keep, content);
  EXPECT_EQ(content, "precious");
  EXPECT_FALSE(fs::exists(dir_ / "out" / "_SUCCESS"));
}

// The last line of the output, for one-line error messages after the driver's log lines.
std::string LastLine(const std::string& s) {
  std::vector<std::string> lines = absl::StrSplit(s, '\n', absl::SkipEmpty());
  return lines.empty() ? "" : lines.back();
}

TEST_F(WordCountE2eTest, ClearOneLineErrors) {
  std::string missing = (dir_ / "missing.txt").string();
  RunResult r = Submit("local[2]", missing, (dir_ / "o1").string());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(LastLine(r.output), "word_count: input path does not exist: " + missing);
  EXPECT_FALSE(fs::exists(dir_ / "o1"));

  r = Submit("local[x]", missing, (dir_ / "o2").string());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.output,
            "centella-submit: invalid master \"local[x]\": the thread count must be a positive "
            "integer or * (expected local, local[N], local[*] or centella://host:port)\n");

  r = RunCommand(bin_ + "/centella-submit --master local[1] " + (dir_ / "no-such-program").string());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("cannot run program"), std::string::npos) << r.output;

  if (::geteuid() != 0) {
    std::string secret = (dir_ / "secret.txt").string();
    std::ofstream(secret) << "x\n";
    fs::permissions(secret, fs::perms::none);
    r = Submit("local[1]", secret, (dir_ / "o3").string());
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(LastLine(r.output).find("cannot read input file"), std::string::npos);
  }
}

}  // namespace

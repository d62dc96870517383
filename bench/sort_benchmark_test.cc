// The sort benchmark's two programs, examples/sort_records (through the real
// centella-submit, local[1] and local[2]) and bench/sort_baseline, checked against an
// independent stable sort computed here: on generated records with many equal keys, and on
// the line-format corner cases both must handle alike.
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include "gtest/gtest.h"
#include "tests/run_command.h"

namespace {

namespace fs = std::filesystem;

using RunResult = centella::CommandResult;
using centella::RunCommand;

std::string ReadFile(const fs::path& path) {
  std::ifstream f(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
}

// The documented contract, written the obvious way: split into lines ("\r\n" counts as
// "\n", a last line needs no terminator), stable-sort by the bytes before the first TAB.
std::string ReferenceSort(const std::string& data) {
  std::vector<std::string> lines;
  size_t at = 0;
  while (at < data.size()) {
    size_t end = data.find('\n', at);
    const bool terminated = end != std::string::npos;
    if (!terminated) end = data.size();
    std::string line = data.substr(at, end - at);
    if (terminated && !line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(std::move(line));
    at = end + 1;
  }
  auto key = [](const std::string& line) {
    return std::string_view(line).substr(0, line.find('\t'));
  };
  std::stable_sort(lines.begin(), lines.end(),
                   [&](const std::string& a, const std::string& b) { return key(a) < key(b); });
  std::string out;
  for (const std::string& line : lines) out += line + "\n";
  return out;
}

// The part files of `dir` concatenated in part order.
std::string Concatenated(const fs::path& dir) {
  std::vector<fs::path> parts;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().filename().string().starts_with("part-")) parts.push_back(e.path());
  }
  std::sort(parts.begin(), parts.end());
  std::string all;
  for (const fs::path& p : parts) all += ReadFile(p);
  return all;
}

class SortBenchmarkTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* build = std::getenv("CENTELLA_BUILD_DIR");
    ASSERT_NE(build, nullptr) << "CENTELLA_BUILD_DIR not set (run through ctest)";
    build_ = build;
    dir_ = fs::path(::testing::TempDir()) / ("sort-bench-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Runs the baseline and the job in local[1] and local[2] on `input`; every output must
  // equal ReferenceSort(input). `split_bytes` small makes many map partitions, so equal
  // keys meet across partitions.
  void ExpectAllSortLike(const std::string& input, const std::string& split_bytes) {
    const std::string want = ReferenceSort(ReadFile(input));
    const fs::path base_out = dir_ / "baseline";
    RunResult r =
        RunCommand(build_ + "/bench/sort_baseline '" + input + "' '" + base_out.string() + "'");
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_TRUE(fs::exists(base_out / "_SUCCESS"));
    EXPECT_EQ(Concatenated(base_out), want) << "baseline";
    for (const char* master : {"local[1]", "local[2]"}) {
      const fs::path out = dir_ / (std::string("out-") + master);
      r = RunCommand(build_ + "/bin/centella-submit --master '" + master +
                     "' --conf centella.files.maxPartitionBytes=" + split_bytes + " " + build_ +
                     "/examples/sort_records '" + input + "' '" + out.string() + "'");
      ASSERT_EQ(r.exit_code, 0) << r.output;
      EXPECT_TRUE(fs::exists(out / "_SUCCESS"));
      EXPECT_EQ(Concatenated(out), want) << master;
    }
  }

  std::string build_;
  fs::path dir_;
};

TEST_F(SortBenchmarkTest, GeneratedRecordsWithManyEqualKeys) {
  const std::string input = (dir_ / "records.txt").string();
  // One record in five on one of 1000 shared keys: many ties, spread over all partitions.
  RunResult gen = RunCommand(build_ +
                             "/bin/centella-gen-records sort --bytes 3000000 --seed 5 "
                             "--duplicates-per-mille 200 --quiet --out '" +
                             input + "'");
  ASSERT_EQ(gen.exit_code, 0) << gen.output;
  ExpectAllSortLike(input, "400k");
}

TEST_F(SortBenchmarkTest, LineFormatCornerCases) {
  const std::string input = (dir_ / "corners.txt").string();
  // CRLF, no TAB (the whole line is the key), an empty line and an empty key, bytes above
  // 0x7f (they sort after ASCII: unsigned comparison), equal keys with different payloads,
  // a key that is a prefix of another, and a last line without "\n".
  std::ofstream(input, std::ios::binary) << "b\tsecond b\r\n"
                                         << "no-tab line\n"
                                         << "\n"
                                         << "\tempty key\n"
                                         << "\xc3\xa9t\xc3\xa9\thigh bytes\n"
                                         << "b\tthird b\n"
                                         << "a\tfirst a\n"
                                         << "ab\tlonger key\n"
                                         << "abcdefgh\t8 bytes\n"
                                         << "abcdefghi\t9 bytes\n"
                                         << "abcdefgh\tagain 8 bytes\n"
                                         << "b\tlast b, no newline";
  ExpectAllSortLike(input, "40");  // a few lines per partition
}

}  // namespace

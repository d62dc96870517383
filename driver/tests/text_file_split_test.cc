// Byte-range splitting of text files: every line is read exactly once, by the range in
// which it starts, whatever the split size.
#include <filesystem>
#include <fstream>
#include <random>

#include "absl/strings/str_split.h"
#include "engine/rdd/run_pipeline.h"
#include "engine/rdd/text_file_node.h"
#include "gtest/gtest.h"

namespace centella {
namespace {

class TextFileSplitTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ =
        std::filesystem::path(::testing::TempDir()) / ("text-split-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string Write(const std::string& name, const std::string& content) {
    std::string path = (dir_ / name).string();
    std::ofstream(path, std::ios::binary) << content;
    return path;
  }

  // All lines of all splits, in order.
  static std::vector<std::string> ReadAll(const std::vector<FileSplit>& splits) {
    TextFileNode node(splits);
    std::vector<std::string> lines;
    v1::TaskDescriptor task;
    TaskContext ctx(&task, nullptr, nullptr);
    auto drain = [&](std::span<std::string> batch) {
      for (auto& l : batch) lines.push_back(l);
      return true;
    };
    FunctionBatchSink<std::string, decltype(drain)> sink(drain);
    for (int p = 0; p < static_cast<int>(splits.size()); ++p) {
      EXPECT_TRUE(node.Compute(ctx, p, sink).ok());
    }
    return lines;
  }

  std::filesystem::path dir_;
};

// The reference: lines by splitting on "\n", dropping one trailing "\r", and no empty
// last line after a final newline.
std::vector<std::string> ReferenceLines(const std::string& content) {
  std::vector<std::string> lines = absl::StrSplit(content, '\n');
  if (!content.empty() && content.back() == '\n') lines.pop_back();
  if (content.empty()) lines.clear();
  for (auto& l : lines) {
    if (!l.empty() && l.back() == '\r') l.pop_back();
  }
  return lines;
}

TEST_F(TextFileSplitTest, EverySplitSizeReadsEveryLineOnce) {
  std::mt19937_64 rng(11);
  for (int round = 0; round < 40; ++round) {
    std::string content;
    int lines = rng() % 60;
    for (int i = 0; i < lines; ++i) {
      int len = rng() % 4 == 0 ? 0 : rng() % 30;
      for (int j = 0; j < len; ++j) content.push_back("ab c\r"[rng() % 5]);
      content.push_back('\n');
    }
    if (rng() % 2 && !content.empty()) content.pop_back();  // no final newline
    std::string path = Write("f" + std::to_string(round), content);
    for (uint64_t split :
         {uint64_t{1}, uint64_t{2}, uint64_t{3}, uint64_t{7}, uint64_t{64}, uint64_t{1} << 20}) {
      auto splits = ComputeSplits({path}, 1, split);
      ASSERT_TRUE(splits.ok());
      EXPECT_EQ(ReadAll(*splits), ReferenceLines(content))
          << "round " << round << " split " << split;
    }
  }
}

TEST_F(TextFileSplitTest, LongLinesCrossReadChunks) {
  std::string content = std::string(3 << 20, 'x') + "\nshort\n" + std::string(1 << 20, 'y');
  std::string path = Write("long", content);
  for (uint64_t split : {uint64_t{1} << 20, uint64_t{5} << 20}) {
    auto splits = ComputeSplits({path}, 1, split);
    ASSERT_TRUE(splits.ok());
    EXPECT_EQ(ReadAll(*splits), ReferenceLines(content));
  }
}

TEST_F(TextFileSplitTest, SplitsAimForMinPartitionsAndCoverFilesExactly) {
  std::string a = Write("a.txt", std::string(1000, 'a'));
  std::string b = Write("b.txt", "");
  auto splits = ComputeSplits({a, b}, 4, 1 << 20);
  ASSERT_TRUE(splits.ok());
  ASSERT_EQ(splits->size(), 5u);  // 4 ranges of a, one empty range for b
  uint64_t covered = 0;
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ((*splits)[i].start, covered);
    covered += (*splits)[i].length;
  }
  EXPECT_EQ(covered, 1000u);
  EXPECT_EQ((*splits)[4].length, 0u);
}

TEST_F(TextFileSplitTest, ListingFilesDirectoriesAndGlobs) {
  Write("part-1", "x\n");
  Write("part-2", "y\n");
  Write("_SUCCESS", "");
  Write(".hidden", "z\n");
  auto dir = ListInputFiles(dir_.string());
  ASSERT_TRUE(dir.ok()) << dir.status();
  EXPECT_EQ(dir->size(), 2u);
  auto glob = ListInputFiles((dir_ / "part-*").string());
  ASSERT_TRUE(glob.ok());
  EXPECT_EQ(*glob, *dir);

  auto missing = ListInputFiles((dir_ / "nope.txt").string());
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(missing.status().message().find("nope.txt"), absl::string_view::npos);
  auto no_match = ListInputFiles((dir_ / "zzz*").string());
  EXPECT_EQ(no_match.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(no_match.status().message().find("zzz*"), absl::string_view::npos);
}

TEST_F(TextFileSplitTest, UnreadableFileIsPermissionDenied) {
  if (::geteuid() == 0) {
    // root reads everything; emulate with a path whose parent is a file instead.
    std::string file = Write("plain", "x");
    auto r = ListInputFiles(file + "/child");
    EXPECT_EQ(r.status().code(), absl::StatusCode::kNotFound);
    return;
  }
  std::string path = Write("secret", "x\n");
  std::filesystem::permissions(path, std::filesystem::perms::none);
  auto r = ListInputFiles(path);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_NE(r.status().message().find("secret"), absl::string_view::npos);
}

}  // namespace
}  // namespace centella

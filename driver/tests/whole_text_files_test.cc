// whole_text_files against a reference read here: every file once, with its absolute path
// and exact bytes (decompressed for .gz/.zst), grouped into the partitions it promises.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "centella/centella.h"
#include "driver/tests/compressed_fixtures.h"
#include "driver/tests/local_files_fixture.h"
#include "engine/rdd/whole_text_files_node.h"
#include "gtest/gtest.h"

namespace centella {
namespace {

namespace fs = std::filesystem;
using FileRecord = std::pair<std::string, std::string>;

class WholeTextFilesTest : public LocalFilesFixture {
 protected:
  WholeTextFilesTest() : LocalFilesFixture("whole-files") {}

  // Any bytes, line breaks and NULs included.
  std::string RandomContent(size_t max_size) {
    std::string s(rng_() % (max_size + 1), '\0');
    for (char& c : s) c = "ab \n\r\t\0\xff"[rng_() % 8];
    return s;
  }

  // Writes `content` under `name` (compressed as its extension says) and records the
  // file in the reference.
  void Add(const std::string& name, const std::string& content) {
    std::string path = (dir_ / name).string();
    if (name.ends_with(".gz")) {
      WriteFile(path, GzipCompress(content));
    } else if (name.ends_with(".zst")) {
      WriteFile(path, ZstdCompress(content));
    } else {
      WriteFile(path, content);
    }
    reference_[path] = content;
  }

  std::mt19937_64 rng_{static_cast<uint64_t>(GetParam()) * 1000 + 7};
  std::map<std::string, std::string> reference_;  // absolute path -> content
};

TEST_P(WholeTextFilesTest, EveryFileOnceWithItsContentInPathOrder) {
  for (int i = 0; i < 40; ++i) {
    const char* ext = i % 5 == 1 ? ".gz" : i % 5 == 3 ? ".zst" : ".txt";
    Add("f" + std::to_string(100 + i) + ext, RandomContent(i % 7 == 0 ? 200000 : 3000));
  }
  Add("empty.txt", "");
  Add("empty.gz", "");
  WriteFile((dir_ / "_SUCCESS").string(), "");
  WriteFile((dir_ / ".hidden").string(), "not an input");
  const std::vector<FileRecord> want(reference_.begin(), reference_.end());
  for (int min_partitions : {0, 1, 2, 7, 1000}) {
    auto rdd = ctx_->whole_text_files(dir_.string(), min_partitions);
    const int asked = min_partitions > 0 ? min_partitions : ctx_->default_parallelism();
    EXPECT_GE(rdd.num_partitions(), 1);
    EXPECT_LE(rdd.num_partitions(), std::min<int>(asked, want.size())) << min_partitions;
    absl::StatusOr<std::vector<FileRecord>> got = rdd.collect();
    ASSERT_TRUE(got.ok()) << got.status();
    ASSERT_EQ(got->size(), want.size());
    for (size_t i = 0; i < want.size(); ++i) {
      EXPECT_EQ((*got)[i].first, want[i].first);
      EXPECT_TRUE((*got)[i].second == want[i].second) << want[i].first;
    }
  }
  // Many partitions are really used when asked for.
  EXPECT_GE(ctx_->whole_text_files(dir_.string(), 7).num_partitions(), 4);
}

TEST_P(WholeTextFilesTest, ComposesWithTransformationsAndShuffles) {
  for (int i = 0; i < 12; ++i) Add("log" + std::to_string(i) + ".txt", RandomContent(500));
  auto newlines =
      ctx_->whole_text_files((dir_ / "log*.txt").string(), 3)
          .map_values([](std::string content) {
            return static_cast<int64_t>(std::count(content.begin(), content.end(), '\n'));
          })
          .reduce_by_key([](int64_t a, int64_t b) { return a + b; })
          .collect_as_map();
  ASSERT_TRUE(newlines.ok()) << newlines.status();
  std::map<std::string, int64_t> want;
  for (const auto& [path, content] : reference_) {
    want[path] = std::count(content.begin(), content.end(), '\n');
  }
  EXPECT_EQ(*newlines, want);
}

TEST_P(WholeTextFilesTest, ARelativePathGivesAbsolutePaths) {
  Add("one.txt", "hello\n");
  fs::path old = fs::current_path();
  fs::current_path(dir_.parent_path());
  auto got = ctx_->whole_text_files(dir_.filename().string() + "/one.txt").collect();
  fs::current_path(old);
  ASSERT_TRUE(got.ok()) << got.status();
  ASSERT_EQ(got->size(), 1u);
  EXPECT_EQ((*got)[0], FileRecord((dir_ / "one.txt").string(), "hello\n"));
}

TEST_P(WholeTextFilesTest, MissingAndCorruptInputAreErrorsNamingThem) {
  std::string missing = (dir_ / "missing").string();
  auto none = ctx_->whole_text_files(missing).collect();
  EXPECT_EQ(none.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(none.status().message().find(missing), absl::string_view::npos) << none.status();

  std::string gz = GzipCompress(RandomContent(5000) + "end");
  std::string path = (dir_ / "cut.gz").string();
  WriteFile(path, gz.substr(0, gz.size() - 4));
  auto cut = ctx_->whole_text_files(path).collect();
  EXPECT_EQ(cut.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_NE(cut.status().message().find("truncated gzip input file " + path),
            absl::string_view::npos)
      << cut.status();
}

TEST_P(WholeTextFilesTest, AnEmptyDirectoryHasNoRecords) {
  auto got = ctx_->whole_text_files(dir_.string()).collect();
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_TRUE(got->empty());
}

INSTANTIATE_TEST_SUITE_P(Threads, WholeTextFilesTest, ::testing::Values(1, 3),
                         [](const auto& info) { return "local" + std::to_string(info.param); });

TEST(GroupWholeFilesTest, ContiguousBalancedAndNeverMoreGroupsThanAsked) {
  fs::path dir = fs::path(::testing::TempDir()) / ("group-files-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::mt19937_64 rng(3);
  for (int round = 0; round < 30; ++round) {
    std::vector<std::string> files;
    uint64_t total = 0;
    for (int i = 0, n = static_cast<int>(rng() % 25); i < n; ++i) {
      std::string path = (dir / ("r" + std::to_string(round) + "-" + std::to_string(i))).string();
      size_t size = rng() % 3 == 0 ? 0 : rng() % 100000;
      WriteFile(path, std::string(size, 'x'));
      files.push_back(path);
      total += size + kWholeFileOpenCost;
    }
    for (int max_groups : {1, 2, 3, 8, 100}) {
      auto groups = GroupWholeFiles(files, max_groups);
      ASSERT_TRUE(groups.ok()) << groups.status();
      EXPECT_LE(groups->size(), static_cast<size_t>(max_groups));
      std::vector<std::string> flat;
      for (const auto& g : *groups) {
        EXPECT_FALSE(g.empty());
        flat.insert(flat.end(), g.begin(), g.end());
      }
      EXPECT_EQ(flat, files);  // every file once, in order
      // Every group but the last reaches the goal; none exceeds it by more than one file.
      uint64_t goal = files.empty() ? 0 : (total + max_groups - 1) / max_groups;
      for (size_t g = 0; g + 1 < groups->size(); ++g) {
        uint64_t cost = 0;
        for (const auto& f : (*groups)[g]) cost += fs::file_size(f) + kWholeFileOpenCost;
        EXPECT_GE(cost, goal);
      }
    }
  }
  fs::remove_all(dir);
}

}  // namespace
}  // namespace centella

// text_file over gzip and zstd files, alone and mixed with plain files in a directory,
// compared with the lines they were written from, on one and on several task threads.
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "centella/centella.h"
#include "driver/tests/compressed_fixtures.h"
#include "driver/tests/local_files_fixture.h"
#include "gtest/gtest.h"

namespace centella {
namespace {

namespace fs = std::filesystem;

std::string Join(const std::vector<std::string>& lines) {
  std::string s;
  for (const std::string& l : lines) s += l + "\n";
  return s;
}

class TextFileCompressedTest : public LocalFilesFixture {
 protected:
  TextFileCompressedTest() : LocalFilesFixture("text-compressed") {}

  // Lines of random words, some empty, some long.
  std::vector<std::string> RandomLines(int n) {
    std::vector<std::string> lines(n);
    for (std::string& line : lines) {
      int words = static_cast<int>(rng_() % 12);
      if (rng_() % 50 == 0) words = 2000;
      for (int w = 0; w < words; ++w) {
        if (w > 0) line += rng_() % 4 == 0 ? "\t" : " ";
        for (int c = 0, len = 1 + static_cast<int>(rng_() % 9); c < len; ++c) {
          line.push_back(static_cast<char>('a' + rng_() % 26));
        }
      }
    }
    return lines;
  }

  std::string Path(const std::string& name) const { return (dir_ / name).string(); }

  absl::StatusOr<std::vector<std::string>> Collect(const std::string& path,
                                                   int min_partitions = 0) {
    return ctx_->text_file(path, min_partitions).collect();
  }

  std::mt19937_64 rng_{17};
};

TEST_P(TextFileCompressedTest, PlainGzipAndZstdFilesReadTheSameLines) {
  std::vector<std::string> lines = RandomLines(3000);
  const std::string content = Join(lines);
  WriteFile(Path("lines.txt"), content);
  WriteFile(Path("lines.gz"), GzipCompress(content));
  WriteFile(Path("lines.zst"), ZstdCompress(content));
  for (const char* name : {"lines.txt", "lines.gz", "lines.zst"}) {
    absl::StatusOr<std::vector<std::string>> got = Collect(Path(name), 4);
    ASSERT_TRUE(got.ok()) << name << ": " << got.status();
    EXPECT_EQ(*got, lines) << name;
  }
  // Plain files are split into byte ranges; a compressed one is a single partition.
  EXPECT_GE(ctx_->text_file(Path("lines.txt"), 4).num_partitions(), 4);
  EXPECT_EQ(ctx_->text_file(Path("lines.gz"), 4).num_partitions(), 1);
  EXPECT_EQ(ctx_->text_file(Path("lines.zst"), 4).num_partitions(), 1);
}

TEST_P(TextFileCompressedTest, DecompressedLinesCrossReadChunks) {
  // Several MiB once decompressed, lines longer than a read chunk, no final newline.
  std::string content = std::string(3 << 20, 'x') + "\r\nshort\n\n" + std::string(1 << 20, 'y');
  std::vector<std::string> want = {std::string(3 << 20, 'x'), "short", "",
                                   std::string(1 << 20, 'y')};
  WriteFile(Path("long.gz"), GzipCompress(content));
  WriteFile(Path("long.zst"), ZstdCompress(content));
  for (const char* name : {"long.gz", "long.zst"}) {
    absl::StatusOr<std::vector<std::string>> got = Collect(Path(name));
    ASSERT_TRUE(got.ok()) << name << ": " << got.status();
    EXPECT_EQ(*got, want) << name;
  }
}

TEST_P(TextFileCompressedTest, EmptyFilesHaveNoLines) {
  WriteFile(Path("empty.txt"), "");
  WriteFile(Path("empty.gz"), GzipCompress(""));
  WriteFile(Path("empty.zst"), ZstdCompress(""));
  WriteFile(Path("zero-bytes.gz"), "");
  WriteFile(Path("zero-bytes.zst"), "");
  for (const char* name :
       {"empty.txt", "empty.gz", "empty.zst", "zero-bytes.gz", "zero-bytes.zst"}) {
    absl::StatusOr<std::vector<std::string>> got = Collect(Path(name));
    ASSERT_TRUE(got.ok()) << name << ": " << got.status();
    EXPECT_TRUE(got->empty()) << name;
  }
}

TEST_P(TextFileCompressedTest, ADirectoryAndAGlobMayMixPlainAndCompressedFiles) {
  std::vector<std::string> a = RandomLines(500), b = RandomLines(700), c = RandomLines(300),
                           d = RandomLines(900);
  WriteFile(Path("a.txt"), Join(a));
  WriteFile(Path("b.gz"), GzipCompress(Join(b)));
  WriteFile(Path("c.zst"), ZstdCompress(Join(c)));
  WriteFile(Path("d.log"), Join(d));
  WriteFile(Path("e.gz"), GzipCompress(""));
  WriteFile(Path("_SUCCESS"), "");
  // Files are read in name order, partition by partition.
  std::vector<std::string> want;
  for (const auto* part : {&a, &b, &c, &d}) want.insert(want.end(), part->begin(), part->end());
  for (int min_partitions : {1, 3, 16}) {
    absl::StatusOr<std::vector<std::string>> got = Collect(dir_.string(), min_partitions);
    ASSERT_TRUE(got.ok()) << got.status();
    EXPECT_EQ(*got, want) << min_partitions;
  }
  absl::StatusOr<std::vector<std::string>> gz = Collect(Path("*.gz"));
  ASSERT_TRUE(gz.ok()) << gz.status();
  EXPECT_EQ(*gz, b);
  // Counting goes through the same reader on the executors' side.
  absl::StatusOr<int64_t> n = ctx_->text_file(dir_.string(), 5).count();
  ASSERT_TRUE(n.ok()) << n.status();
  EXPECT_EQ(*n, static_cast<int64_t>(want.size()));
}

TEST_P(TextFileCompressedTest, TruncatedOrCorruptInputIsDataLossNamingTheFile) {
  const std::string content = Join(RandomLines(2000));
  const std::string gz = GzipCompress(content);
  const std::string zst = ZstdCompress(content);
  WriteFile(Path("truncated.gz"), gz.substr(0, gz.size() / 2));
  WriteFile(Path("truncated.zst"), zst.substr(0, zst.size() - 3));
  WriteFile(Path("not-really.gz"), content);
  for (const char* name : {"truncated.gz", "truncated.zst", "not-really.gz"}) {
    absl::StatusOr<std::vector<std::string>> got = Collect(Path(name));
    ASSERT_FALSE(got.ok()) << name;
    EXPECT_EQ(got.status().code(), absl::StatusCode::kDataLoss) << got.status();
    EXPECT_NE(got.status().message().find(Path(name)), absl::string_view::npos) << got.status();
  }
  absl::StatusOr<int64_t> n = ctx_->text_file(Path("truncated.gz")).count();
  EXPECT_EQ(n.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_NE(n.status().message().find("truncated gzip input file " + Path("truncated.gz")),
            absl::string_view::npos)
      << n.status();
}

INSTANTIATE_TEST_SUITE_P(Threads, TextFileCompressedTest, ::testing::Values(1, 3),
                         [](const auto& info) { return "local" + std::to_string(info.param); });

}  // namespace
}  // namespace centella

// Sources on every master: text_file over plain, gzip and zstd files (a directory mixing
// them, and a glob) and whole_text_files, against the lines and contents written here.
#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>

#include "tests/operators/operator_test.h"

namespace centella {
namespace {

using SourcesTest = OperatorTest;

void WritePlain(const std::filesystem::path& path, const std::string& content) {
  std::ofstream(path, std::ios::binary) << content;
}

void WriteGzip(const std::filesystem::path& path, const std::string& content) {
  gzFile f = gzopen(path.c_str(), "wb");
  ASSERT_NE(f, nullptr);
  if (!content.empty()) {
    ASSERT_EQ(gzwrite(f, content.data(), static_cast<unsigned>(content.size())),
              static_cast<int>(content.size()));
  }
  ASSERT_EQ(gzclose(f), Z_OK);
}

void WriteZstd(const std::filesystem::path& path, const std::string& content) {
  std::string out(ZSTD_compressBound(content.size()), '\0');
  size_t n = ZSTD_compress(out.data(), out.size(), content.data(), content.size(), 3);
  ASSERT_FALSE(ZSTD_isError(n));
  out.resize(n);
  WritePlain(path, out);
}

std::string RandomLines(std::mt19937_64& rng, int n, std::vector<std::string>* lines) {
  std::string text;
  for (int i = 0; i < n; ++i) {
    std::string line = "line " + std::to_string(rng() % 100000);
    line.append(rng() % 40, 'x');
    text += line + "\n";
    lines->push_back(line);
  }
  return text;
}

TEST_P(SourcesTest, TextFileReadsPlainGzipAndZstdFiles) {
  std::vector<std::string> want;
  const std::filesystem::path in = dir() / "logs";
  std::filesystem::create_directories(in);
  WritePlain(in / "a.log", RandomLines(rng_, 3000, &want));
  WriteGzip(in / "b.log.gz", RandomLines(rng_, 2000, &want));
  WriteZstd(in / "c.log.zst", RandomLines(rng_, 2500, &want));
  WriteGzip(in / "empty.gz", "");
  auto got = ctx_->text_file(in.string(), 4).collect();
  ASSERT_TRUE(got.ok()) << got.status();
  std::sort(want.begin(), want.end());
  std::sort(got->begin(), got->end());
  EXPECT_EQ(*got, want);

  auto gz_only = ctx_->text_file((in / "*.gz").string()).count();
  ASSERT_TRUE(gz_only.ok()) << gz_only.status();
  EXPECT_EQ(*gz_only, 2000);

  // A truncated compressed file fails the job and names the file.
  std::string whole;
  {
    std::ifstream f(in / "b.log.gz", std::ios::binary);
    whole.assign(std::istreambuf_iterator<char>(f), {});
  }
  WritePlain(in / "b.log.gz", whole.substr(0, whole.size() / 2));
  auto broken = ctx_->text_file(in.string()).count();
  ASSERT_FALSE(broken.ok());
  EXPECT_NE(broken.status().message().find("b.log.gz"), absl::string_view::npos)
      << broken.status();
}

TEST_P(SourcesTest, WholeTextFilesGivesPathAndContent) {
  const std::filesystem::path in = dir() / "docs";
  std::filesystem::create_directories(in);
  std::map<std::string, std::string> want;
  for (int i = 0; i < 9; ++i) {
    std::vector<std::string> ignored;
    std::string content = RandomLines(rng_, static_cast<int>(rng_() % 50), &ignored);
    std::filesystem::path path = in / ("doc" + std::to_string(i) + (i % 3 == 1 ? ".gz" : ".txt"));
    if (i % 3 == 1) {
      WriteGzip(path, content);
    } else {
      WritePlain(path, content);
    }
    want[std::filesystem::absolute(path).lexically_normal().string()] = content;
  }
  auto rdd = ctx_->whole_text_files(in.string(), 3);
  auto got = rdd.collect();
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ((std::map<std::string, std::string>(got->begin(), got->end())), want);
  EXPECT_EQ(got->size(), want.size());
}

CENTELLA_ON_EVERY_MASTER(SourcesTest);

}  // namespace
}  // namespace centella

#include "engine/memory/spill_file.h"

#include <filesystem>
#include <random>

#include "gtest/gtest.h"

namespace centella {
namespace {

std::string TempPath(const std::string& name) {
  return (std::filesystem::path(::testing::TempDir()) / (name + std::to_string(::getpid())))
      .string();
}

TEST(SpillFileTest, RecordsComeBackInOrderAcrossBufferBoundaries) {
  std::mt19937_64 rng(3);
  std::vector<std::string> records;
  for (int i = 0; i < 3000; ++i) {
    // Mostly small, some larger than the 1 MiB buffer.
    size_t n = i % 500 == 7 ? (1 << 20) + rng() % 5000 : rng() % 3000;
    std::string r(n, '\0');
    for (char& c : r) c = static_cast<char>(rng());
    records.push_back(std::move(r));
  }
  std::string path = TempPath("spill");
  {
    auto file = SpillFile::Create(path);
    ASSERT_TRUE(file.ok()) << file.status();
    for (const std::string& r : records) ASSERT_TRUE((*file)->Append(r).ok());
    ASSERT_TRUE((*file)->FinishWriting().ok());
    for (const std::string& want : records) {
      std::string_view got;
      auto more = (*file)->Next(&got);
      ASSERT_TRUE(more.ok()) << more.status();
      ASSERT_TRUE(*more);
      ASSERT_EQ(got, want);
    }
    std::string_view none;
    EXPECT_FALSE(*(*file)->Next(&none));
    EXPECT_TRUE(std::filesystem::exists(path));
  }
  EXPECT_FALSE(std::filesystem::exists(path));  // deleted with its SpillFile
}

TEST(SpillFileTest, RawSegmentsAreReadBackByOffset) {
  auto file = SpillFile::Create(TempPath("segments"));
  ASSERT_TRUE(file.ok());
  std::vector<std::pair<uint64_t, std::string>> segments;
  for (int i = 0; i < 50; ++i) {
    std::string bytes(i * 40000, static_cast<char>('a' + i % 26));
    auto offset = (*file)->AppendRaw(bytes);
    ASSERT_TRUE(offset.ok());
    segments.emplace_back(*offset, bytes);
  }
  ASSERT_TRUE((*file)->FinishWriting().ok());
  for (const auto& [offset, bytes] : segments) {
    std::string out = "prefix";
    ASSERT_TRUE((*file)->ReadRaw(offset, bytes.size(), &out).ok());
    EXPECT_EQ(out, "prefix" + bytes);
  }
}

TEST(SpillFileTest, ATruncatedFileIsDataLoss) {
  std::string path = TempPath("torn");
  auto file = SpillFile::Create(path);
  ASSERT_TRUE(file.ok());
  ASSERT_TRUE((*file)->Append(std::string(5000, 'x')).ok());
  ASSERT_TRUE((*file)->FinishWriting().ok());
  std::filesystem::resize_file(path, 3000);
  std::string_view got;
  auto more = (*file)->Next(&got);
  EXPECT_EQ(more.status().code(), absl::StatusCode::kDataLoss) << more.status();
}

TEST(SpillFileTest, AnUncreatableFileNamesItsPath) {
  auto file = SpillFile::Create("/nonexistent-dir/spill");
  ASSERT_FALSE(file.ok());
  EXPECT_NE(file.status().message().find("/nonexistent-dir/spill"), absl::string_view::npos);
}

}  // namespace
}  // namespace centella

#include "tools/gen-records/sort_records.h"

#include <cctype>
#include <cstdio>
#include <string>
#include <string_view>

#include "absl/container/flat_hash_set.h"
#include "gtest/gtest.h"

namespace centella::gen_records {
namespace {

std::string Generate(const SortRecordOptions& options, TableStats* stats = nullptr) {
  std::string text;
  absl::StatusOr<TableStats> result = GenerateSortRecords(options, [&](std::string_view chunk) {
    text.append(chunk);
    return absl::OkStatus();
  });
  EXPECT_TRUE(result.ok()) << result.status();
  if (stats != nullptr && result.ok()) *stats = *result;
  return text;
}

SortRecordOptions Options(uint64_t bytes) {
  SortRecordOptions options;
  options.target_bytes = bytes;
  options.seed = 42;
  return options;
}

TEST(SortRecordsTest, RecordsHaveTheDocumentedLayout) {
  TableStats stats;
  const std::string text = Generate(Options(100'000), &stats);
  ASSERT_EQ(text.size(), 100'000u);
  EXPECT_EQ(stats.bytes, text.size());
  EXPECT_EQ(stats.rows, 1000u);
  for (uint64_t row = 0; row < stats.rows; ++row) {
    const std::string_view r(text.data() + row * kSortRecordBytes, kSortRecordBytes);
    for (int i = 0; i < kSortKeyBytes; ++i) {
      ASSERT_GE(r[i], '!') << r;
      ASSERT_LE(r[i], '~') << r;
    }
    ASSERT_EQ(r[10], '\t') << r;
    char number[24];
    std::snprintf(number, sizeof(number), "%012llu", static_cast<unsigned long long>(row));
    ASSERT_EQ(r.substr(11, 12), number) << r;
    ASSERT_EQ(r[23], ' ') << r;
    for (int i = 24; i < 99; ++i) {
      const char c = r[i];
      ASSERT_TRUE(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-') << r;
    }
    ASSERT_EQ(r[99], '\n') << r;
  }
}

TEST(SortRecordsTest, StopsAtTheFirstWholeRecordReachingTheTarget) {
  EXPECT_EQ(Generate(Options(0)).size(), 0u);
  EXPECT_EQ(Generate(Options(1)).size(), 100u);
  EXPECT_EQ(Generate(Options(100)).size(), 100u);
  EXPECT_EQ(Generate(Options(101)).size(), 200u);
}

TEST(SortRecordsTest, DeterministicAndSmallerIsPrefixOfLarger) {
  const std::string a = Generate(Options(50'000));
  EXPECT_EQ(a, Generate(Options(50'000)));
  const std::string b = Generate(Options(9'000'000));  // Crosses a chunk boundary.
  EXPECT_EQ(b.compare(0, a.size(), a), 0);
  SortRecordOptions other = Options(50'000);
  other.seed = 43;
  EXPECT_NE(a, Generate(other));
}

absl::flat_hash_set<std::string> Keys(const std::string& text) {
  absl::flat_hash_set<std::string> keys;
  for (size_t at = 0; at < text.size(); at += kSortRecordBytes) {
    keys.insert(text.substr(at, kSortKeyBytes));
  }
  return keys;
}

TEST(SortRecordsTest, DuplicateKeysComeFromTheHotSet) {
  SortRecordOptions options = Options(1'000'000);  // 10,000 records
  options.duplicate_per_mille = 0;
  EXPECT_EQ(Keys(Generate(options)).size(), 10'000u);  // 94^10 keys: no chance collision
  options.duplicate_per_mille = 1000;
  const size_t hot = Keys(Generate(options)).size();
  EXPECT_LE(hot, static_cast<size_t>(kHotKeys));
  EXPECT_GT(hot, 900u);
  options.duplicate_per_mille = 10;
  const size_t some = Keys(Generate(options)).size();
  EXPECT_LT(some, 10'000u);
  EXPECT_GT(some, 9'700u);
}

TEST(SortRecordsTest, RejectsBadOptionsAndStopsOnSinkError) {
  SortRecordOptions options = Options(1000);
  options.duplicate_per_mille = 1001;
  EXPECT_EQ(GenerateSortRecords(options, [](std::string_view) { return absl::OkStatus(); })
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
  absl::StatusOr<TableStats> failed = GenerateSortRecords(
      Options(1000), [](std::string_view) { return absl::ResourceExhaustedError("disk full"); });
  EXPECT_EQ(failed.status().code(), absl::StatusCode::kResourceExhausted);
}

}  // namespace
}  // namespace centella::gen_records

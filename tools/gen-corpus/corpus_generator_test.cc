#include "tools/gen-corpus/corpus_generator.h"

#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"

namespace centella::gen_corpus {
namespace {

CorpusOptions SmallOptions() {
  CorpusOptions options;
  options.target_bytes = 300'000;
  options.seed = 42;
  options.distinct_words = 5000;
  return options;
}

std::string GenerateToString(const CorpusOptions& options, CorpusStats* stats = nullptr) {
  absl::StatusOr<CorpusGenerator> generator = CorpusGenerator::Create(options);
  EXPECT_TRUE(generator.ok()) << generator.status();
  if (!generator.ok()) return "";
  std::string text;
  absl::StatusOr<CorpusStats> result = generator->Generate([&](std::string_view chunk) {
    text.append(chunk);
    return absl::OkStatus();
  });
  EXPECT_TRUE(result.ok()) << result.status();
  if (stats != nullptr && result.ok()) *stats = *result;
  return text;
}

TEST(CorpusGeneratorTest, StopsAtFirstWholeLineReachingTarget) {
  CorpusStats stats;
  const std::string text = GenerateToString(SmallOptions(), &stats);
  ASSERT_GE(text.size(), 300'000u);
  ASSERT_EQ(text.back(), '\n');
  EXPECT_EQ(stats.bytes, text.size());
  // Without its last line the corpus would have been too short.
  const size_t previous_line_end = text.rfind('\n', text.size() - 2);
  EXPECT_LT(previous_line_end + 1, 300'000u);
}

TEST(CorpusGeneratorTest, LinesHaveConfiguredWordCountsFromTheVocabulary) {
  CorpusOptions options = SmallOptions();
  options.min_words_per_line = 2;
  options.max_words_per_line = 4;
  CorpusStats stats;
  const std::string text = GenerateToString(options, &stats);

  absl::StatusOr<CorpusGenerator> generator = CorpusGenerator::Create(options);
  ASSERT_TRUE(generator.ok());
  absl::flat_hash_set<std::string> vocabulary;
  for (size_t i = 0; i < generator->vocabulary().size(); ++i) {
    vocabulary.insert(std::string(generator->vocabulary().word(i)));
  }

  // Debian's Abseil has its own absl::string_view, which StrSplit requires.
  std::vector<absl::string_view> lines = absl::StrSplit(text, '\n');
  ASSERT_EQ(lines.back(), "");  // Text ends with a newline.
  lines.pop_back();
  EXPECT_EQ(lines.size(), stats.lines);
  uint64_t words = 0;
  absl::flat_hash_set<int> lengths_seen;
  for (absl::string_view line : lines) {
    std::vector<absl::string_view> line_words = absl::StrSplit(line, ' ');
    ASSERT_GE(line_words.size(), 2u) << line;
    ASSERT_LE(line_words.size(), 4u) << line;
    lengths_seen.insert(static_cast<int>(line_words.size()));
    for (absl::string_view word : line_words) {
      ASSERT_TRUE(vocabulary.contains(std::string(word))) << word;
    }
    words += line_words.size();
  }
  EXPECT_EQ(words, stats.words);
  EXPECT_EQ(lengths_seen.size(), 3u);
}

TEST(CorpusGeneratorTest, DeterministicAndSmallerIsPrefixOfLarger) {
  const std::string a = GenerateToString(SmallOptions());
  EXPECT_EQ(a, GenerateToString(SmallOptions()));

  CorpusOptions larger = SmallOptions();
  larger.target_bytes = 9'000'000;  // Crosses the internal chunk size.
  const std::string b = GenerateToString(larger);
  EXPECT_EQ(b.compare(0, a.size(), a), 0);

  CorpusOptions other_seed = SmallOptions();
  other_seed.seed = 43;
  EXPECT_NE(a, GenerateToString(other_seed));
}

TEST(CorpusGeneratorTest, ZeroTargetIsEmpty) {
  CorpusOptions options = SmallOptions();
  options.target_bytes = 0;
  EXPECT_EQ(GenerateToString(options), "");
}

TEST(CorpusGeneratorTest, SinkErrorStopsGeneration) {
  absl::StatusOr<CorpusGenerator> generator = CorpusGenerator::Create(SmallOptions());
  ASSERT_TRUE(generator.ok());
  absl::StatusOr<CorpusStats> result = generator->Generate(
      [](std::string_view) { return absl::ResourceExhaustedError("disk full"); });
  EXPECT_EQ(result.status().code(), absl::StatusCode::kResourceExhausted);
}

TEST(CorpusGeneratorTest, RejectsBadOptions) {
  CorpusOptions options = SmallOptions();
  options.min_words_per_line = 6;
  options.max_words_per_line = 5;
  EXPECT_EQ(CorpusGenerator::Create(options).status().code(), absl::StatusCode::kInvalidArgument);
  options = SmallOptions();
  options.min_words_per_line = 0;
  EXPECT_EQ(CorpusGenerator::Create(options).status().code(), absl::StatusCode::kInvalidArgument);
  options = SmallOptions();
  options.zipf_s = 0;
  EXPECT_EQ(CorpusGenerator::Create(options).status().code(), absl::StatusCode::kInvalidArgument);
  options = SmallOptions();
  options.distinct_words = 0;
  EXPECT_EQ(CorpusGenerator::Create(options).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(CorpusGeneratorTest, WriteFileMatchesGenerate) {
  const char* tmp = std::getenv("TEST_TMPDIR");
  const std::string path = std::string(tmp != nullptr ? tmp : "/tmp") + "/gen_corpus_test_" +
                           std::to_string(::getpid()) + ".txt";
  absl::StatusOr<CorpusGenerator> generator = CorpusGenerator::Create(SmallOptions());
  ASSERT_TRUE(generator.ok());
  absl::StatusOr<CorpusStats> stats = generator->WriteFile(path);
  ASSERT_TRUE(stats.ok()) << stats.status();
  std::ifstream in(path, std::ios::binary);
  std::stringstream contents;
  contents << in.rdbuf();
  EXPECT_EQ(contents.str(), GenerateToString(SmallOptions()));
  EXPECT_EQ(stats->bytes, contents.str().size());
  ::unlink(path.c_str());
}

TEST(CorpusGeneratorTest, WriteFileReportsMissingDirectory) {
  absl::StatusOr<CorpusGenerator> generator = CorpusGenerator::Create(SmallOptions());
  ASSERT_TRUE(generator.ok());
  absl::StatusOr<CorpusStats> stats = generator->WriteFile("/nonexistent-dir/corpus.txt");
  EXPECT_EQ(stats.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(stats.status().message().find("/nonexistent-dir/corpus.txt"), std::string::npos);
}

}  // namespace
}  // namespace centella::gen_corpus

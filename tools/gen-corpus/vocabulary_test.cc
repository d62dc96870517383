#include "tools/gen-corpus/vocabulary.h"

#include <string>

#include "absl/container/flat_hash_set.h"
#include "gtest/gtest.h"

namespace centella::gen_corpus {
namespace {

TEST(VocabularyTest, WordsAreDistinctLowercaseAndInLengthRange) {
  absl::StatusOr<Vocabulary> vocabulary = Vocabulary::Generate(50'000, 7);
  ASSERT_TRUE(vocabulary.ok()) << vocabulary.status();
  ASSERT_EQ(vocabulary->size(), 50'000u);
  absl::flat_hash_set<std::string> seen;
  for (size_t i = 0; i < vocabulary->size(); ++i) {
    const std::string_view word = vocabulary->word(i);
    EXPECT_GE(word.size(), static_cast<size_t>(Vocabulary::kMinWordLength));
    EXPECT_LE(word.size(), static_cast<size_t>(Vocabulary::kMaxWordLength));
    for (char c : word) ASSERT_TRUE(c >= 'a' && c <= 'z') << word;
    EXPECT_TRUE(seen.insert(std::string(word)).second) << "duplicate " << word;
    // The writer copies whole slots: padding must be zero so no garbage reaches the corpus.
    const char* slot = vocabulary->Slot(i);
    for (size_t j = word.size(); j < Vocabulary::kSlotSize - 1; ++j) EXPECT_EQ(slot[j], '\0');
  }
}

// 26^3 three-letter words exist, so a large vocabulary must reject many duplicates and
// still come out distinct.
TEST(VocabularyTest, SurvivesManyCollisionsOnShortWords) {
  absl::StatusOr<Vocabulary> vocabulary = Vocabulary::Generate(400'000, 1);
  ASSERT_TRUE(vocabulary.ok());
  absl::flat_hash_set<std::string_view> seen;
  for (size_t i = 0; i < vocabulary->size(); ++i)
    ASSERT_TRUE(seen.insert(vocabulary->word(i)).second);
}

TEST(VocabularyTest, SameSeedSameWordsOtherSeedOtherWords) {
  absl::StatusOr<Vocabulary> a = Vocabulary::Generate(1000, 42);
  absl::StatusOr<Vocabulary> b = Vocabulary::Generate(1000, 42);
  absl::StatusOr<Vocabulary> c = Vocabulary::Generate(1000, 43);
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  int differing = 0;
  for (size_t i = 0; i < 1000; ++i) {
    EXPECT_EQ(a->word(i), b->word(i));
    differing += a->word(i) != c->word(i);
  }
  EXPECT_GT(differing, 990);
}

TEST(VocabularyTest, RejectsOutOfRangeSizes) {
  EXPECT_EQ(Vocabulary::Generate(0, 1).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Vocabulary::Generate(Vocabulary::kMaxSize + 1, 1).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace centella::gen_corpus

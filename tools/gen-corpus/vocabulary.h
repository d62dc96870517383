// Vocabulary: a deterministic list of distinct lowercase words, indexed by frequency rank.
//
// Word i (0-based) is the word of Zipf rank i + 1. Every word is 3 to 12 letters a-z,
// lengths uniform before duplicates are rejected (rejection slightly thins the 3-letter
// words, of which only 26^3 exist).
//
// Storage is one fixed 16-byte slot per word: the letters, zero padding, and the length in
// the last byte. The corpus writer copies a whole slot with one unaligned 16-byte store and
// advances by the length, which keeps the hot loop free of branches and calls.
//
// Thread safety: immutable after Generate(); safe to read from any thread.
#ifndef CENTELLA_TOOLS_GEN_CORPUS_VOCABULARY_H_
#define CENTELLA_TOOLS_GEN_CORPUS_VOCABULARY_H_

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"

namespace centella::gen_corpus {

class Vocabulary {
 public:
  static constexpr int kMinWordLength = 3;
  static constexpr int kMaxWordLength = 12;
  static constexpr size_t kSlotSize = 16;
  // Bounds memory (16 bytes per word here, 8 more in the sampler) to about 2.4 GB.
  static constexpr uint64_t kMaxSize = 100'000'000;

  // Generates `size` distinct words from `seed`. InvalidArgument unless 1 <= size <= kMaxSize.
  static absl::StatusOr<Vocabulary> Generate(uint64_t size, uint64_t seed);

  size_t size() const { return slots_.size() / kSlotSize; }

  std::string_view word(size_t index) const {
    const char* slot = Slot(index);
    return std::string_view(slot, static_cast<unsigned char>(slot[kSlotSize - 1]));
  }

  // The 16-byte slot of word `index`: the word, then zeros, then its length in slot[15].
  const char* Slot(size_t index) const { return slots_.data() + index * kSlotSize; }

 private:
  explicit Vocabulary(std::vector<char> slots) : slots_(std::move(slots)) {}

  std::vector<char> slots_;
};

}  // namespace centella::gen_corpus

#endif  // CENTELLA_TOOLS_GEN_CORPUS_VOCABULARY_H_

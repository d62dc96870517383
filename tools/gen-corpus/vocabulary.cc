#include "tools/gen-corpus/vocabulary.h"

#include <cstring>
#include <string_view>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "tools/gen-corpus/random_bit_source.h"

namespace centella::gen_corpus {

absl::StatusOr<Vocabulary> Vocabulary::Generate(uint64_t size, uint64_t seed) {
  if (size < 1 || size > kMaxSize) {
    return absl::InvalidArgumentError(
        absl::StrCat("distinct word count must be in [1, ", kMaxSize, "], got ", size));
  }
  static_assert(kMaxWordLength < kSlotSize, "the length byte must not overlap the letters");

  // Reserved up front so the string_views in `seen` never dangle.
  std::vector<char> slots(size * kSlotSize, '\0');
  absl::flat_hash_set<std::string_view> seen;
  seen.reserve(size);

  // A stream separate from the one that picks words, so changing line-shape flags never
  // changes the vocabulary.
  RandomBitSource random(seed ^ 0x766f636162756c61ULL);
  constexpr uint64_t kLengthChoices = kMaxWordLength - kMinWordLength + 1;
  size_t filled = 0;
  while (filled < size) {
    char* slot = slots.data() + filled * kSlotSize;
    const int length = kMinWordLength + static_cast<int>(random.Below(kLengthChoices));
    for (int i = 0; i < length; ++i) slot[i] = static_cast<char>('a' + random.Below(26));
    if (seen.insert(std::string_view(slot, length)).second) {
      slot[kSlotSize - 1] = static_cast<char>(length);
      ++filled;
    } else {
      std::memset(slot, 0, kSlotSize);  // Duplicate: draw again into the same slot.
    }
  }
  return Vocabulary(std::move(slots));
}

}  // namespace centella::gen_corpus

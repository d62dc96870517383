#include "tools/gen-records/sort_records.h"

#include <array>
#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/status/status_macros.h"
#include "tools/gen-corpus/random_bit_source.h"

namespace centella::gen_records {
namespace {

using gen_corpus::RandomBitSource;

constexpr int kNumberDigits = 12;
constexpr int kFillerBytes = kSortRecordBytes - kSortKeyBytes - 1 - kNumberDigits - 1 - 1;
static_assert(kFillerBytes == 75);

// Keys use the 94 printable ASCII bytes other than space.
constexpr char kFirstKeyByte = '!';
constexpr uint64_t kKeyAlphabet = 94;
// 94^5 < 2^64: half a key from one Below() draw.
constexpr uint64_t kHalfKeySpace =
    kKeyAlphabet * kKeyAlphabet * kKeyAlphabet * kKeyAlphabet * kKeyAlphabet;

// 64 filler bytes: six random bits each, ten per 64-bit draw.
constexpr char kFillerAlphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.-";
static_assert(sizeof(kFillerAlphabet) == 65);

using Key = std::array<char, kSortKeyBytes>;

Key RandomKey(RandomBitSource& random) {
  Key key;
  for (int half = 0; half < 2; ++half) {
    uint64_t digits = random.Below(kHalfKeySpace);
    for (int i = 0; i < kSortKeyBytes / 2; ++i) {
      key[half * (kSortKeyBytes / 2) + i] =
          static_cast<char>(kFirstKeyByte + digits % kKeyAlphabet);
      digits /= kKeyAlphabet;
    }
  }
  return key;
}

void WriteNumber(uint64_t n, char* out) {
  for (int i = kNumberDigits - 1; i >= 0; --i) {
    out[i] = static_cast<char>('0' + n % 10);
    n /= 10;
  }
}

}  // namespace

absl::StatusOr<TableStats> GenerateSortRecords(const SortRecordOptions& options, ChunkSink sink) {
  if (options.duplicate_per_mille < 0 || options.duplicate_per_mille > 1000) {
    return absl::InvalidArgumentError(absl::StrCat(
        "duplicate keys per mille must be in 0..1000, got ", options.duplicate_per_mille));
  }
  // Separate streams, so that the hot keys do not depend on the record stream's use.
  RandomBitSource hot_random(options.seed ^ 0x686f746b657973ULL);
  std::array<Key, kHotKeys> hot_keys;
  for (Key& key : hot_keys) key = RandomKey(hot_random);
  RandomBitSource random(options.seed ^ 0x7465726173ULL);

  ChunkedOutput out(sink, kSortRecordBytes);
  TableStats stats;
  while (out.bytes() < options.target_bytes) {
    char* p = out.Reserve();
    const bool hot = random.Below(1000) < static_cast<uint64_t>(options.duplicate_per_mille);
    const Key key = hot ? hot_keys[random.Below(kHotKeys)] : RandomKey(random);
    std::memcpy(p, key.data(), kSortKeyBytes);
    p += kSortKeyBytes;
    *p++ = '\t';
    WriteNumber(stats.rows, p);
    p += kNumberDigits;
    *p++ = ' ';
    for (int i = 0; i < kFillerBytes; i += 10) {
      uint64_t bits = random.Next();
      for (int j = i; j < i + 10 && j < kFillerBytes; ++j, bits >>= 6) {
        *p++ = kFillerAlphabet[bits & 63];
      }
    }
    *p = '\n';
    ++stats.rows;
    RETURN_IF_ERROR(out.Commit(kSortRecordBytes));
  }
  RETURN_IF_ERROR(out.Flush());
  stats.bytes = out.bytes();
  return stats;
}

}  // namespace centella::gen_records

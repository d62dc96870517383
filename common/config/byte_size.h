// ByteSize: an amount of memory or disk, kept as a strong type so that "bytes" and "MiB"
// cannot be mixed up, plus the parser for Spark-style size strings.
//
// Accepted text (case-insensitive, surrounding whitespace ignored): a non-negative integer
// followed by an optional unit: b, k/kb, m/mb, g/gb, t/tb, p/pb. Units are binary
// (1k = 1024), as in Spark. A bare number is bytes. Fractions ("1.5g") are rejected, as in
// Spark; write "1536m".
//
// Thread safety: plain value type and pure functions.
#ifndef CENTELLA_COMMON_CONFIG_BYTE_SIZE_H_
#define CENTELLA_COMMON_CONFIG_BYTE_SIZE_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace centella {

struct ByteSize {
  int64_t bytes = 0;

  static constexpr ByteSize KiB(int64_t n) { return {n << 10}; }
  static constexpr ByteSize MiB(int64_t n) { return {n << 20}; }
  static constexpr ByteSize GiB(int64_t n) { return {n << 30}; }

  friend constexpr auto operator<=>(const ByteSize&, const ByteSize&) = default;
};

// Parses "512", "64k", "512m", "2g", "1t", "10MB", ... . InvalidArgument names the text
// and says what was expected; OutOfRange if the size does not fit in int64_t bytes.
absl::StatusOr<ByteSize> ParseByteSize(std::string_view text);

// The shortest exact Spark-style spelling: 1048576 bytes -> "1m", 1000 -> "1000".
// ParseByteSize(FormatByteSize(x)) == x for every non-negative x.
std::string FormatByteSize(ByteSize size);

}  // namespace centella

#endif  // CENTELLA_COMMON_CONFIG_BYTE_SIZE_H_

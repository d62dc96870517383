#include "common/config/byte_size.h"

#include <limits>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace centella {
namespace {

struct Unit {
  absl::string_view suffix;
  int shift;
};

// Largest first so that FormatByteSize picks the shortest spelling.
constexpr Unit kUnits[] = {{"p", 50}, {"t", 40}, {"g", 30}, {"m", 20}, {"k", 10}};

absl::Status BadSize(absl::string_view text) {
  return absl::InvalidArgumentError(
      absl::StrCat("invalid size '", text,
                   "': expected a non-negative integer with an optional unit b, k, m, g, t "
                   "or p (e.g. 512m, 2g)"));
}

}  // namespace

absl::StatusOr<ByteSize> ParseByteSize(std::string_view input) {
  // Debian's Abseil keeps its own string_view type, distinct from std::string_view.
  const absl::string_view text(input.data(), input.size());
  const std::string lower = absl::AsciiStrToLower(absl::StripAsciiWhitespace(text));
  absl::string_view rest = lower;
  // Split "<digits><letters>".
  size_t digits_end = 0;
  while (digits_end < rest.size() && absl::ascii_isdigit(rest[digits_end])) ++digits_end;
  if (digits_end == 0) return BadSize(text);
  const absl::string_view digits = rest.substr(0, digits_end);
  absl::string_view suffix = rest.substr(digits_end);

  int shift = -1;
  if (suffix.empty() || suffix == "b") {
    shift = 0;
  } else {
    if (suffix.size() == 2 && suffix.back() == 'b') suffix.remove_suffix(1);
    for (const Unit& unit : kUnits) {
      if (suffix == unit.suffix) shift = unit.shift;
    }
  }
  if (shift < 0) return BadSize(text);

  int64_t number = 0;
  if (!absl::SimpleAtoi(digits, &number) ||
      number > (std::numeric_limits<int64_t>::max() >> shift)) {
    return absl::OutOfRangeError(absl::StrCat("size '", text, "' is too large"));
  }
  return ByteSize{number << shift};
}

std::string FormatByteSize(ByteSize size) {
  if (size.bytes > 0) {
    for (const Unit& unit : kUnits) {
      const int64_t mask = (int64_t{1} << unit.shift) - 1;
      if ((size.bytes & mask) == 0) return absl::StrCat(size.bytes >> unit.shift, unit.suffix);
    }
  }
  return absl::StrCat(size.bytes);
}

}  // namespace centella

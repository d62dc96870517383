#include "common/config/conf_value.h"

#include <limits>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace centella {

// Each parser first views its input as absl::string_view: Debian's Abseil keeps its own
// string_view type, distinct from std::string_view.

absl::StatusOr<int64_t> ParseConfInt(std::string_view input) {
  const absl::string_view text(input.data(), input.size());
  const absl::string_view trimmed = absl::StripAsciiWhitespace(text);
  int64_t value = 0;
  if (absl::SimpleAtoi(trimmed, &value)) return value;
  // SimpleAtoi fails alike on garbage and on overflow; tell them apart for the message.
  bool all_digits = !trimmed.empty();
  for (size_t i = 0; i < trimmed.size(); ++i) {
    const bool sign = i == 0 && (trimmed[i] == '-' || trimmed[i] == '+') && trimmed.size() > 1;
    if (!sign && !absl::ascii_isdigit(trimmed[i])) all_digits = false;
  }
  if (all_digits) {
    return absl::OutOfRangeError(absl::StrCat("integer '", text, "' does not fit in 64 bits"));
  }
  return absl::InvalidArgumentError(absl::StrCat("invalid integer '", text, "'"));
}

absl::StatusOr<bool> ParseConfBool(std::string_view input) {
  const absl::string_view text(input.data(), input.size());
  const std::string lower = absl::AsciiStrToLower(absl::StripAsciiWhitespace(text));
  if (lower == "true" || lower == "1" || lower == "yes") return true;
  if (lower == "false" || lower == "0" || lower == "no") return false;
  return absl::InvalidArgumentError(
      absl::StrCat("invalid boolean '", text, "': expected true/false, yes/no or 1/0"));
}

absl::StatusOr<absl::Duration> ParseConfDuration(std::string_view input) {
  const absl::string_view text(input.data(), input.size());
  const std::string lower = absl::AsciiStrToLower(absl::StripAsciiWhitespace(text));
  const absl::string_view rest = lower;
  size_t digits_end = 0;
  while (digits_end < rest.size() && absl::ascii_isdigit(rest[digits_end])) ++digits_end;
  absl::string_view digits = rest.substr(0, digits_end);
  const absl::string_view unit_text = rest.substr(digits_end);

  absl::Duration unit;
  if (unit_text.empty() || unit_text == "ms") {
    unit = absl::Milliseconds(1);
  } else if (unit_text == "us") {
    unit = absl::Microseconds(1);
  } else if (unit_text == "s") {
    unit = absl::Seconds(1);
  } else if (unit_text == "m" || unit_text == "min") {
    unit = absl::Minutes(1);
  } else if (unit_text == "h") {
    unit = absl::Hours(1);
  } else if (unit_text == "d") {
    unit = absl::Hours(24);
  } else {
    digits = {};  // Falls through to the error below.
  }
  int64_t count = 0;
  if (digits.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid duration '", text,
                     "': expected a non-negative integer with an optional unit us, ms, s, m, "
                     "min, h or d (a bare number is milliseconds)"));
  }
  // absl::Duration saturates to infinity on overflow instead of failing; catch that here.
  if (!absl::SimpleAtoi(digits, &count) || unit * count == absl::InfiniteDuration()) {
    return absl::OutOfRangeError(absl::StrCat("duration '", text, "' is too large"));
  }
  return unit * count;
}

}  // namespace centella

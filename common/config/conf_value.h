// Parsers for the typed values a Conf holds as text. Conf's getters wrap these and add the
// key to the error; they are public so that command-line flags can accept the same syntax.
// Sizes live in byte_size.h.
//
// All parsers ignore surrounding whitespace and return InvalidArgument naming the text and
// what was expected (OutOfRange when a number is too large). Thread safety: pure functions.
#ifndef CENTELLA_COMMON_CONFIG_CONF_VALUE_H_
#define CENTELLA_COMMON_CONFIG_CONF_VALUE_H_

#include <cstdint>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace centella {

// A signed 64-bit decimal integer.
absl::StatusOr<int64_t> ParseConfInt(std::string_view text);

// true/false, 1/0, yes/no, case-insensitive.
absl::StatusOr<bool> ParseConfBool(std::string_view text);

// A non-negative integer with an optional Spark time unit: us, ms, s, m or min, h, d
// (case-insensitive). A bare number means MILLISECONDS. Spark itself picks the unit of a
// bare number per key (seconds for some timeouts, ms for others); one rule for every key is
// easier to remember, and writing the unit is always accepted.
absl::StatusOr<absl::Duration> ParseConfDuration(std::string_view text);

}  // namespace centella

#endif  // CENTELLA_COMMON_CONFIG_CONF_VALUE_H_

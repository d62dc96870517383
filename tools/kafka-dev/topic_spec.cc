#include "tools/kafka-dev/topic_spec.h"

#include <cstdint>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"

namespace centella::kafka_dev {
namespace {

bool IsLegalTopicChar(char c) {
  return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
}

}  // namespace

absl::StatusOr<TopicSpec> ParseTopicSpec(std::string_view text) {
  // Debian's Abseil has its own string_view, which is what StrCat and SimpleAtoi take.
  const absl::string_view spec(text.data(), text.size());
  const size_t colon = spec.find(':');
  if (colon == absl::string_view::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat("topic '", spec, "' has no partition count: expected NAME:PARTITIONS"));
  }
  const absl::string_view name = spec.substr(0, colon);
  const absl::string_view count = spec.substr(colon + 1);
  if (name.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("topic '", spec, "' has an empty name: expected NAME:PARTITIONS"));
  }
  if (name.size() > kMaxTopicNameLength) {
    return absl::InvalidArgumentError(absl::StrCat("topic name in '", spec, "' is longer than ",
                                                   kMaxTopicNameLength, " characters"));
  }
  if (name == "." || name == "..") {
    return absl::InvalidArgumentError(absl::StrCat("topic name '", name, "' is not allowed"));
  }
  for (char c : name) {
    if (!IsLegalTopicChar(c)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "topic name '", name, "' may only contain letters, digits, '.', '_' and '-'"));
    }
  }
  // Plain decimal digits only: SimpleAtoi alone would also take "+3" and " 3".
  absl::string_view digits = count;
  const bool negative = absl::ConsumePrefix(&digits, "-");
  if (digits.empty() || digits.find_first_not_of("0123456789") != absl::string_view::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat("topic '", spec, "': partition count '", count, "' is not a number"));
  }
  int64_t partitions = 0;
  // Fails only on overflow here, i.e. far more than kMaxPartitions.
  const bool fits = absl::SimpleAtoi(digits, &partitions);
  if (negative || (fits && partitions < 1)) {
    return absl::InvalidArgumentError(
        absl::StrCat("topic '", spec, "' has ", count, " partitions: must be at least 1"));
  }
  if (!fits || partitions > kMaxPartitions) {
    return absl::InvalidArgumentError(
        absl::StrCat("topic '", spec, "' has ", count, " partitions: at most ", kMaxPartitions));
  }
  return TopicSpec{std::string(name), static_cast<int>(partitions)};
}

}  // namespace centella::kafka_dev

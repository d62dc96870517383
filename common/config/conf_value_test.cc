#include "common/config/conf_value.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace centella {
namespace {

using ::testing::HasSubstr;

TEST(ParseConfIntTest, ParsesIntegers) {
  EXPECT_EQ(*ParseConfInt("42"), 42);
  EXPECT_EQ(*ParseConfInt("-7"), -7);
  EXPECT_EQ(*ParseConfInt(" 8 "), 8);
  EXPECT_EQ(*ParseConfInt("9223372036854775807"), INT64_MAX);
}

TEST(ParseConfIntTest, RejectsGarbageAndOverflow) {
  for (std::string_view bad : {"", "abc", "4.5", "12k", "-", "1 2"}) {
    EXPECT_EQ(ParseConfInt(bad).status().code(), absl::StatusCode::kInvalidArgument) << bad;
  }
  EXPECT_EQ(ParseConfInt("9223372036854775808").status().code(), absl::StatusCode::kOutOfRange);
  EXPECT_THAT(std::string(ParseConfInt("abc").status().message()), HasSubstr("'abc'"));
}

TEST(ParseConfBoolTest, ParsesEverySpelling) {
  for (std::string_view yes : {"true", "TRUE", "True", "1", "yes", "YES", " true "}) {
    EXPECT_TRUE(*ParseConfBool(yes)) << yes;
  }
  for (std::string_view no : {"false", "FALSE", "0", "no", "No"}) {
    EXPECT_FALSE(*ParseConfBool(no)) << no;
  }
}

TEST(ParseConfBoolTest, RejectsOthersNamingThem) {
  for (std::string_view bad : {"", "y", "on", "2", "truthy"}) {
    absl::StatusOr<bool> value = ParseConfBool(bad);
    EXPECT_EQ(value.status().code(), absl::StatusCode::kInvalidArgument) << bad;
  }
  EXPECT_THAT(std::string(ParseConfBool("maybe").status().message()), HasSubstr("'maybe'"));
}

TEST(ParseConfDurationTest, ParsesSparkUnits) {
  EXPECT_EQ(*ParseConfDuration("250us"), absl::Microseconds(250));
  EXPECT_EQ(*ParseConfDuration("100ms"), absl::Milliseconds(100));
  EXPECT_EQ(*ParseConfDuration("10s"), absl::Seconds(10));
  EXPECT_EQ(*ParseConfDuration("5m"), absl::Minutes(5));
  EXPECT_EQ(*ParseConfDuration("5min"), absl::Minutes(5));
  EXPECT_EQ(*ParseConfDuration("1h"), absl::Hours(1));
  EXPECT_EQ(*ParseConfDuration("2d"), absl::Hours(48));
  EXPECT_EQ(*ParseConfDuration("10S"), absl::Seconds(10));
  EXPECT_EQ(*ParseConfDuration(" 3s "), absl::Seconds(3));
  EXPECT_EQ(*ParseConfDuration("0"), absl::ZeroDuration());
}

TEST(ParseConfDurationTest, BareNumberIsMilliseconds) {
  EXPECT_EQ(*ParseConfDuration("1500"), absl::Milliseconds(1500));
}

TEST(ParseConfDurationTest, RejectsMalformedDurations) {
  for (std::string_view bad : {"", "s", "-5s", "1.5s", "10 s", "10sec", "10w", "ms10"}) {
    absl::StatusOr<absl::Duration> value = ParseConfDuration(bad);
    EXPECT_EQ(value.status().code(), absl::StatusCode::kInvalidArgument) << bad;
  }
  EXPECT_THAT(std::string(ParseConfDuration("soon").status().message()), HasSubstr("'soon'"));
  EXPECT_EQ(ParseConfDuration("9223372036854775807d").status().code(),
            absl::StatusCode::kOutOfRange);
}

}  // namespace
}  // namespace centella

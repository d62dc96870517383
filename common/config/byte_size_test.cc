#include "common/config/byte_size.h"

#include <limits>
#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace centella {
namespace {

using ::testing::HasSubstr;

int64_t Bytes(std::string_view text) {
  absl::StatusOr<ByteSize> size = ParseByteSize(text);
  EXPECT_TRUE(size.ok()) << text << ": " << size.status();
  return size.ok() ? size->bytes : -1;
}

TEST(ByteSizeTest, ParsesSparkSizes) {
  EXPECT_EQ(Bytes("512"), 512);
  EXPECT_EQ(Bytes("0"), 0);
  EXPECT_EQ(Bytes("100b"), 100);
  EXPECT_EQ(Bytes("64k"), 64 * 1024);
  EXPECT_EQ(Bytes("64kb"), 64 * 1024);
  EXPECT_EQ(Bytes("512m"), int64_t{512} << 20);
  EXPECT_EQ(Bytes("2g"), int64_t{2} << 30);
  EXPECT_EQ(Bytes("1t"), int64_t{1} << 40);
  EXPECT_EQ(Bytes("3p"), int64_t{3} << 50);
}

TEST(ByteSizeTest, IsCaseInsensitiveAndTrimsWhitespace) {
  EXPECT_EQ(Bytes("2G"), int64_t{2} << 30);
  EXPECT_EQ(Bytes("10MB"), int64_t{10} << 20);
  EXPECT_EQ(Bytes("10Mb"), int64_t{10} << 20);
  EXPECT_EQ(Bytes("  4k \t"), 4096);
}

TEST(ByteSizeTest, RejectsMalformedSizesNamingThem) {
  for (const char* bad : {"", "m", "-1", "1.5g", "12 m", "10x", "10mbb", "1e6", "g2"}) {
    absl::StatusOr<ByteSize> size = ParseByteSize(bad);
    EXPECT_EQ(size.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_THAT(std::string(size.status().message()), HasSubstr(absl::StrCat("'", bad, "'")));
  }
}

TEST(ByteSizeTest, RejectsOverflow) {
  EXPECT_EQ(ParseByteSize("8388608t").status().code(), absl::StatusCode::kOutOfRange);
  EXPECT_EQ(ParseByteSize("99999999999999999999").status().code(), absl::StatusCode::kOutOfRange);
  EXPECT_EQ(Bytes("8388607t"), int64_t{8388607} << 40);
}

TEST(ByteSizeTest, FormatsShortestExactSpelling) {
  EXPECT_EQ(FormatByteSize(ByteSize{0}), "0");
  EXPECT_EQ(FormatByteSize(ByteSize{1000}), "1000");
  EXPECT_EQ(FormatByteSize(ByteSize::KiB(3)), "3k");
  EXPECT_EQ(FormatByteSize(ByteSize::MiB(1536)), "1536m");
  EXPECT_EQ(FormatByteSize(ByteSize::GiB(2)), "2g");
  EXPECT_EQ(FormatByteSize(ByteSize::GiB(1024)), "1t");
  for (int64_t bytes : {int64_t{1}, int64_t{4096}, int64_t{5} << 20, int64_t{123456789},
                        std::numeric_limits<int64_t>::max()}) {
    EXPECT_EQ(ParseByteSize(FormatByteSize(ByteSize{bytes}))->bytes, bytes);
  }
}

TEST(ByteSizeTest, Compares) {
  EXPECT_EQ(ByteSize::KiB(1), ByteSize{1024});
  EXPECT_LT(ByteSize::MiB(1), ByteSize::GiB(1));
}

}  // namespace
}  // namespace centella

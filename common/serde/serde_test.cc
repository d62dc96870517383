#include "common/serde/serde.h"

#include <limits>
#include <random>

#include "gtest/gtest.h"

namespace centella {
namespace {

struct Click {
  std::string campaign;
  int64_t ts = 0;
  std::optional<double> price;
  CENTELLA_FIELDS(campaign, ts, price)
  bool operator==(const Click&) const = default;
};

struct Opaque {
  int* p;
};

enum class Color : uint8_t { kRed = 1, kBlue = 200 };

template <class T>
T RoundTrip(const T& v) {
  std::string bytes = SerializeToString(v);
  T out{};
  absl::Status st = DeserializeFromString(bytes, &out);
  EXPECT_TRUE(st.ok()) << st;
  return out;
}

TEST(SerdeTest, Scalars) {
  EXPECT_EQ(RoundTrip(true), true);
  EXPECT_EQ(RoundTrip(std::numeric_limits<int64_t>::min()), std::numeric_limits<int64_t>::min());
  EXPECT_EQ(RoundTrip(std::numeric_limits<int64_t>::max()), std::numeric_limits<int64_t>::max());
  EXPECT_EQ(RoundTrip(std::numeric_limits<uint64_t>::max()),
            std::numeric_limits<uint64_t>::max());
  EXPECT_EQ(RoundTrip<int8_t>(-128), -128);
  EXPECT_EQ(RoundTrip(-1.5), -1.5);
  EXPECT_EQ(RoundTrip(2.25f), 2.25f);
  EXPECT_EQ(RoundTrip(Color::kBlue), Color::kBlue);
  EXPECT_EQ(RoundTrip(std::string("")), "");
  std::string binary("a\0b\xff", 4);
  EXPECT_EQ(RoundTrip(binary), binary);
}

TEST(SerdeTest, SmallIntegersAreCompact) {
  EXPECT_EQ(SerializeToString(int64_t{-1}).size(), 1u);
  EXPECT_EQ(SerializeToString(uint32_t{127}).size(), 1u);
  EXPECT_EQ(SerializeToString(uint32_t{128}).size(), 2u);
}

TEST(SerdeTest, Composites) {
  std::pair<std::string, int64_t> p{"word", 42};
  EXPECT_EQ(RoundTrip(p), p);
  std::tuple<int, std::string, double> t{1, "x", 0.5};
  EXPECT_EQ(RoundTrip(t), t);
  std::vector<std::vector<int>> vv{{}, {1, 2}, {3}};
  EXPECT_EQ(RoundTrip(vv), vv);
  std::optional<std::string> none;
  EXPECT_EQ(RoundTrip(none), none);
  std::optional<std::string> some("v");
  EXPECT_EQ(RoundTrip(some), some);
  std::map<std::string, std::vector<int64_t>> m{{"a", {1}}, {"b", {}}};
  EXPECT_EQ(RoundTrip(m), m);
  std::unordered_map<int, std::string> um{{1, "one"}, {2, "two"}};
  EXPECT_EQ(RoundTrip(um), um);
  std::set<int> s{3, 1, 2};
  EXPECT_EQ(RoundTrip(s), s);
  std::array<int, 3> a{7, 8, 9};
  EXPECT_EQ(RoundTrip(a), a);
}

TEST(SerdeTest, UserTypeThroughFields) {
  Click c{"spring-sale", 1700000000123, 0.25};
  EXPECT_EQ(RoundTrip(c), c);
  std::vector<std::pair<std::string, Click>> v{{"k", c}, {"k2", Click{}}};
  EXPECT_EQ(RoundTrip(v), v);
}

TEST(SerdeTest, TraitRejectsTypesWithoutEncoding) {
  static_assert(kIsSerializable<Click>);
  static_assert(kIsSerializable<std::vector<std::pair<std::string, Click>>>);
  static_assert(!kIsSerializable<Opaque>);
  static_assert(!kIsSerializable<std::vector<Opaque>>);
  static_assert(!kIsSerializable<std::string_view>);
  static_assert(!kIsSerializable<int*>);
}

TEST(SerdeTest, TruncatedInputIsAnErrorNotACrash) {
  std::vector<std::string> v{"alpha", "beta", "gamma"};
  std::string bytes = SerializeToString(v);
  for (size_t cut = 0; cut < bytes.size(); ++cut) {
    std::vector<std::string> out;
    absl::Status st = DeserializeFromString(std::string_view(bytes).substr(0, cut), &out);
    EXPECT_FALSE(st.ok()) << "cut at " << cut;
    EXPECT_EQ(st.code(), absl::StatusCode::kDataLoss);
  }
}

TEST(SerdeTest, HugeCountDoesNotAllocate) {
  std::string bytes;
  ByteWriter w(&bytes);
  w.PutVarint(uint64_t{1} << 60);  // claims 2^60 elements, provides none
  std::vector<int64_t> out;
  EXPECT_FALSE(DeserializeFromString(bytes, &out).ok());
}

TEST(SerdeTest, TrailingBytesAreAnError) {
  std::string bytes = SerializeToString(int32_t{5}) + "x";
  int32_t out;
  absl::Status st = DeserializeFromString(bytes, &out);
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("trailing"), std::string::npos);
}

TEST(SerdeTest, OutOfRangeNarrowingIsAnError) {
  std::string bytes = SerializeToString(int64_t{300});
  int8_t out;
  EXPECT_FALSE(DeserializeFromString(bytes, &out).ok());
}

TEST(SerdeTest, RandomRecordsRoundTrip) {
  std::mt19937_64 rng(42);
  std::vector<std::pair<std::string, int64_t>> records;
  for (int i = 0; i < 5000; ++i) {
    std::string s(rng() % 40, 'a');
    for (char& ch : s) ch = static_cast<char>(rng());
    records.emplace_back(std::move(s), static_cast<int64_t>(rng()));
  }
  std::string bytes;
  ByteWriter w(&bytes);
  for (const auto& r : records) Serialize(w, r);
  ByteReader r(bytes);
  for (const auto& expected : records) {
    std::pair<std::string, int64_t> got;
    ASSERT_TRUE(Deserialize(r, &got));
    ASSERT_EQ(got, expected);
  }
  EXPECT_TRUE(r.done());
}

}  // namespace
}  // namespace centella

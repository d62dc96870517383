// Broadcast variables in local mode: a join-like map against a lookup table of a few MB
// equals an in-test reference; tasks read the driver's object itself (no copy per
// task); destroy() frees it and a later use fails naming the broadcast.
#include <cstdint>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

#include "centella/centella.h"
#include "gtest/gtest.h"

namespace centella {
namespace {

using Table = std::unordered_map<int64_t, std::string>;

std::unique_ptr<Context> MakeContext(int threads) {
  ContextOptions options;
  options.master = "local[" + std::to_string(threads) + "]";
  auto ctx = Context::Create(std::move(options));
  EXPECT_TRUE(ctx.ok()) << ctx.status();
  return ctx.ok() ? *std::move(ctx) : nullptr;
}

// `keys` entries of 24-character names, one key in each block of 4 numbers below
// 4 * keys: 130k keys are about 3.6 MB serialized.
Table RandomTable(std::mt19937_64& rng, int keys) {
  Table t;
  for (int i = 0; i < keys; ++i) {
    std::string name(24, ' ');
    for (char& c : name) c = static_cast<char>('a' + rng() % 26);
    t[4 * i + static_cast<int64_t>(rng() % 4)] = std::move(name);
  }
  return t;
}

// Handles are captured by value in shipped lambdas, which are copied byte for byte.
static_assert(std::is_trivially_copyable_v<Broadcast<Table>>);
static_assert(std::is_trivially_copyable_v<Accumulator<double>>);

TEST(BroadcastTest, JoinWithABroadcastTableMatchesTheReference) {
  std::mt19937_64 rng(3);
  auto ctx = MakeContext(4);
  ASSERT_NE(ctx, nullptr);
  Table table = RandomTable(rng, 130000);
  ASSERT_GT(SerializeToString(table).size(), 3u << 20);
  std::vector<int64_t> orders(200000);
  for (int64_t& o : orders) o = static_cast<int64_t>(rng() % 520000);

  auto names = ctx->broadcast(table);
  auto joined = ctx->parallelize(orders, 16)
                    .filter([names](int64_t key) { return names.value().contains(key); })
                    .map([names](int64_t key) {
                      return std::pair<int64_t, std::string>(key, names.value().at(key));
                    })
                    .collect();
  ASSERT_TRUE(joined.ok()) << joined.status();
  std::vector<std::pair<int64_t, std::string>> want;
  for (int64_t key : orders) {
    if (auto it = table.find(key); it != table.end()) want.emplace_back(key, it->second);
  }
  EXPECT_EQ(*joined, want);
  EXPECT_GT(want.size(), 10000u);
  EXPECT_EQ(names.value(), table);
  EXPECT_EQ(ctx->broadcast_stats().fetches, 0) << "local mode fetches nothing";
  EXPECT_EQ(ctx->broadcast_stats().serialized_bytes, 0) << "local mode serializes nothing";
}

TEST(BroadcastTest, TasksReadTheDriversObjectWithoutACopy) {
  auto ctx = MakeContext(4);
  ASSERT_NE(ctx, nullptr);
  auto big = ctx->broadcast(std::vector<int64_t>(1 << 20, 9));
  const uintptr_t driver_address = reinterpret_cast<uintptr_t>(&big.value());
  auto addresses = ctx->parallelize(std::vector<int64_t>(64, 0), 32)
                       .map([big](int64_t) { return reinterpret_cast<uintptr_t>(&big.value()); })
                       .collect();
  ASSERT_TRUE(addresses.ok()) << addresses.status();
  for (uintptr_t a : *addresses) EXPECT_EQ(a, driver_address);
}

// A function object (not a lambda) that carries a broadcast through Serde.
struct Scale {
  Broadcast<std::vector<int64_t>> factors;
  int64_t operator()(int64_t x) const { return x * factors.value()[x % factors.value().size()]; }
  CENTELLA_FIELDS(factors)
};

TEST(BroadcastTest, HandleInsideAFunctionObjectWithFields) {
  auto ctx = MakeContext(2);
  ASSERT_NE(ctx, nullptr);
  std::vector<int64_t> factors = {2, 3, 5};
  Scale scale{ctx->broadcast(factors)};
  auto got = ctx->parallelize(std::vector<int64_t>{0, 1, 2, 3, 4, 5}, 3).map(scale).collect();
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(*got, (std::vector<int64_t>{0, 3, 10, 6, 12, 25}));
}

TEST(BroadcastTest, DestroyReleasesTheValueAndLaterUseFailsNamingIt) {
  auto ctx = MakeContext(2);
  ASSERT_NE(ctx, nullptr);
  auto weights = ctx->broadcast(std::vector<double>(100000, 0.5));
  auto data = ctx->parallelize(std::vector<int64_t>{1, 2, 3, 4}, 2);
  auto use = [&] {
    return data.map([weights](int64_t x) { return weights.value()[x] * x; }).collect().status();
  };
  ASSERT_TRUE(use().ok());
  EXPECT_EQ(ctx->broadcast_stats().live, 1);

  ASSERT_TRUE(weights.destroy().ok());
  EXPECT_EQ(ctx->broadcast_stats().live, 0);
  EXPECT_TRUE(weights.destroy().ok()) << "destroying twice is fine";

  absl::Status s = use();
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition) << s;
  EXPECT_NE(s.message().find(absl::StrCat("broadcast ", weights.id(), " was destroyed")),
            std::string_view::npos)
      << s;
  EXPECT_EQ(s.message().find("user code threw"), std::string_view::npos) << s;

  // On the driver: get() reports it, value() throws it.
  EXPECT_EQ(weights.get().status().code(), absl::StatusCode::kFailedPrecondition);
  try {
    weights.value();
    ADD_FAILURE() << "value() of a destroyed broadcast must throw";
  } catch (const StatusException& e) {
    EXPECT_NE(std::string(e.what()).find("was destroyed"), std::string::npos) << e.what();
  }
}

TEST(BroadcastTest, DestroyInsideATaskIsRefused) {
  auto ctx = MakeContext(1);
  ASSERT_NE(ctx, nullptr);
  auto b = ctx->broadcast(int64_t{5});
  auto codes = ctx->parallelize(std::vector<int64_t>{1}, 1)
                   .map([b](int64_t) { return static_cast<int>(b.destroy().code()); })
                   .collect();
  ASSERT_TRUE(codes.ok()) << codes.status();
  EXPECT_EQ((*codes)[0], static_cast<int>(absl::StatusCode::kFailedPrecondition));
  EXPECT_EQ(b.value(), 5);
}

}  // namespace
}  // namespace centella

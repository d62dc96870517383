#include "tools/gen-records/join_tables.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"

namespace centella::gen_records {
namespace {

template <class Generator, class Options>
std::string Generate(Generator generate, const Options& options, TableStats* stats = nullptr) {
  std::string text;
  absl::StatusOr<TableStats> result = generate(options, [&](std::string_view chunk) {
    text.append(chunk);
    return absl::OkStatus();
  });
  EXPECT_TRUE(result.ok()) << result.status();
  if (stats != nullptr && result.ok()) *stats = *result;
  return text;
}

// The rows of `text` split at TABs. (Debian's Abseil has its own absl::string_view.)
std::vector<std::vector<std::string>> Rows(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  EXPECT_TRUE(text.empty() || text.back() == '\n');
  for (absl::string_view line : absl::StrSplit(text, '\n', absl::SkipEmpty())) {
    rows.push_back(absl::StrSplit(line, '\t'));
  }
  return rows;
}

uint64_t Number(const std::string& s) {
  uint64_t n = 0;
  EXPECT_TRUE(absl::SimpleAtoi(s, &n)) << s;
  return n;
}

TEST(JoinTablesTest, CustomersHaveSequentialIdsAndKnownRegions) {
  CustomerOptions options;
  options.rows = 20'000;
  options.regions = 12;
  options.seed = 7;
  TableStats stats;
  const std::string text = Generate(GenerateCustomers, options, &stats);
  EXPECT_EQ(stats.bytes, text.size());
  EXPECT_EQ(stats.rows, 20'000u);
  const auto rows = Rows(text);
  ASSERT_EQ(rows.size(), 20'000u);
  absl::flat_hash_set<std::string> regions;
  for (size_t i = 0; i < rows.size(); ++i) {
    ASSERT_EQ(rows[i].size(), 2u);
    ASSERT_EQ(Number(rows[i][0]), i + 1);
    regions.insert(rows[i][1]);
  }
  EXPECT_EQ(regions.size(), 12u);  // 20,000 draws hit all of 12
  EXPECT_TRUE(regions.contains("region-000"));
  EXPECT_TRUE(regions.contains("region-011"));
  EXPECT_EQ(text, Generate(GenerateCustomers, options));
}

TEST(JoinTablesTest, OrdersHaveSequentialIdsAndValuesInRange) {
  OrderOptions options;
  options.rows = 50'000;
  options.max_customer_id = 1000;
  options.seed = 7;
  TableStats stats;
  const std::string text = Generate(GenerateOrders, options, &stats);
  EXPECT_EQ(stats.bytes, text.size());
  EXPECT_EQ(stats.rows, 50'000u);
  const auto rows = Rows(text);
  ASSERT_EQ(rows.size(), 50'000u);
  uint64_t max_customer = 0, max_amount = 0;
  for (size_t i = 0; i < rows.size(); ++i) {
    ASSERT_EQ(rows[i].size(), 3u);
    ASSERT_EQ(Number(rows[i][0]), i + 1);
    const uint64_t customer = Number(rows[i][1]), amount = Number(rows[i][2]);
    ASSERT_GE(customer, 1u);
    ASSERT_LE(customer, 1000u);
    ASSERT_GE(amount, 1u);
    ASSERT_LE(amount, static_cast<uint64_t>(kMaxAmountCents));
    max_customer = std::max(max_customer, customer);
    max_amount = std::max(max_amount, amount);
  }
  EXPECT_EQ(max_customer, 1000u);
  EXPECT_GT(max_amount, 99'000u);
  EXPECT_EQ(text, Generate(GenerateOrders, options));
  options.seed = 8;
  EXPECT_NE(text, Generate(GenerateOrders, options));
}

TEST(JoinTablesTest, RejectsBadOptions) {
  auto ok_sink = [](std::string_view) { return absl::OkStatus(); };
  CustomerOptions customers;
  customers.regions = 0;
  EXPECT_EQ(GenerateCustomers(customers, ok_sink).status().code(),
            absl::StatusCode::kInvalidArgument);
  OrderOptions orders;
  orders.max_customer_id = 0;
  EXPECT_EQ(GenerateOrders(orders, ok_sink).status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace centella::gen_records

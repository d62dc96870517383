// orders_by_region ORDERS CUSTOMERS OUT: joins orders with their customers and totals the
// orders of every region.
//
//   ORDERS:     "order_id<TAB>customer_id<TAB>amount_cents" lines
//   CUSTOMERS:  "customer_id<TAB>region" lines
//   OUT:        OUT/part-NNNNN files of "region<TAB>total_cents<TAB>orders" lines (one per
//               region with at least one matched order, in no particular order) and
//               OUT/_SUCCESS.
//
// An inner join on customer_id: an order whose customer is missing is dropped, and a
// customer listed twice counts its orders twice. customer_id is a decimal in 0..2^63-1
// and amount_cents a signed 64-bit decimal; fields after those used are ignored, and a
// line whose fields do not parse is skipped. Inputs may be files, directories or globs
// (as text_file reads them).
//
// The join benchmark (bench/join) runs it on tables from `centella-gen-records orders`
// and `customers`; see docs/benchmarks.md.
//
//   centella-submit --master local[2] build/examples/orders_by_region orders.txt customers.txt out
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <utility>

#include "centella/centella.h"

namespace {

// Marks a line that did not parse; filtered out before the join.
constexpr int64_t kBadLine = -1;

// Field `index` (0-based) of a TAB-separated line; empty if the line has fewer fields.
std::string_view Field(std::string_view line, int index) {
  for (int i = 0; i < index; ++i) {
    const size_t tab = line.find('\t');
    if (tab == std::string_view::npos) return {};
    line.remove_prefix(tab + 1);
  }
  return line.substr(0, line.find('\t'));
}

// The whole of `field` as a decimal int64 (an optional leading '-'), or false.
bool ParseInt(std::string_view field, int64_t* out) {
  const char* end = field.data() + field.size();
  const auto [parsed_end, error] = std::from_chars(field.data(), end, *out);
  return !field.empty() && error == std::errc() && parsed_end == end;
}

// (customer_id, amount_cents), or kBadLine as the key.
std::pair<int64_t, int64_t> ParseOrder(const std::string& line) {
  int64_t customer = 0, amount = 0;
  if (!ParseInt(Field(line, 1), &customer) || customer < 0 || !ParseInt(Field(line, 2), &amount)) {
    return {kBadLine, 0};
  }
  return {customer, amount};
}

// (customer_id, region), or kBadLine as the key.
std::pair<int64_t, std::string> ParseCustomer(const std::string& line) {
  int64_t customer = 0;
  if (!ParseInt(Field(line, 0), &customer) || customer < 0 || line.find('\t') == line.npos) {
    return {kBadLine, std::string()};
  }
  return {customer, std::string(Field(line, 1))};
}

// (total, count)
using Totals = std::pair<int64_t, int64_t>;

absl::Status OrdersByRegion(centella::Context& ctx, const std::string& orders_path,
                            const std::string& customers_path, const std::string& out) {
  // Lambdas, not function pointers: executors in other processes load the code elsewhere.
  auto orders = ctx.text_file(orders_path)
                    .map([](const std::string& line) { return ParseOrder(line); })
                    .filter([](const std::pair<int64_t, int64_t>& o) { return o.first >= 0; });
  auto customers =
      ctx.text_file(customers_path)
          .map([](const std::string& line) { return ParseCustomer(line); })
          .filter([](const std::pair<int64_t, std::string>& c) { return c.first >= 0; });
  return orders
      .join(customers)
      // (customer, (amount, region)) -> (region, (amount, 1))
      .map([](std::pair<int64_t, std::pair<int64_t, std::string>> row) {
        return std::pair<std::string, Totals>(std::move(row.second.second),
                                              Totals(row.second.first, 1));
      })
      .reduce_by_key(
          [](Totals a, Totals b) { return Totals(a.first + b.first, a.second + b.second); })
      .save_as_text_file(out);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: orders_by_region ORDERS CUSTOMERS OUT\n");
    return 2;
  }
  auto ctx = centella::Context::FromEnvironment("orders-by-region");
  if (!ctx.ok()) {
    std::fprintf(stderr, "orders_by_region: %s\n", std::string(ctx.status().message()).c_str());
    return 1;
  }
  absl::Status s = OrdersByRegion(**ctx, argv[1], argv[2], argv[3]);
  if (!s.ok()) {
    std::fprintf(stderr, "orders_by_region: %s\n", std::string(s.message()).c_str());
    return 1;
  }
  return 0;
}

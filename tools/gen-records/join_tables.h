// Join tables: the two inputs of the join benchmark (bench/join), as TAB-separated text.
//
//   customers:  customer_id<TAB>region<LF>
//     customer_id runs 1..rows in order (unique); region is "region-NNN", uniform over
//     `regions` names (NNN zero-padded to 3 digits, from 000).
//   orders:     order_id<TAB>customer_id<TAB>amount_cents<LF>
//     order_id runs 1..rows in order; customer_id is uniform over 1..max_customer_id, so
//     with max_customer_id above the customer count some orders have no customer (an
//     inner join drops them); amount_cents is uniform over 1..100000.
//
// Numbers are plain decimal. Determinism: each table is a pure function of its options.
#ifndef CENTELLA_TOOLS_GEN_RECORDS_JOIN_TABLES_H_
#define CENTELLA_TOOLS_GEN_RECORDS_JOIN_TABLES_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "tools/gen-records/chunked_output.h"
#include "tools/gen-records/table_stats.h"

namespace centella::gen_records {

struct CustomerOptions {
  uint64_t rows = 1'000'000;
  // Distinct region names, 1..kMaxRegions.
  int regions = 100;
  uint64_t seed = 0;

  static constexpr int kMaxRegions = 1'000'000;
};

struct OrderOptions {
  uint64_t rows = 10'000'000;
  // Customer ids are drawn from 1..max_customer_id (>= 1).
  uint64_t max_customer_id = 1'100'000;
  uint64_t seed = 0;
};

inline constexpr int64_t kMaxAmountCents = 100'000;

// Each generates its table into `sink`. InvalidArgument for out-of-range options; a sink
// error is returned as is.
absl::StatusOr<TableStats> GenerateCustomers(const CustomerOptions& options, ChunkSink sink);
absl::StatusOr<TableStats> GenerateOrders(const OrderOptions& options, ChunkSink sink);

}  // namespace centella::gen_records

#endif  // CENTELLA_TOOLS_GEN_RECORDS_JOIN_TABLES_H_

// centella-gen-records: writes the deterministic inputs of the sort and join benchmarks.
//
//   centella-gen-records sort --bytes 1GiB --seed 42 --out records.txt
//   centella-gen-records customers --rows 1000000 --regions 100 --seed 42 --out customers.txt
//   centella-gen-records orders --rows 20000000 --max-customer-id 1100000 --seed 42 --out o.txt
//
// Formats: tools/gen-records/sort_records.h and join_tables.h; docs/benchmarks.md.
// Exit codes: 0 success, 1 I/O error, 2 inconsistent options, CLI11's own non-zero codes
// for malformed flags.
#include <chrono>
#include <iostream>
#include <string>

#include "CLI/CLI.hpp"
#include "absl/status/statusor.h"
#include "tools/gen-records/file_sink.h"
#include "tools/gen-records/join_tables.h"
#include "tools/gen-records/sort_records.h"

namespace {

using centella::gen_records::ChunkSink;
using centella::gen_records::FileSink;
using centella::gen_records::TableStats;

// Runs `generate` into the file `out`; prints a summary unless `quiet`. Returns the exit code.
template <class Generate>
int WriteTable(const std::string& out, bool quiet, Generate generate) {
  const auto start = std::chrono::steady_clock::now();
  absl::StatusOr<FileSink> file = FileSink::Create(out);
  if (!file.ok()) {
    std::cerr << "centella-gen-records: " << file.status().message() << "\n";
    return 1;
  }
  absl::StatusOr<TableStats> stats =
      generate([&](std::string_view chunk) { return file->Write(chunk); });
  if (!stats.ok()) {
    std::cerr << "centella-gen-records: " << stats.status().message() << "\n";
    return stats.status().code() == absl::StatusCode::kInvalidArgument ? 2 : 1;
  }
  if (absl::Status closed = file->Close(); !closed.ok()) {
    std::cerr << "centella-gen-records: " << closed.message() << "\n";
    return 1;
  }
  if (!quiet) {
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::cerr << "centella-gen-records: wrote " << stats->bytes << " bytes, " << stats->rows
              << " rows to " << out << " in " << seconds << " s\n";
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Writes the inputs of the sort and join benchmarks. Same flags, same bytes."};
  app.name("centella-gen-records");
  app.require_subcommand(1);
  std::string out;
  uint64_t seed = 0;
  bool quiet = false;
  auto common = [&](CLI::App* sub) {
    sub->add_option("--out", out, "Output file (created or truncated)")->required();
    sub->add_option("--seed", seed, "Seed of the generated values")->capture_default_str();
    sub->add_flag("-q,--quiet", quiet, "Do not print the summary line on stderr");
  };

  centella::gen_records::SortRecordOptions sort_options;
  CLI::App* sort = app.add_subcommand(
      "sort", "100-byte records \"key<TAB>number filler\" with 10-byte printable keys");
  sort->add_option("--bytes", sort_options.target_bytes,
                   "Stop after the first whole record reaching this size (e.g. 1GiB, 500MB)")
      ->required()
      // Before the transform, which would wrap "-5" to 2^64 - 5.
      ->check(
          [](const std::string& value) -> std::string {
            return value.find('-') == std::string::npos ? "" : "must not be negative";
          },
          "NONNEGATIVE")
      ->transform(CLI::AsSizeValue(/*kb_is_1000=*/true));
  sort->add_option("--duplicates-per-mille", sort_options.duplicate_per_mille,
                   "Records in 1000 whose key is one of 1000 shared keys")
      ->capture_default_str()
      ->check(CLI::Range(0, 1000));
  common(sort);

  centella::gen_records::CustomerOptions customer_options;
  CLI::App* customers =
      app.add_subcommand("customers", "\"customer_id<TAB>region\" rows, ids 1..rows");
  customers->add_option("--rows", customer_options.rows, "Number of customers")
      ->capture_default_str();
  customers->add_option("--regions", customer_options.regions, "Number of distinct regions")
      ->capture_default_str()
      ->check(CLI::Range(1, centella::gen_records::CustomerOptions::kMaxRegions));
  common(customers);

  centella::gen_records::OrderOptions order_options;
  CLI::App* orders = app.add_subcommand(
      "orders", "\"order_id<TAB>customer_id<TAB>amount_cents\" rows, customers uniform");
  orders->add_option("--rows", order_options.rows, "Number of orders")->capture_default_str();
  orders
      ->add_option("--max-customer-id", order_options.max_customer_id,
                   "Customer ids are uniform over 1..this")
      ->capture_default_str()
      ->check(CLI::Range(uint64_t{1}, uint64_t{1} << 62));
  common(orders);

  CLI11_PARSE(app, argc, argv);

  if (sort->parsed()) {
    sort_options.seed = seed;
    return WriteTable(out, quiet, [&](ChunkSink sink) {
      return centella::gen_records::GenerateSortRecords(sort_options, sink);
    });
  }
  if (customers->parsed()) {
    customer_options.seed = seed;
    return WriteTable(out, quiet, [&](ChunkSink sink) {
      return centella::gen_records::GenerateCustomers(customer_options, sink);
    });
  }
  order_options.seed = seed;
  return WriteTable(out, quiet, [&](ChunkSink sink) {
    return centella::gen_records::GenerateOrders(order_options, sink);
  });
}

#include "tools/gen-records/join_tables.h"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/status/status_macros.h"
#include "tools/gen-corpus/random_bit_source.h"

namespace centella::gen_records {
namespace {

using gen_corpus::RandomBitSource;

// A uint64 in decimal is at most 20 digits.
constexpr size_t kMaxNumberBytes = 20;

char* WriteNumber(char* out, uint64_t n) {
  return std::to_chars(out, out + kMaxNumberBytes, n).ptr;
}

}  // namespace

absl::StatusOr<TableStats> GenerateCustomers(const CustomerOptions& options, ChunkSink sink) {
  if (options.regions < 1 || options.regions > CustomerOptions::kMaxRegions) {
    return absl::InvalidArgumentError(absl::StrCat(
        "regions must be in 1..", CustomerOptions::kMaxRegions, ", got ", options.regions));
  }
  std::vector<std::string> names;
  names.reserve(static_cast<size_t>(options.regions));
  size_t longest = 0;
  for (int i = 0; i < options.regions; ++i) {
    char digits[16];
    std::snprintf(digits, sizeof(digits), "%03d", i);
    names.push_back(absl::StrCat("region-", digits));
    longest = std::max(longest, names.back().size());
  }

  RandomBitSource random(options.seed ^ 0x637573746f6dULL);
  ChunkedOutput out(sink, kMaxNumberBytes + 1 + longest + 1);
  TableStats stats;
  for (uint64_t id = 1; id <= options.rows; ++id) {
    char* const begin = out.Reserve();
    char* p = WriteNumber(begin, id);
    *p++ = '\t';
    const std::string& region = names[random.Below(names.size())];
    std::memcpy(p, region.data(), region.size());
    p += region.size();
    *p++ = '\n';
    ++stats.rows;
    RETURN_IF_ERROR(out.Commit(static_cast<size_t>(p - begin)));
  }
  RETURN_IF_ERROR(out.Flush());
  stats.bytes = out.bytes();
  return stats;
}

absl::StatusOr<TableStats> GenerateOrders(const OrderOptions& options, ChunkSink sink) {
  if (options.max_customer_id < 1) {
    return absl::InvalidArgumentError("max customer id must be at least 1");
  }
  RandomBitSource random(options.seed ^ 0x6f7264657273ULL);
  ChunkedOutput out(sink, 3 * (kMaxNumberBytes + 1));
  TableStats stats;
  for (uint64_t id = 1; id <= options.rows; ++id) {
    char* const begin = out.Reserve();
    char* p = WriteNumber(begin, id);
    *p++ = '\t';
    p = WriteNumber(p, 1 + random.Below(options.max_customer_id));
    *p++ = '\t';
    p = WriteNumber(p, 1 + random.Below(static_cast<uint64_t>(kMaxAmountCents)));
    *p++ = '\n';
    ++stats.rows;
    RETURN_IF_ERROR(out.Commit(static_cast<size_t>(p - begin)));
  }
  RETURN_IF_ERROR(out.Flush());
  stats.bytes = out.bytes();
  return stats;
}

}  // namespace centella::gen_records

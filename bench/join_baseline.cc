// join_baseline ORDERS CUSTOMERS OUT: the single-threaded plain-C++ hash join that
// Centella's orders_by_region example is measured against (bench/join, docs/benchmarks.md).
//
// Same contract as examples/orders_by_region: ORDERS lines are
// "order_id<TAB>customer_id<TAB>amount_cents", CUSTOMERS lines "customer_id<TAB>region";
// an inner join on customer_id (an order without customer is dropped, a customer listed
// twice counts its orders twice); customer_id is a decimal in 0..2^63-1, amount_cents a
// signed 64-bit decimal, later fields are ignored, lines whose fields do not parse are
// skipped; lines end at "\n" with a "\r" before it dropped. OUT must not exist; the result
// is OUT/part-00000 with one "region<TAB>total_cents<TAB>orders" line per region with at
// least one matched order (in no particular order) and an empty OUT/_SUCCESS.
//
// It is what a careful engineer writes without a framework: the customers go into an
// absl::flat_hash_map from id to a small region number (region names interned once), the
// orders stream through in 16 MiB read(2) calls and are probed against it in batches of
// 16 with prefetches (a million customers are tens of MB: every probe is a cache miss, as
// in the word_count baseline), and totals are kept in a vector indexed by region number.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace {

constexpr size_t kReadBytes = size_t{16} << 20;

absl::Status ErrnoError(absl::string_view what, const std::string& path) {
  return absl::ErrnoToStatus(errno, absl::StrCat(what, " ", path));
}

// Calls `on_line` for every line of the file at `path`, without its line end. The views
// are valid only during the call.
absl::Status ForEachLine(const std::string& path,
                         absl::FunctionRef<void(std::string_view)> on_line) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ErrnoError("cannot open", path);
  ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  // Layout: [carried partial line][fresh bytes].
  std::vector<char> buffer(kReadBytes);
  size_t carried = 0;
  while (true) {
    if (carried == buffer.size()) buffer.resize(buffer.size() * 2);  // A giant line.
    const ssize_t n = ::read(fd, buffer.data() + carried, buffer.size() - carried);
    if (n < 0) {
      if (errno == EINTR) continue;
      absl::Status status = ErrnoError("cannot read", path);
      ::close(fd);
      return status;
    }
    const char* p = buffer.data();
    const char* const end = p + carried + static_cast<size_t>(n);
    while (true) {
      const char* newline =
          static_cast<const char*>(std::memchr(p, '\n', static_cast<size_t>(end - p)));
      if (newline == nullptr) break;
      const char* line_end = newline > p && newline[-1] == '\r' ? newline - 1 : newline;
      on_line(std::string_view(p, static_cast<size_t>(line_end - p)));
      p = newline + 1;
    }
    carried = static_cast<size_t>(end - p);
    if (n == 0) {
      if (carried > 0) on_line(std::string_view(p, carried));  // A last line without "\n".
      break;
    }
    std::memmove(buffer.data(), p, carried);
  }
  ::close(fd);
  return absl::OkStatus();
}

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

// The build side: customer id -> region number, with region names interned.
class CustomerTable {
 public:
  // Region number of a customer listed more than once; its regions are in multi_.
  static constexpr uint32_t kSeveral = UINT32_MAX;

  void Add(int64_t customer, std::string_view region) {
    auto [name, new_name] =
        region_numbers_.try_emplace(std::string(region), static_cast<uint32_t>(regions_.size()));
    if (new_name) regions_.emplace_back(region);
    const uint32_t number = name->second;
    auto [it, inserted] = customers_.try_emplace(customer, number);
    if (inserted) return;
    std::vector<uint32_t>& all = multi_[customer];
    if (it->second != kSeveral) all.push_back(it->second);
    all.push_back(number);
    it->second = kSeveral;
  }

  const absl::flat_hash_map<int64_t, uint32_t>& customers() const { return customers_; }
  const std::vector<uint32_t>& several(int64_t customer) const { return multi_.at(customer); }
  const std::vector<std::string>& regions() const { return regions_; }

 private:
  absl::flat_hash_map<std::string, uint32_t> region_numbers_;
  std::vector<std::string> regions_;
  absl::flat_hash_map<int64_t, uint32_t> customers_;
  absl::flat_hash_map<int64_t, std::vector<uint32_t>> multi_;
};

struct Totals {
  int64_t cents = 0;
  int64_t orders = 0;
};

// Probes the customer table for orders in batches, so that the cache misses of a batch
// overlap (as word_count_baseline's BatchedCounter does).
class BatchedProbe {
 public:
  BatchedProbe(const CustomerTable& table, std::vector<Totals>& totals)
      : table_(table), customers_(table.customers()), totals_(totals) {}
  BatchedProbe(const BatchedProbe&) = delete;
  BatchedProbe& operator=(const BatchedProbe&) = delete;
  ~BatchedProbe() { Flush(); }

  void Add(int64_t customer, int64_t cents) {
    customer_[pending_] = customer;
    cents_[pending_] = cents;
    hash_[pending_] = customers_.hash_function()(customer);
    customers_.prefetch(customer);
    if (++pending_ == kBatch) Flush();
  }

  void Flush() {
    for (int i = 0; i < pending_; ++i) {
      const auto it = customers_.find(customer_[i], hash_[i]);
      if (it == customers_.end()) continue;
      if (it->second != CustomerTable::kSeveral) {
        Count(it->second, cents_[i]);
      } else {
        for (uint32_t region : table_.several(customer_[i])) Count(region, cents_[i]);
      }
    }
    pending_ = 0;
  }

 private:
  static constexpr int kBatch = 16;

  void Count(uint32_t region, int64_t cents) {
    totals_[region].cents += cents;
    ++totals_[region].orders;
  }

  const CustomerTable& table_;
  const absl::flat_hash_map<int64_t, uint32_t>& customers_;
  std::vector<Totals>& totals_;
  int64_t customer_[kBatch];
  int64_t cents_[kBatch];
  size_t hash_[kBatch];
  int pending_ = 0;
};

absl::Status WriteFile(const std::string& path, std::string_view data) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return ErrnoError("cannot create", path);
  absl::Status status;
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      status = ErrnoError("cannot write", path);
      break;
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  if (::close(fd) != 0 && status.ok()) status = ErrnoError("cannot close", path);
  return status;
}

absl::Status Run(const std::string& orders_path, const std::string& customers_path,
                 const std::string& out) {
  // Fail before spending the time to join, as the engine does.
  std::error_code error;
  if (std::filesystem::exists(out, error) || error) {
    return absl::AlreadyExistsError(absl::StrCat("output ", out, " already exists"));
  }

  CustomerTable table;
  absl::Status read = ForEachLine(customers_path, [&](std::string_view line) {
    int64_t customer = 0;
    if (!ParseInt(Field(line, 0), &customer) || customer < 0 ||
        line.find('\t') == std::string_view::npos) {
      return;
    }
    table.Add(customer, Field(line, 1));
  });
  if (!read.ok()) return read;

  std::vector<Totals> totals(table.regions().size());
  {
    BatchedProbe probe(table, totals);
    read = ForEachLine(orders_path, [&](std::string_view line) {
      int64_t customer = 0, cents = 0;
      if (!ParseInt(Field(line, 1), &customer) || customer < 0 ||
          !ParseInt(Field(line, 2), &cents)) {
        return;
      }
      probe.Add(customer, cents);
    });
  }
  if (!read.ok()) return read;

  std::string text;
  for (size_t i = 0; i < totals.size(); ++i) {
    if (totals[i].orders == 0) continue;
    absl::StrAppend(&text, table.regions()[i], "\t", totals[i].cents, "\t", totals[i].orders, "\n");
  }
  std::filesystem::create_directories(out, error);
  if (error) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot create ", out, ": ", error.message()));
  }
  if (absl::Status s = WriteFile(out + "/part-00000", text); !s.ok()) return s;
  // _SUCCESS last: its presence means the part file is complete.
  return WriteFile(out + "/_SUCCESS", "");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::cerr << "usage: join_baseline ORDERS CUSTOMERS OUT\n";
    return 2;
  }
  if (absl::Status status = Run(argv[1], argv[2], argv[3]); !status.ok()) {
    std::cerr << "join_baseline: " << status.message() << "\n";
    return 1;
  }
  return 0;
}

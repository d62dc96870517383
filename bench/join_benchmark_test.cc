// The join benchmark's two programs, examples/orders_by_region (through the real
// centella-submit, local[1] and local[2]) and bench/join_baseline, checked against an
// independent join computed here: on generated tables with corner-case lines appended
// (a customer listed twice, lines that do not parse, CRLF, extra fields).
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "tests/run_command.h"

namespace {

namespace fs = std::filesystem;

using RunResult = centella::CommandResult;
using centella::RunCommand;

// The TAB-separated fields of every line of `path` ("\r\n" counts as "\n").
std::vector<std::vector<std::string>> ReadRows(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::vector<std::vector<std::string>> rows;
  for (std::string line; std::getline(f, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    rows.push_back(absl::StrSplit(line, '\t'));
  }
  return rows;
}

// A whole field as a decimal int64 (absl::SimpleAtoi would also take spaces and '+').
bool Int(const std::vector<std::string>& row, size_t i, int64_t* out) {
  if (i >= row.size() || row[i].empty()) return false;
  const std::string& s = row[i];
  for (size_t k = 0; k < s.size(); ++k) {
    if (!(std::isdigit(static_cast<unsigned char>(s[k])) ||
          (k == 0 && s[k] == '-' && s.size() > 1))) {
      return false;
    }
  }
  return absl::SimpleAtoi(s, out);
}

using Totals = std::map<std::string, std::pair<int64_t, int64_t>>;  // region -> (cents, orders)

// The documented contract, written the obvious way.
Totals ReferenceJoin(const std::string& orders, const std::string& customers) {
  std::multimap<int64_t, std::string> regions;
  for (const auto& row : ReadRows(customers)) {
    int64_t id = 0;
    if (row.size() >= 2 && Int(row, 0, &id) && id >= 0) regions.emplace(id, row[1]);
  }
  Totals totals;
  for (const auto& row : ReadRows(orders)) {
    int64_t customer = 0, cents = 0;
    if (!Int(row, 1, &customer) || customer < 0 || !Int(row, 2, &cents)) continue;
    auto [begin, end] = regions.equal_range(customer);
    for (auto it = begin; it != end; ++it) {
      totals[it->second].first += cents;
      ++totals[it->second].second;
    }
  }
  return totals;
}

Totals ReadOutput(const fs::path& dir) {
  Totals totals;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (!e.path().filename().string().starts_with("part-")) continue;
    for (const auto& row : ReadRows(e.path().string())) {
      EXPECT_EQ(row.size(), 3u);
      if (row.size() != 3) continue;
      int64_t cents = 0, count = 0;
      EXPECT_TRUE(Int(row, 1, &cents) && Int(row, 2, &count));
      EXPECT_TRUE(totals.emplace(row[0], std::make_pair(cents, count)).second)
          << "region twice: " << row[0];
    }
  }
  return totals;
}

TEST(JoinBenchmarkTest, JobAndBaselineMatchAnIndependentJoin) {
  const char* build_env = std::getenv("CENTELLA_BUILD_DIR");
  ASSERT_NE(build_env, nullptr) << "CENTELLA_BUILD_DIR not set (run through ctest)";
  const std::string build = build_env;
  const fs::path dir =
      fs::path(::testing::TempDir()) / ("join-bench-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string orders = (dir / "orders.txt").string();
  const std::string customers = (dir / "customers.txt").string();
  RunResult gen = RunCommand(build +
                             "/bin/centella-gen-records customers --rows 20000 "
                             "--regions 7 --seed 3 --quiet --out " +
                             customers);
  ASSERT_EQ(gen.exit_code, 0) << gen.output;
  gen = RunCommand(build +
                   "/bin/centella-gen-records orders --rows 200000 "
                   "--max-customer-id 22000 --seed 3 --quiet --out " +
                   orders);
  ASSERT_EQ(gen.exit_code, 0) << gen.output;
  {
    std::ofstream c(customers, std::ios::app | std::ios::binary);
    c << "5\tregion-twice\n"         // customer 5 again: its orders count in both regions
      << "30000\tregion-crlf\r\n"    // a region of its own, after CRLF is dropped
      << "30001\tregion-x\textra\n"  // extra fields are ignored
      << "30002\n"                   // no region field: skipped
      << "-7\tregion-negative\n"     // a negative id: skipped
      << "12x\tregion-bad\n";        // not a number: skipped
    std::ofstream o(orders, std::ios::app | std::ios::binary);
    o << "900001\t30000\t250\r\n"
      << "900002\t30001\t-40\tgift\n"  // a negative amount and an extra field
      << "900003\t30000\n"             // no amount: skipped
      << "900004\t30000\t1.5\n"        // not an integer: skipped
      << "900005\t-7\t10\n"            // negative customer: skipped
      << "x\t30000\t5\n";              // the order id is not used: counted
  }
  const Totals want = ReferenceJoin(orders, customers);
  ASSERT_EQ(want.size(), 10u);
  EXPECT_EQ(want.at("region-crlf"), std::make_pair(int64_t{255}, int64_t{2}));
  EXPECT_EQ(want.at("region-x"), std::make_pair(int64_t{-40}, int64_t{1}));

  const fs::path base_out = dir / "baseline";
  RunResult r = RunCommand(build + "/bench/join_baseline " + orders + " " + customers + " " +
                           base_out.string());
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(fs::exists(base_out / "_SUCCESS"));
  EXPECT_EQ(ReadOutput(base_out), want) << "baseline";
  for (const char* master : {"local[1]", "local[2]"}) {
    const fs::path out = dir / (std::string("out-") + master);
    r = RunCommand(build + "/bin/centella-submit --master '" + master +
                   "' --conf centella.files.maxPartitionBytes=300k " + build +
                   "/examples/orders_by_region " + orders + " " + customers + " " + out.string());
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_TRUE(fs::exists(out / "_SUCCESS"));
    EXPECT_EQ(ReadOutput(out), want) << master;
  }
  fs::remove_all(dir);
}

}  // namespace

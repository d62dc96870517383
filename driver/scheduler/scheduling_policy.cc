#include "driver/scheduler/scheduling_policy.h"

#include <algorithm>
#include <map>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"

namespace centella {
namespace {

constexpr absl::string_view kPoolPrefix = "centella.scheduler.pool.";

absl::StatusOr<SchedulingMode> ParseMode(absl::string_view key, absl::string_view value) {
  const std::string upper = absl::AsciiStrToUpper(value);
  if (upper == "FIFO") return SchedulingMode::kFifo;
  if (upper == "FAIR") return SchedulingMode::kFair;
  return absl::InvalidArgumentError(
      absl::StrCat(key, "=", value, ": the scheduling mode is FIFO or FAIR"));
}

// Spark's FairSchedulingAlgorithm comparator: true when `a` goes before `b`.
struct Share {
  int running;
  int weight;
  int min_share;
};
bool FairBefore(const Share& a, const Share& b) {
  const bool a_needy = a.running < a.min_share;
  const bool b_needy = b.running < b.min_share;
  if (a_needy != b_needy) return a_needy;
  if (a_needy) {
    const double ra = static_cast<double>(a.running) / std::max(a.min_share, 1);
    const double rb = static_cast<double>(b.running) / std::max(b.min_share, 1);
    if (ra != rb) return ra < rb;
    return false;
  }
  const double wa = static_cast<double>(a.running) / a.weight;
  const double wb = static_cast<double>(b.running) / b.weight;
  return wa < wb;
}

}  // namespace

absl::StatusOr<SchedulingPolicy> SchedulingPolicy::FromConf(const Conf& conf) {
  absl::StatusOr<std::string> mode_value = conf.GetString("centella.scheduler.mode", "FIFO");
  if (!mode_value.ok()) return mode_value.status();
  absl::StatusOr<SchedulingMode> mode = ParseMode("centella.scheduler.mode", *mode_value);
  if (!mode.ok()) return mode.status();
  absl::flat_hash_map<std::string, PoolOptions> pools;
  for (const auto& [key, value] : conf.Entries()) {
    absl::string_view rest = key;
    if (!absl::ConsumePrefix(&rest, kPoolPrefix)) continue;
    const size_t dot = rest.rfind('.');
    if (dot == absl::string_view::npos || dot == 0) {
      return absl::InvalidArgumentError(absl::StrCat(
          key, ": expected centella.scheduler.pool.<name>.weight, .minShare or .mode"));
    }
    const std::string name(rest.substr(0, dot));
    const absl::string_view field = rest.substr(dot + 1);
    PoolOptions& pool = pools[name];
    if (field == "mode") {
      absl::StatusOr<SchedulingMode> m = ParseMode(key, value);
      if (!m.ok()) return m.status();
      pool.mode = *m;
    } else if (field == "weight" || field == "minShare") {
      absl::StatusOr<int64_t> n = conf.GetInt(key, 0);
      if (!n.ok()) return n.status();
      if (field == "weight" && *n < 1) {
        return absl::InvalidArgumentError(
            absl::StrCat(key, "=", value, ": a weight is at least 1"));
      }
      if (field == "minShare" && *n < 0) {
        return absl::InvalidArgumentError(
            absl::StrCat(key, "=", value, ": a minShare is 0 or more"));
      }
      (field == "weight" ? pool.weight : pool.min_share) = static_cast<int>(*n);
    } else {
      return absl::InvalidArgumentError(
          absl::StrCat(key, ": unknown pool setting '", field, "' (weight, minShare or mode)"));
    }
  }
  return SchedulingPolicy(*mode, std::move(pools));
}

PoolOptions SchedulingPolicy::pool(const std::string& name) const {
  auto it = pools_.find(name);
  return it == pools_.end() ? PoolOptions() : it->second;
}

std::vector<int> SchedulingPolicy::Order(const std::vector<JobLoad>& jobs) const {
  std::vector<int> order;
  order.reserve(jobs.size());
  if (mode_ == SchedulingMode::kFifo || jobs.size() <= 1) {
    for (const JobLoad& j : jobs) order.push_back(j.job_id);
    std::sort(order.begin(), order.end());
    return order;
  }
  // Pools by name (std::map: the tie-break Spark uses), each with its jobs and load.
  std::map<std::string, std::vector<const JobLoad*>> by_pool;
  for (const JobLoad& j : jobs) by_pool[j.pool].push_back(&j);
  struct PoolLoad {
    const std::string* name;
    Share share;
    SchedulingMode mode;
    std::vector<const JobLoad*>* jobs;
  };
  std::vector<PoolLoad> pools;
  for (auto& [name, members] : by_pool) {
    const PoolOptions options = pool(name);
    int running = 0;
    for (const JobLoad* j : members) running += j->running;
    pools.push_back({&name, {running, options.weight, options.min_share}, options.mode, &members});
  }
  std::stable_sort(pools.begin(), pools.end(), [](const PoolLoad& a, const PoolLoad& b) {
    return FairBefore(a.share, b.share);
  });
  for (PoolLoad& p : pools) {
    std::vector<const JobLoad*>& members = *p.jobs;
    std::sort(members.begin(), members.end(), [&p](const JobLoad* a, const JobLoad* b) {
      if (p.mode == SchedulingMode::kFair && a->running != b->running) {
        return a->running < b->running;
      }
      return a->job_id < b->job_id;
    });
    for (const JobLoad* j : members) order.push_back(j->job_id);
  }
  return order;
}

}  // namespace centella

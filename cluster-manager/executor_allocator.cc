#include "cluster-manager/executor_allocator.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace centella::cluster_manager {
namespace {

struct Candidate {
  const DaemonRecord* daemon;
  Resources free;
};

// Why `app` (which still wants executors) got none of the ones it needs.
std::string ExplainShortfall(const ApplicationRecord& app, int64_t have_count, int32_t limit,
                             const std::vector<Candidate>& alive) {
  const Resources need = app.per_executor();
  std::string have = limit == kUnlimitedExecutors
                         ? std::string("has no executors")
                         : absl::StrCat("has ", have_count, " of ", limit, " executors");
  if (alive.empty()) return absl::StrCat(have, "; no executor daemon is registered");
  const std::string needs = absl::StrCat("needs ", DescribeResources(need), " per executor");
  auto bigger = [](const Resources& a, const Resources& b) {
    return a.cores != b.cores ? a.cores < b.cores : a.memory_bytes < b.memory_bytes;
  };
  Resources largest_total;
  Resources largest_free;
  bool any_could_ever = false;
  for (const Candidate& c : alive) {
    largest_total = std::max(largest_total, c.daemon->total, bigger);
    largest_free = std::max(largest_free, c.free, bigger);
    any_could_ever = any_could_ever || c.daemon->total.Covers(need);
  }
  if (!any_could_ever) {
    return absl::StrCat(have, "; ", needs, "; the largest daemon has only ",
                        DescribeResources(largest_total), " in total");
  }
  return absl::StrCat(have, "; ", needs, "; largest free daemon has ",
                      DescribeResources(largest_free),
                      " (the rest is granted to other applications)");
}

}  // namespace

int32_t ExecutorLimit(const ApplicationRecord& app) {
  const v1::ApplicationDescription& d = app.description;
  int64_t limit = kUnlimitedExecutors;
  const int32_t cores = std::max(1, d.executor_resources().cores());
  if (d.max_total_cores() > 0) limit = std::min<int64_t>(limit, d.max_total_cores() / cores);
  if (d.max_executors() > 0) limit = std::min<int64_t>(limit, d.max_executors());
  if (d.dynamic_allocation()) limit = std::min<int64_t>(limit, std::max(0, app.target_executors));
  return static_cast<int32_t>(limit);
}

AllocationPlan PlanExecutors(const ClusterState& state, bool spread_out,
                             absl::FunctionRef<bool(const std::string&)> binary_available) {
  AllocationPlan plan;
  // Free resources as this plan consumes them.
  std::vector<Candidate> alive;
  for (const auto& [id, daemon] : state.daemons()) {
    if (daemon.state == v1::DAEMON_STATE_ALIVE) alive.push_back({&daemon, daemon.free()});
  }
  for (const ApplicationRecord* app : state.AppsInFifoOrder()) {
    if (app->state != v1::APPLICATION_STATE_WAITING &&
        app->state != v1::APPLICATION_STATE_RUNNING) {
      continue;
    }
    const int32_t limit = ExecutorLimit(*app);
    const int64_t live = static_cast<int64_t>(app->executors.size());
    std::string& reason = plan.waiting_reasons[app->app_id];
    if (live >= limit) continue;
    if (!binary_available(app->description.binary_hash())) {
      reason = absl::StrCat("job binary ", app->description.binary_hash(),
                            " has not been uploaded (centella-submit uploads it)");
      continue;
    }
    const Resources need = app->per_executor();
    int64_t wanted = limit - live;
    // Largest free daemons first (Spark's order), ties by id for determinism.
    std::vector<Candidate*> usable;
    for (Candidate& c : alive) {
      if (c.free.Covers(need)) usable.push_back(&c);
    }
    std::stable_sort(usable.begin(), usable.end(), [](const Candidate* a, const Candidate* b) {
      return a->free.cores != b->free.cores ? a->free.cores > b->free.cores
                                            : a->free.memory_bytes > b->free.memory_bytes;
    });
    int64_t placed = 0;
    bool progress = true;
    while (wanted > 0 && progress) {
      progress = false;
      for (Candidate* c : usable) {
        // Spread: at most one per daemon per pass. Pack: as many as fit right here.
        while (wanted > 0 && c->free.Covers(need)) {
          plan.placements.push_back({app->app_id, c->daemon->daemon_id});
          c->free -= need;
          --wanted;
          ++placed;
          progress = true;
          if (spread_out) break;
        }
      }
    }
    // An application with no cap that already has executors just takes what appears; it
    // is not "waiting". One with a finite target that is still short, or with none at
    // all, is, and says why.
    const bool short_of_target = limit != kUnlimitedExecutors && live + placed < limit;
    const bool has_none = live + placed == 0;
    if (short_of_target || has_none) reason = ExplainShortfall(*app, live + placed, limit, alive);
  }
  return plan;
}

}  // namespace centella::cluster_manager

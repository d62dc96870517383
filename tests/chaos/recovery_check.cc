#include "tests/chaos/recovery_check.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace centella::chaos {
namespace {

std::string Describe(const std::set<MapOutput>& outputs) {
  if (outputs.empty()) return "none";
  return absl::StrJoin(outputs, " ", [](std::string* out, const MapOutput& o) {
    absl::StrAppend(out, o.first, ".", o.second);
  });
}

}  // namespace

RecoveryReport CheckRecovery(const JobHistory& history, int64_t fault_us,
                             const std::string& lost_shuffle_address, int max_resubmissions) {
  RecoveryReport r;
  const auto& stages = history.stages();
  auto is_map = [&](int stage) {
    auto it = stages.find(stage);
    return it != stages.end() && it->second.is_map;
  };
  std::set<MapOutput> before, after;
  for (const TaskRecord& t : history.tasks()) {
    if (t.state != "FINISHED" || !is_map(t.stage)) continue;
    const MapOutput out{t.stage, t.partition};
    if (t.start_us < fault_us) {
      before.insert(out);
      if (!lost_shuffle_address.empty() && t.shuffle_address == lost_shuffle_address) {
        r.lost.insert(out);
      }
    } else {
      after.insert(out);
    }
  }
  for (const MapOutput& out : after) {
    if (before.contains(out)) r.actual.insert(out);
  }
  // Stages whose tasks started after the fault, and the shuffles (map stages) they read.
  std::set<int> read_after;
  for (const TaskRecord& t : history.tasks()) {
    if (t.start_us < fault_us) continue;
    auto it = stages.find(t.stage);
    if (it != stages.end()) read_after.insert(it->second.parents.begin(), it->second.parents.end());
  }
  for (const MapOutput& out : r.lost) {
    if (read_after.contains(out.first)) r.expected.insert(out);
  }
  for (const auto& [id, s] : stages) {
    r.max_resubmissions = std::max(r.max_resubmissions, s.submissions - 1);
  }
  if (r.actual != r.expected) {
    r.problem = absl::StrCat("recomputed map outputs {", Describe(r.actual),
                             "} but the lineage of the lost ones needed {", Describe(r.expected),
                             "} (lost: {", Describe(r.lost), "})");
  } else if (r.max_resubmissions > max_resubmissions) {
    r.problem = absl::StrCat("a stage was resubmitted ", r.max_resubmissions, " times; at most ",
                             max_resubmissions, " expected for this fault");
  }
  r.ok = r.problem.empty();
  return r;
}

}  // namespace centella::chaos

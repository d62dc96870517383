#include "driver/dag/lineage_status.h"

#include <vector>

#include "absl/container/flat_hash_set.h"
#include "engine/rdd/shuffle_dependency.h"

namespace centella {

absl::Status LineageStatus(const NodeBase& root) {
  std::vector<const NodeBase*> stack{&root};
  absl::flat_hash_set<const NodeBase*> seen;
  while (!stack.empty()) {
    const NodeBase* n = stack.back();
    stack.pop_back();
    if (!seen.insert(n).second) continue;
    if (!n->build_status().ok()) return n->build_status();
    for (const auto& p : n->parents()) stack.push_back(p.get());
    if (auto dep = n->shuffle_dependency()) stack.push_back(dep->parent().get());
  }
  return absl::OkStatus();
}

}  // namespace centella

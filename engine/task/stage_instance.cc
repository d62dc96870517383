#include "engine/task/stage_instance.h"

#include "absl/strings/str_cat.h"
#include "common/status/status_macros.h"
#include "engine/plan/operator_registry.h"

namespace centella {

absl::StatusOr<std::shared_ptr<const StageInstance>> BuildStageInstance(v1::StagePlan plan) {
  auto stage = std::make_shared<StageInstance>();
  const OperatorRegistry& registry = OperatorRegistry::Global();
  for (int i = 0; i < plan.nodes_size(); ++i) {
    const v1::PlanNode& pn = plan.nodes(i);
    ASSIGN_OR_RETURN(std::unique_ptr<PlanObject> obj,
                     registry.Create(pn.type_id(), pn.type_name(), pn.state()));
    std::shared_ptr<NodeBase> node(dynamic_cast<NodeBase*>(obj.get()));
    if (!node) {
      return absl::InvalidArgumentError(
          absl::StrCat("plan node ", i, " (", pn.type_name(), ") is not a lineage node"));
    }
    obj.release();
    node->set_identity(pn.rdd_id(), pn.num_partitions());
    std::vector<std::shared_ptr<NodeBase>> parents;
    for (int p : pn.parents()) {
      if (p < 0 || p >= i) {
        return absl::InvalidArgumentError(
            absl::StrCat("plan node ", i, " names parent ", p, ", which is not before it"));
      }
      parents.push_back(stage->nodes[p]);
    }
    node->set_parents(std::move(parents));
    stage->nodes.push_back(std::move(node));
  }
  if (plan.root() < 0 || plan.root() >= plan.nodes_size()) {
    return absl::InvalidArgumentError(absl::StrCat("plan root ", plan.root(), " out of range"));
  }
  const v1::StageRunner& r = plan.runner();
  ASSIGN_OR_RETURN(std::unique_ptr<PlanObject> runner_obj,
                   registry.Create(r.type_id(), r.type_name(), r.state()));
  auto* runner = dynamic_cast<StageRunner*>(runner_obj.get());
  if (runner == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("plan runner ", r.type_name(), " is not a stage runner"));
  }
  runner_obj.release();
  stage->runner.reset(runner);
  stage->plan = std::move(plan);
  return std::shared_ptr<const StageInstance>(std::move(stage));
}

}  // namespace centella

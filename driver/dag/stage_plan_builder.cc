#include "driver/dag/stage_plan_builder.h"

#include "absl/container/flat_hash_map.h"

namespace centella {
namespace {

void Visit(const NodeBase& node, absl::flat_hash_map<const NodeBase*, int>& index,
           std::vector<const NodeBase*>& order) {
  if (index.contains(&node)) return;
  for (const auto& parent : node.parents()) Visit(*parent, index, order);
  index[&node] = static_cast<int>(order.size());
  order.push_back(&node);
}

}  // namespace

std::vector<const NodeBase*> StageNodes(const NodeBase& root) {
  absl::flat_hash_map<const NodeBase*, int> index;
  std::vector<const NodeBase*> order;
  Visit(root, index, order);
  return order;
}

v1::StagePlan BuildStagePlan(const Stage& stage, const std::string& app_id,
                             std::vector<int>* shuffles_read) {
  v1::StagePlan plan;
  plan.set_stage_id(stage.id);
  plan.set_stage_attempt(stage.attempt);
  plan.set_app_id(app_id);
  plan.set_job_id(stage.job_id);
  std::vector<const NodeBase*> nodes = StageNodes(*stage.root);
  absl::flat_hash_map<const NodeBase*, int> index;
  for (const NodeBase* node : nodes) {
    int i = static_cast<int>(index.size());
    index[node] = i;
    v1::PlanNode* pn = plan.add_nodes();
    pn->set_index(i);
    pn->set_type_id(node->type_id());
    pn->set_type_name(std::string(node->type_name()));
    node->SerializeState(pn->mutable_state());
    for (const auto& parent : node->parents()) pn->add_parents(index.at(parent.get()));
    pn->set_num_partitions(node->num_partitions());
    pn->set_rdd_id(node->rdd_id());
    if (auto dep = node->shuffle_dependency()) shuffles_read->push_back(dep->shuffle_id());
  }
  plan.set_root(index.at(stage.root.get()));
  v1::StageRunner* runner = plan.mutable_runner();
  runner->set_type_id(stage.runner->type_id());
  runner->set_type_name(std::string(stage.runner->type_name()));
  stage.runner->SerializeState(runner->mutable_state());
  if (stage.is_map()) {
    plan.set_is_shuffle_map(true);
    plan.set_shuffle_id(stage.shuffle_dep->shuffle_id());
    plan.set_num_reduce_partitions(stage.shuffle_dep->num_reduce_partitions());
  }
  return plan;
}

}  // namespace centella

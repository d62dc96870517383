// StageInstance: a stage plan rebuilt on an executor — its lineage nodes and runner,
// constructed once per executor per stage and shared by all the stage's tasks there.
#ifndef CENTELLA_ENGINE_TASK_STAGE_INSTANCE_H_
#define CENTELLA_ENGINE_TASK_STAGE_INSTANCE_H_

#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/task/node.h"
#include "engine/task/stage_runner.h"
#include "task.pb.h"

namespace centella {

struct StageInstance {
  v1::StagePlan plan;
  std::vector<std::shared_ptr<NodeBase>> nodes;  // indexed like plan.nodes
  std::unique_ptr<StageRunner> runner;
  const NodeBase& root() const { return *nodes[plan.root()]; }
};

// Rebuilds every node and the runner from the operator registry. Errors: NotFound for a
// type this binary does not contain, InvalidArgument for a malformed plan (bad parent
// index, parent declared after its child), DataLoss for undecodable state.
absl::StatusOr<std::shared_ptr<const StageInstance>> BuildStageInstance(v1::StagePlan plan);

}  // namespace centella

#endif  // CENTELLA_ENGINE_TASK_STAGE_INSTANCE_H_

// Serializes a stage into the StagePlan executors rebuild: the stage's nodes (from the
// root through narrow parents, stopping at shuffled nodes) in parents-first order, and
// its runner.
#ifndef CENTELLA_DRIVER_DAG_STAGE_PLAN_BUILDER_H_
#define CENTELLA_DRIVER_DAG_STAGE_PLAN_BUILDER_H_

#include <vector>

#include "driver/dag/stage.h"
#include "task.pb.h"

namespace centella {

// The plan for `stage`'s current attempt; `shuffles_read` receives the ids of the
// shuffles its tasks read.
v1::StagePlan BuildStagePlan(const Stage& stage, const std::string& app_id,
                             std::vector<int>* shuffles_read);

// Every node of the stage (root and narrow ancestors), parents before children.
std::vector<const NodeBase*> StageNodes(const NodeBase& root);

}  // namespace centella

#endif  // CENTELLA_DRIVER_DAG_STAGE_PLAN_BUILDER_H_

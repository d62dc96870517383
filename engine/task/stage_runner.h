// StageRunner: what the last operator of a stage does with a partition's records —
// write them to shuffle files (map stage) or compute an action's partial result.
#ifndef CENTELLA_ENGINE_TASK_STAGE_RUNNER_H_
#define CENTELLA_ENGINE_TASK_STAGE_RUNNER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/plan/plan_object.h"
#include "engine/task/node.h"
#include "engine/task/task_context.h"

namespace centella {

struct TaskOutcome {
  // Result stages: the serialized partial result of the action for this partition.
  std::string value;
  // Map stages: stored size of each reduce block written.
  std::vector<uint64_t> block_sizes;
};

class StageRunner : public PlanObject {
 public:
  // Runs one task. `root` is the stage's root node, already rebuilt. Thread-safe: one
  // runner object serves all tasks of its stage on an executor.
  virtual absl::StatusOr<TaskOutcome> Run(TaskContext& ctx, const NodeBase& root) const = 0;
};

}  // namespace centella

#endif  // CENTELLA_ENGINE_TASK_STAGE_RUNNER_H_

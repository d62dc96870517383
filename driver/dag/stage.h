// Stage: a set of tasks that run the same fused pipeline over the partitions of one
// node, ending either in shuffle files (map stage) or in an action's results (result
// stage). Stages are cut at shuffle dependencies.
//
// Lifecycle of a stage on the DAG scheduler's loop:
//   created -> waiting (parents' outputs missing) -> running -> finished
//                         ^------ fetch failure: resubmitted ------'
#ifndef CENTELLA_DRIVER_DAG_STAGE_H_
#define CENTELLA_DRIVER_DAG_STAGE_H_

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "engine/rdd/shuffle_dependency.h"
#include "engine/task/node.h"
#include "engine/task/stage_runner.h"
#include "task.pb.h"

namespace centella {

struct Stage {
  int id = 0;
  // Bumped each time the stage is (re)submitted; tasks of older attempts are stale.
  int attempt = -1;
  std::shared_ptr<NodeBase> root;
  std::shared_ptr<StageRunner> runner;
  // Set for a map stage: the shuffle it writes.
  std::shared_ptr<ShuffleDependency> shuffle_dep;
  std::vector<Stage*> parents;
  // Result stage only: the job it computes.
  int job_id = -1;
  std::string name;

  // Current attempt's plan (sent to executors once per executor) and unfinished partitions.
  std::shared_ptr<const v1::StagePlan> plan;
  std::set<int> pending;
  absl::Time started;
  int fetch_failures = 0;

  bool is_map() const { return shuffle_dep != nullptr; }
  int num_partitions() const { return root->num_partitions(); }
};

}  // namespace centella

#endif  // CENTELLA_DRIVER_DAG_STAGE_H_

// ShuffleDependency: the edge between a map stage and the stage that reads its output.
// Driver-side only; executors see just the shuffle id inside a ShuffledNode.
#ifndef CENTELLA_ENGINE_RDD_SHUFFLE_DEPENDENCY_H_
#define CENTELLA_ENGINE_RDD_SHUFFLE_DEPENDENCY_H_

#include <memory>
#include <string>

#include "engine/task/node.h"
#include "engine/task/stage_runner.h"

namespace centella {

class ShuffleDependency {
 public:
  ShuffleDependency(int shuffle_id, std::shared_ptr<NodeBase> parent,
                    std::shared_ptr<StageRunner> map_runner, int num_reduce_partitions,
                    std::string op_name)
      : shuffle_id_(shuffle_id),
        parent_(std::move(parent)),
        map_runner_(std::move(map_runner)),
        num_reduce_partitions_(num_reduce_partitions),
        op_name_(std::move(op_name)) {}

  int shuffle_id() const { return shuffle_id_; }
  // The node whose partitions the map tasks compute (the map stage's root).
  const std::shared_ptr<NodeBase>& parent() const { return parent_; }
  // Runs the map stage's pipeline and writes the shuffle files.
  const std::shared_ptr<StageRunner>& map_runner() const { return map_runner_; }
  int num_map_partitions() const { return parent_->num_partitions(); }
  int num_reduce_partitions() const { return num_reduce_partitions_; }
  const std::string& op_name() const { return op_name_; }

 private:
  int shuffle_id_;
  std::shared_ptr<NodeBase> parent_;
  std::shared_ptr<StageRunner> map_runner_;
  int num_reduce_partitions_;
  std::string op_name_;
};

}  // namespace centella

#endif  // CENTELLA_ENGINE_RDD_SHUFFLE_DEPENDENCY_H_

// ShuffleDependency: the edge between a map stage and the stage that reads its output.
// Driver-side only; executors see just the shuffle id inside a ShuffledNode.
//
// Lifetime is what tells the driver a shuffle is garbage: the dependency is held by the
// lineage nodes that read it (hence by every live Rdd handle downstream) and by the DAG
// scheduler's stages while jobs use them. When the last holder lets go, the release hook
// runs with the shuffle id — on whichever thread dropped it, so it must only hand the id
// on (the driver's ContextCleaner posts it to the scheduler's loop).
#ifndef CENTELLA_ENGINE_RDD_SHUFFLE_DEPENDENCY_H_
#define CENTELLA_ENGINE_RDD_SHUFFLE_DEPENDENCY_H_

#include <functional>
#include <memory>
#include <string>
#include <utility>

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
  ~ShuffleDependency() {
    if (on_release_) on_release_(shuffle_id_);
  }
  ShuffleDependency(const ShuffleDependency&) = delete;
  ShuffleDependency& operator=(const ShuffleDependency&) = delete;

  // Called once with the shuffle id when the dependency is destroyed.
  void set_release_hook(std::function<void(int shuffle_id)> hook) { on_release_ = std::move(hook); }

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
  std::function<void(int)> on_release_;
};

}  // namespace centella

#endif  // CENTELLA_ENGINE_RDD_SHUFFLE_DEPENDENCY_H_

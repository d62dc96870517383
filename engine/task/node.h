// Lineage nodes as executors see them: an erased graph of partitioned record producers.
//
// A node computes one partition by pushing batches of records into a BatchSink. Its
// narrow parents are part of the same stage and are computed in the same task; a
// shuffled node reads its input from shuffle blocks instead (the stage boundary).
// Nodes are immutable after construction and shared between concurrently running tasks,
// so Compute must be thread-safe (all per-task state lives on the stack or in the
// TaskContext).
#ifndef CENTELLA_ENGINE_TASK_NODE_H_
#define CENTELLA_ENGINE_TASK_NODE_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "engine/plan/plan_object.h"
#include "engine/task/batch_sink.h"
#include "engine/task/task_context.h"

namespace centella {

class ShuffleDependency;

class NodeBase : public PlanObject {
 public:
  int rdd_id() const { return rdd_id_; }
  int num_partitions() const { return num_partitions_; }
  const std::vector<std::shared_ptr<NodeBase>>& parents() const { return parents_; }

  // Driver side only: the shuffle this node reads (a stage boundary), or null.
  virtual std::shared_ptr<ShuffleDependency> shuffle_dependency() const { return nullptr; }
  // Short operator name for logs and the UI ("text_file", "reduce_by_key", ...).
  virtual std::string_view op_name() const = 0;
  // True for a persisted RDD: its partitions are cached by executors, and tasks that read
  // one prefer the executor holding it.
  virtual bool persisted() const { return false; }

  // An error found while building the lineage (e.g. a missing input path). It surfaces
  // from the first action over this node, as in Spark.
  const absl::Status& build_status() const { return build_status_; }

  void set_identity(int rdd_id, int num_partitions) {
    rdd_id_ = rdd_id;
    num_partitions_ = num_partitions;
  }
  void set_parents(std::vector<std::shared_ptr<NodeBase>> parents) {
    parents_ = std::move(parents);
  }
  void set_build_status(absl::Status s) { build_status_ = std::move(s); }

 private:
  int rdd_id_ = -1;
  int num_partitions_ = 0;
  std::vector<std::shared_ptr<NodeBase>> parents_;
  absl::Status build_status_;
};

template <class T>
class Node : public NodeBase {
 public:
  using Record = T;
  // Pushes the records of `partition` into `out`. Errors: DataLoss/Unavailable for input
  // that cannot be read, a fetch failure (see fetch_failure.h) for missing shuffle blocks.
  virtual absl::Status Compute(TaskContext& ctx, int partition, BatchSink<T>& out) const = 0;
};

}  // namespace centella

#endif  // CENTELLA_ENGINE_TASK_NODE_H_

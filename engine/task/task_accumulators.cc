#include "engine/task/task_accumulators.h"

#include <algorithm>
#include <vector>

namespace centella {

void TaskAccumulators::AppendUpdates(
    google::protobuf::RepeatedPtrField<v1::AccumulatorUpdate>* out) const {
  // Sorted, so that a result's bytes do not depend on hash-table order.
  std::vector<int64_t> ids;
  ids.reserve(partials_.size());
  for (const auto& [id, partial] : partials_) ids.push_back(id);
  std::sort(ids.begin(), ids.end());
  for (int64_t id : ids) {
    v1::AccumulatorUpdate* u = out->Add();
    u->set_accumulator_id(id);
    u->set_value(partials_.at(id)->Serialize());
  }
}

}  // namespace centella

#include "driver/accumulator/accumulator_registry.h"

namespace centella {

absl::Status AccumulatorRegistry::MergeUpdates(
    const google::protobuf::RepeatedPtrField<v1::AccumulatorUpdate>& updates) {
  absl::Status first;
  absl::MutexLock lock(&mu_);
  for (const v1::AccumulatorUpdate& u : updates) {
    auto it = totals_.find(u.accumulator_id());
    absl::Status s;
    if (it == totals_.end()) {
      s = absl::DataLossError(
          absl::StrCat("a task reported an update of unknown accumulator ", u.accumulator_id()));
    } else if (absl::Status m = it->second->MergeSerialized(u.value()); !m.ok()) {
      s = absl::DataLossError(absl::StrCat("cannot merge an update of accumulator ",
                                           u.accumulator_id(), " (", it->second->name(),
                                           "): ", m.message()));
    }
    if (first.ok()) first = s;
  }
  return first;
}

std::string AccumulatorRegistry::Name(int64_t id) const {
  absl::MutexLock lock(&mu_);
  auto it = totals_.find(id);
  return it == totals_.end() ? "" : it->second->name();
}

}  // namespace centella

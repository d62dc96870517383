// Reading the serialized state of a plan object back on an executor.
#ifndef CENTELLA_ENGINE_RDD_PLAN_STATE_H_
#define CENTELLA_ENGINE_RDD_PLAN_STATE_H_

#include <memory>
#include <string_view>

#include "absl/status/statusor.h"
#include "common/serde/byte_reader.h"
#include "engine/plan/plan_object.h"

namespace centella {

// Runs `read(reader)` (returning std::optional<std::unique_ptr<T>> or a null pointer on
// failure) over `state`, and turns malformed or trailing bytes into a DataLoss error.
template <class Read>
absl::StatusOr<std::unique_ptr<PlanObject>> ReadPlanState(std::string_view state, Read read) {
  ByteReader r(state);
  std::unique_ptr<PlanObject> obj = read(r);
  if (obj == nullptr && r.ok()) r.Fail("state does not decode");
  if (r.ok() && !r.done()) r.Fail("trailing bytes in state");
  if (!r.ok()) return r.status();
  return obj;
}

}  // namespace centella

#endif  // CENTELLA_ENGINE_RDD_PLAN_STATE_H_

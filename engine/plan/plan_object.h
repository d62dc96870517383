// PlanObject: anything a driver ships to executors inside a stage plan (lineage nodes,
// stage runners). It is rebuilt on the executor from its registered type and its state.
#ifndef CENTELLA_ENGINE_PLAN_PLAN_OBJECT_H_
#define CENTELLA_ENGINE_PLAN_PLAN_OBJECT_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace centella {

class PlanObject {
 public:
  virtual ~PlanObject() = default;
  // Stable identity of the concrete type: the same in every process of one binary.
  virtual uint64_t type_id() const = 0;
  virtual std::string_view type_name() const = 0;
  // Appends the captured state the registered factory needs to rebuild this object.
  virtual void SerializeState(std::string* out) const = 0;
};

}  // namespace centella

#endif  // CENTELLA_ENGINE_PLAN_PLAN_OBJECT_H_

// OperatorRegistry: maps a stable type identity to a factory that rebuilds a PlanObject
// from its serialized state.
//
// C++ cannot serialize code, so Centella ships identities instead: every plan object type
// (a lineage node or stage runner instantiated over the user's lambdas) registers itself
// during static initialisation through `RegisteredType<T>`. Driver and executors run the
// same binary, so the same template instantiations exist, with the same mangled names, in
// both. A task names each object by that identity plus its captured state.
//
// The registry is the one process-wide table in Centella, because registration happens
// before main(); it is written only during static initialisation and read afterwards, so
// lookups need no lock.
#ifndef CENTELLA_ENGINE_PLAN_OPERATOR_REGISTRY_H_
#define CENTELLA_ENGINE_PLAN_OPERATOR_REGISTRY_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <typeinfo>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "engine/plan/plan_object.h"

namespace centella {

class OperatorRegistry {
 public:
  using Factory = absl::StatusOr<std::unique_ptr<PlanObject>> (*)(std::string_view state);

  static OperatorRegistry& Global();

  // Registers `factory` under the hash of `name` and returns that id. Registering the same
  // name twice returns the same id; two names with one hash abort (never silently alias).
  uint64_t Register(std::string_view name, Factory factory);

  // Rebuilds an object. NotFound names the type when the binary does not contain it (e.g.
  // an executor started from a different build than its driver).
  absl::StatusOr<std::unique_ptr<PlanObject>> Create(uint64_t type_id, std::string_view name,
                                                     std::string_view state) const;

  size_t size() const { return entries_.size(); }

 private:
  struct Entry {
    std::string name;
    Factory factory;
  };
  absl::flat_hash_map<uint64_t, Entry> entries_;
};

uint64_t StableTypeIdOfName(std::string_view name);

// Registers T at static-initialisation time. T must provide
//   static absl::StatusOr<std::unique_ptr<PlanObject>> FromState(std::string_view state);
// Plan object classes derive from RegisteredPlanObject<T, Base> below to get type_id()
// and type_name() wired to this registration.
template <class T>
struct RegisteredType {
  static const char* Name() { return typeid(T).name(); }
  static inline const uint64_t kTypeId =
      OperatorRegistry::Global().Register(typeid(T).name(), &T::FromState);
};

template <class Derived, class Base>
class RegisteredPlanObject : public Base {
 public:
  using Base::Base;
  uint64_t type_id() const override { return RegisteredType<Derived>::kTypeId; }
  std::string_view type_name() const override { return RegisteredType<Derived>::Name(); }
};

}  // namespace centella

#endif  // CENTELLA_ENGINE_PLAN_OPERATOR_REGISTRY_H_

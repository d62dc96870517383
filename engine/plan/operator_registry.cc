#include "engine/plan/operator_registry.h"

#include <cstdio>
#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "common/serde/stable_hash.h"

namespace centella {

OperatorRegistry& OperatorRegistry::Global() {
  // Function-local static: constructed on first use, so registrations from any
  // translation unit's static initialisers find it ready.
  static OperatorRegistry* registry = new OperatorRegistry();
  return *registry;
}

uint64_t StableTypeIdOfName(std::string_view name) {
  return hash_internal::HashBytes(name.data(), name.size());
}

uint64_t OperatorRegistry::Register(std::string_view name, Factory factory) {
  uint64_t id = StableTypeIdOfName(name);
  auto [it, inserted] = entries_.try_emplace(id, Entry{std::string(name), factory});
  if (!inserted && it->second.name != name) {
    std::fprintf(stderr, "centella: operator type id collision between %s and %.*s\n",
                 it->second.name.c_str(), static_cast<int>(name.size()), name.data());
    std::abort();
  }
  return id;
}

absl::StatusOr<std::unique_ptr<PlanObject>> OperatorRegistry::Create(uint64_t type_id,
                                                                     std::string_view name,
                                                                     std::string_view state) const {
  auto it = entries_.find(type_id);
  if (it == entries_.end()) {
    return absl::NotFoundError(
        absl::StrCat("operator ", std::string(name),
                     " is not registered in this binary; driver and executors must run "
                     "the same build of the job"));
  }
  return it->second.factory(state);
}

}  // namespace centella

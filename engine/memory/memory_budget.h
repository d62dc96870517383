// The memory budget of an executor for execution buffers (aggregation, join, sort, map
// output), from the configuration:
//   centella.memory.budget     explicit bytes (for tests and tuning; 0 = computed)
//   centella.memory.fraction   share of the executor's memory, in percent (default 60)
//   centella.executor.memory   the executor's memory (default 1g); in local mode the
//                              embedded executor's
//   centella.memory.storageFraction   percent of the budget for cached RDD partitions
//                              (persist), default 50; execution gets the rest
// A static split (Spark 1.x's model): simple to reason about, and execution can never be
// starved by cached data nor the cache by a large sort.
// The rest of the process's memory covers records in flight, user objects and the
// runtime itself, as in Spark's unified memory model.
#ifndef CENTELLA_ENGINE_MEMORY_MEMORY_BUDGET_H_
#define CENTELLA_ENGINE_MEMORY_MEMORY_BUDGET_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "common/config/conf.h"

namespace centella {

struct MemoryBudgets {
  int64_t execution = 0;
  int64_t storage = 0;
};

// `executor_memory` is the granted memory of the executor, or 0 to read
// centella.executor.memory. InvalidArgument naming the key for malformed values.
absl::StatusOr<MemoryBudgets> MemoryBudgetFromConf(const Conf& conf, int64_t executor_memory = 0);

}  // namespace centella

#endif  // CENTELLA_ENGINE_MEMORY_MEMORY_BUDGET_H_

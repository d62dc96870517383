#include "engine/memory/memory_budget.h"

#include "absl/strings/str_cat.h"

namespace centella {

namespace {

absl::StatusOr<int64_t> TotalBudget(const Conf& conf, int64_t executor_memory) {
  absl::StatusOr<int64_t> budget = conf.GetBytes("centella.memory.budget", 0);
  if (!budget.ok()) return budget.status();
  if (*budget < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("centella.memory.budget must not be negative, got ", *budget));
  }
  if (*budget > 0) return *budget;
  absl::StatusOr<int64_t> percent = conf.GetInt("centella.memory.fraction", 60);
  if (!percent.ok()) return percent.status();
  if (*percent <= 0 || *percent > 100) {
    return absl::InvalidArgumentError(
        absl::StrCat("centella.memory.fraction is a percentage in 1..100, got ", *percent));
  }
  if (executor_memory <= 0) {
    absl::StatusOr<int64_t> memory = conf.GetBytes("centella.executor.memory", int64_t{1} << 30);
    if (!memory.ok()) return memory.status();
    executor_memory = *memory;
  }
  return executor_memory / 100 * *percent;
}

}  // namespace

absl::StatusOr<MemoryBudgets> MemoryBudgetFromConf(const Conf& conf, int64_t executor_memory) {
  absl::StatusOr<int64_t> total = TotalBudget(conf, executor_memory);
  if (!total.ok()) return total.status();
  absl::StatusOr<int64_t> percent = conf.GetInt("centella.memory.storageFraction", 50);
  if (!percent.ok()) return percent.status();
  if (*percent < 0 || *percent >= 100) {
    return absl::InvalidArgumentError(
        absl::StrCat("centella.memory.storageFraction is a percentage in 0..99, got ", *percent));
  }
  MemoryBudgets b;
  b.storage = *total / 100 * *percent;
  b.execution = *total - b.storage;
  return b;
}

}  // namespace centella

// AccumulatorRegistry: the driver's totals of an application's accumulators.
//
// Context::accumulator() registers one (zero value, name, merge operation); tasks add
// into partial values of their own (TaskAccumulators) that come back in TaskResults. The
// DAG scheduler hands a task's updates to MergeUpdates exactly once per counted task:
// only a successful attempt, and only the first successful completion of its partition
// (in a result stage: the result the job keeps; in a map stage: the first completion in
// the current stage attempt). Failed, killed, duplicate and stale attempts never reach
// the total. As in Spark, a map stage that runs again after its outputs were lost adds
// its tasks' updates again; updates made in actions (result stages) count exactly once.
//
// Thread-safe: merges come from the scheduler's loop, reads and driver-side adds from
// user threads.
#ifndef CENTELLA_DRIVER_ACCUMULATOR_ACCUMULATOR_REGISTRY_H_
#define CENTELLA_DRIVER_ACCUMULATOR_ACCUMULATOR_REGISTRY_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "common/serde/serde.h"
#include "common/status/status_macros.h"
#include "engine/task/accumulator_merge.h"
#include "google/protobuf/repeated_ptr_field.h"
#include "task.pb.h"

namespace centella {

class AccumulatorRegistry {
 public:
  AccumulatorRegistry() = default;
  AccumulatorRegistry(const AccumulatorRegistry&) = delete;
  AccumulatorRegistry& operator=(const AccumulatorRegistry&) = delete;

  // A new accumulator starting at `zero`; returns its id (0, 1, 2, ... per application).
  template <class T, class Merge>
  int64_t Register(T zero, std::string name, Merge merge) {
    absl::MutexLock lock(&mu_);
    const int64_t id = next_id_++;
    totals_[id] =
        std::make_unique<TypedTotal<T, Merge>>(std::move(zero), std::move(name), std::move(merge));
    return id;
  }

  // Merges the partial values of one counted task. Every update is applied; the first
  // error (an unknown id: DataLoss naming it; an undecodable value: DataLoss naming the
  // accumulator) is returned after the others were applied.
  absl::Status MergeUpdates(
      const google::protobuf::RepeatedPtrField<v1::AccumulatorUpdate>& updates);

  // Merges `x` into the total directly (Accumulator::add() on the driver, outside tasks).
  template <class T, class Merge>
  absl::Status Add(int64_t id, T x) {
    absl::MutexLock lock(&mu_);
    absl::StatusOr<TypedTotal<T, Merge>*> total = Find<T, Merge>(id);
    if (!total.ok()) return total.status();
    ApplyAccumulatorMerge((*total)->merge, (*total)->value, std::move(x));
    return absl::OkStatus();
  }

  // The current total. NotFound for an id not registered here.
  template <class T, class Merge>
  absl::StatusOr<T> Value(int64_t id) const {
    absl::MutexLock lock(&mu_);
    absl::StatusOr<TypedTotal<T, Merge>*> total = Find<T, Merge>(id);
    if (!total.ok()) return total.status();
    return (*total)->value;
  }

  // The name given at registration ("" if none or unknown).
  std::string Name(int64_t id) const;

 private:
  class Total {
   public:
    virtual ~Total() = default;
    virtual absl::Status MergeSerialized(std::string_view bytes) = 0;
    virtual const std::string& name() const = 0;
  };
  template <class T, class Merge>
  class TypedTotal final : public Total {
   public:
    TypedTotal(T zero, std::string name, Merge merge)
        : value(std::move(zero)), merge(std::move(merge)), name_(std::move(name)) {}
    absl::Status MergeSerialized(std::string_view bytes) override {
      T x{};
      RETURN_IF_ERROR(DeserializeFromString(bytes, &x));
      ApplyAccumulatorMerge(merge, value, std::move(x));
      return absl::OkStatus();
    }
    const std::string& name() const override { return name_; }

    T value;
    Merge merge;

   private:
    std::string name_;
  };

  template <class T, class Merge>
  absl::StatusOr<TypedTotal<T, Merge>*> Find(int64_t id) const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    auto it = totals_.find(id);
    if (it == totals_.end()) {
      return absl::NotFoundError(absl::StrCat("accumulator ", id,
                                              " is not registered with this "
                                              "driver (handles are only valid on the driver "
                                              "whose Context created them)"));
    }
    // One id has one (T, Merge): the handle that registered it fixes both.
    return static_cast<TypedTotal<T, Merge>*>(it->second.get());
  }

  mutable absl::Mutex mu_;
  int64_t next_id_ ABSL_GUARDED_BY(mu_) = 0;
  absl::flat_hash_map<int64_t, std::unique_ptr<Total>> totals_ ABSL_GUARDED_BY(mu_);
};

}  // namespace centella

#endif  // CENTELLA_DRIVER_ACCUMULATOR_ACCUMULATOR_REGISTRY_H_

// TaskAccumulators: the partial values one task attempt adds to accumulators.
//
// Accumulator::add() inside a task lands here (through the task's TaskContext), never in
// a shared total: a task attempt's additions only count once the driver has seen the
// attempt succeed (see AccumulatorRegistry). A partial starts empty and its first
// addition becomes its value, so executors never need the accumulator's zero; merge
// operations must be associative and commutative.
//
// At the end of the attempt TaskRunner serializes every partial into the TaskResult
// (whatever the outcome: the driver decides what counts).
//
// Owned by the TaskContext; used only by the thread running the task.
#ifndef CENTELLA_ENGINE_TASK_TASK_ACCUMULATORS_H_
#define CENTELLA_ENGINE_TASK_TASK_ACCUMULATORS_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "common/serde/serde.h"
#include "engine/task/accumulator_merge.h"
#include "google/protobuf/repeated_ptr_field.h"
#include "task.pb.h"

namespace centella {

class TaskAccumulators {
 public:
  TaskAccumulators() = default;
  TaskAccumulators(const TaskAccumulators&) = delete;
  TaskAccumulators& operator=(const TaskAccumulators&) = delete;

  // Merges `x` into this task's partial value of accumulator `id`. One accumulator id has
  // one (T, Merge) for the whole application (the handle that created it fixes both).
  template <class T, class Merge>
  void Add(int64_t id, const Merge& merge, T x) {
    Partial* p = last_id_ == id ? last_ : nullptr;
    if (p == nullptr) {
      std::unique_ptr<Partial>& slot = partials_[id];
      if (slot == nullptr) slot = std::make_unique<TypedPartial<T>>();
      p = slot.get();
      last_id_ = id;
      last_ = p;
    }
    std::optional<T>& value = static_cast<TypedPartial<T>*>(p)->value;
    if (value.has_value()) {
      ApplyAccumulatorMerge(merge, *value, std::move(x));
    } else {
      value.emplace(std::move(x));
    }
  }

  bool empty() const { return partials_.empty(); }

  // Appends one update (id, serialized partial value) per accumulator added to, in
  // increasing id order.
  void AppendUpdates(google::protobuf::RepeatedPtrField<v1::AccumulatorUpdate>* out) const;

 private:
  class Partial {
   public:
    virtual ~Partial() = default;
    virtual std::string Serialize() const = 0;
  };
  template <class T>
  class TypedPartial final : public Partial {
   public:
    std::string Serialize() const override { return SerializeToString(*value); }
    std::optional<T> value;
  };

  absl::flat_hash_map<int64_t, std::unique_ptr<Partial>> partials_;
  // The last accumulator added to: a task usually adds to one in a tight loop.
  int64_t last_id_ = -1;
  Partial* last_ = nullptr;
};

}  // namespace centella

#endif  // CENTELLA_ENGINE_TASK_TASK_ACCUMULATORS_H_

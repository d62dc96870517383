// Accumulator<T, Merge>: a value that tasks add to and only the driver reads (Spark's
// accumulators).
//
//   auto errors = ctx->accumulator<int64_t>(0, "errors");
//   auto bytes = ctx->accumulator<double>(0.0, "bytes");
//   auto stats = ctx->accumulator(Stats{}, "stats", MergeStats{});   // a user type
//   lines.foreach([errors](const std::string& l) { if (IsError(l)) errors.add(1); });
//   int64_t n = errors.value();
//
// The handle is a small trivially copyable value (the accumulator's id): capture it by
// value in the functions of transformations and actions. In a task, add() merges into the
// task attempt's own partial value, which travels back with the task's result; the
// driver merges it into the total once, and only for a successful attempt that is the
// first to complete its partition (failed, killed, duplicate and stale attempts never
// count; see AccumulatorRegistry). Updates made in actions therefore count exactly once;
// updates made in transformations of a map stage count again if that stage is recomputed
// after its output was lost (as in Spark). Read value() after the action returned.
//
// T must be serializable (Serde). Merge is a function object, void(T&, const T&) or
// T(T, T), associative and commutative, and trivially copyable (it travels inside the
// handle; a capture-less lambda or an empty struct is). Default: std::plus<T>.
//
// A handle is valid only with the Context that created it, which must outlive it.
#ifndef CENTELLA_DRIVER_API_ACCUMULATOR_H_
#define CENTELLA_DRIVER_API_ACCUMULATOR_H_

#include <cstdint>
#include <functional>
#include <string>
#include <type_traits>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/serde/serde.h"
#include "driver/accumulator/accumulator_registry.h"
#include "driver/api/context.h"
#include "engine/task/accumulator_merge.h"
#include "engine/task/status_exception.h"
#include "engine/task/task_context.h"

namespace centella {

template <class T, class Merge>
class Accumulator {
  static_assert(kIsSerializable<T>,
                "Centella: an accumulator's value type needs a serialized form (partial values "
                "travel from tasks to the driver). List its members with CENTELLA_FIELDS(...).");
  static_assert(kIsAccumulatorMerge<T, Merge>,
                "Centella: an accumulator's merge must be callable as void(T&, const T&) or "
                "T(T, T)");
  static_assert(std::is_trivially_copyable_v<Merge>,
                "Centella: an accumulator's merge function object travels inside the handle "
                "and must be trivially copyable (a capture-less lambda, an empty struct)");

 public:
  // An invalid handle (for members of function objects that are deserialized into).
  Accumulator() = default;

  // Adds `x`: inside a task to the attempt's partial value, on the driver directly to
  // the total. On the driver, a handle of another Context throws StatusException.
  void add(T x) const {
    if (TaskContext* task = TaskContext::Current()) {
      task->accumulators().Add<T, Merge>(id_, merge_, std::move(x));
      return;
    }
    Check(ctx_ == nullptr ? NotOnDriver()
                          : ctx_->runtime().accumulators().Add<T, Merge>(id_, std::move(x)));
  }

  // The driver's total so far. Driver only: inside a task it throws StatusException
  // (FailedPrecondition), which fails the task with a message naming the accumulator.
  T value() const {
    if (TaskContext::Current() != nullptr) {
      throw StatusException(absl::FailedPreconditionError(absl::StrCat(
          "accumulator ", id_, ": value() can only be read on the driver, not inside a task")));
    }
    if (ctx_ == nullptr) Check(NotOnDriver());
    absl::StatusOr<T> v = ctx_->runtime().accumulators().Value<T, Merge>(id_);
    Check(v.status());
    return *std::move(v);
  }

  int64_t id() const { return id_; }
  // The name given at creation (driver only; "" elsewhere).
  std::string name() const {
    return ctx_ != nullptr && TaskContext::Current() == nullptr
               ? ctx_->runtime().accumulators().Name(id_)
               : "";
  }

 private:
  friend class Context;
  friend struct Serde<Accumulator>;

  Accumulator(int64_t id, Context* ctx, Merge merge) : id_(id), ctx_(ctx), merge_(merge) {}

  absl::Status NotOnDriver() const {
    return absl::FailedPreconditionError(
        absl::StrCat("accumulator ", id_,
                     " is used outside a task by a handle that has no driver (it was "
                     "deserialized, or default-constructed)"));
  }
  static void Check(const absl::Status& s) {
    if (!s.ok()) throw StatusException(s);
  }

  int64_t id_ = -1;
  // The driver's context; only used outside tasks, i.e. on the driver (in a cluster's
  // executor processes user code runs only inside tasks).
  Context* ctx_ = nullptr;
  [[no_unique_address]] Merge merge_{};
};

// Function objects listing an Accumulator among their CENTELLA_FIELDS ship its id and
// merge operation; the copy has no driver (it is only used inside tasks).
template <class T, class Merge>
struct Serde<Accumulator<T, Merge>> {
  static void Write(ByteWriter& w, const Accumulator<T, Merge>& a) {
    Serialize(w, a.id_);
    if constexpr (!std::is_empty_v<Merge>) w.PutRaw(&a.merge_, sizeof(Merge));
  }
  static bool Read(ByteReader& r, Accumulator<T, Merge>* a) {
    if (!Deserialize(r, &a->id_)) return false;
    a->ctx_ = nullptr;
    if constexpr (!std::is_empty_v<Merge>) {
      std::string_view bytes;
      if (!r.GetRaw(sizeof(Merge), &bytes)) return false;
      std::memcpy(static_cast<void*>(&a->merge_), bytes.data(), sizeof(Merge));
    }
    return true;
  }
};

template <class T, class Merge>
Accumulator<T, Merge> Context::accumulator(T zero, std::string name, Merge merge) {
  const int64_t id =
      runtime_->accumulators().Register<T, Merge>(std::move(zero), std::move(name), merge);
  return Accumulator<T, Merge>(id, this, merge);
}

}  // namespace centella

#endif  // CENTELLA_DRIVER_API_ACCUMULATOR_H_

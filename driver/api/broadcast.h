// Broadcast<T>: a read-only value shipped to each executor process once, instead of
// with every task (Spark's broadcast variables).
//
//   auto table = ctx->broadcast(std::move(lookup));   // e.g. std::unordered_map<K, V>
//   rdd.map([table](const Order& o) { return Join(o, table.value().at(o.key)); });
//   ...
//   table.destroy();
//
// The handle is a small trivially copyable value (id, serialized size and checksum):
// capture it by value. value() inside a task returns the executor process's copy: the
// first task of a process that needs it fetches it from the driver (in checksummed
// pieces over Driver.FetchBroadcast) while concurrent tasks wait for that one fetch; it is
// decoded once and shared by every later task of the process. In local mode tasks read
// the driver's own object, with no copy at all. On the driver value() is the driver's
// object.
//
// Lifetime: a broadcast lives until destroy() or the end of its Context — a handle going
// out of scope does not free it (copies of it are inside shipped functions). destroy()
// frees it on the driver and tells executors to drop their copies; a task that reads it
// afterwards fails with an error naming the broadcast (FailedPrecondition). Tasks
// already running keep the value they read until they end.
//
// T must be serializable (Serde), also in local mode, so that a job behaves the same on a
// cluster. A handle is valid only with the Context that created it.
#ifndef CENTELLA_DRIVER_API_BROADCAST_H_
#define CENTELLA_DRIVER_API_BROADCAST_H_

#include <cstdint>
#include <memory>
#include <string_view>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "common/serde/serde.h"
#include "driver/api/context.h"
#include "driver/broadcast/broadcast_manager.h"
#include "engine/task/broadcast_source.h"
#include "engine/task/status_exception.h"
#include "engine/task/task_context.h"

namespace centella {

template <class T>
class Broadcast {
  static_assert(kIsSerializable<T>,
                "Centella: a broadcast value needs a serialized form (executors fetch it from "
                "the driver). List its members with CENTELLA_FIELDS(...), or specialize "
                "centella::Serde<T>.");

 public:
  // An invalid handle (for members of function objects that are deserialized into).
  Broadcast() = default;

  // The value. In a task: valid until the task ends. On the driver: valid until
  // destroy(). Throws StatusException when the value cannot be had (destroyed: fails the
  // task with FailedPrecondition naming the broadcast; fetch errors: the task is retried).
  const T& value() const {
    absl::StatusOr<const T*> v = get();
    if (!v.ok()) throw StatusException(v.status());
    return **v;
  }

  // value() without exceptions.
  absl::StatusOr<const T*> get() const {
    if (TaskContext* task = TaskContext::Current()) {
      absl::StatusOr<const void*> v = task->Broadcast(ref_, &Decode);
      if (!v.ok()) return v.status();
      return static_cast<const T*>(*v);
    }
    if (ctx_ == nullptr) return NotOnDriver();
    absl::StatusOr<std::shared_ptr<const void>> v = ctx_->runtime().broadcasts().Get(ref_, &Decode);
    if (!v.ok()) return v.status();
    return static_cast<const T*>(v->get());  // the manager keeps it until destroy()
  }

  // Frees the value on the driver and in every executor. Driver only (FailedPrecondition
  // inside a task). Destroying twice is fine.
  absl::Status destroy() const {
    if (TaskContext::Current() != nullptr) {
      return absl::FailedPreconditionError(
          absl::StrCat("broadcast ", ref_.id, ": destroy() can only be called on the driver"));
    }
    if (ctx_ == nullptr) return NotOnDriver();
    return ctx_->runtime().DestroyBroadcast(ref_.id);
  }

  int64_t id() const { return ref_.id; }
  // Bytes executors fetch (0 in local mode, where nothing is serialized).
  uint64_t serialized_size() const { return ref_.size; }

 private:
  friend class Context;
  friend struct Serde<Broadcast>;

  Broadcast(BroadcastRef ref, Context* ctx) : ref_(ref), ctx_(ctx) {}

  static absl::StatusOr<std::shared_ptr<const void>> Decode(std::string_view bytes) {
    auto value = std::make_shared<T>();
    absl::Status s = DeserializeFromString(bytes, value.get());
    if (!s.ok()) return s;
    return std::shared_ptr<const void>(std::move(value));
  }
  absl::Status NotOnDriver() const {
    return absl::FailedPreconditionError(
        absl::StrCat("broadcast ", ref_.id,
                     " is used outside a task by a handle that has no driver (it was "
                     "deserialized, or default-constructed)"));
  }

  BroadcastRef ref_;
  // The driver's context; only used outside tasks, i.e. on the driver (in a cluster's
  // executor processes user code runs only inside tasks).
  Context* ctx_ = nullptr;
};

// Function objects listing a Broadcast among their CENTELLA_FIELDS ship its reference;
// the copy has no driver (it is only used inside tasks).
template <class T>
struct Serde<Broadcast<T>> {
  static void Write(ByteWriter& w, const Broadcast<T>& b) {
    Serialize(w, b.ref_.id);
    Serialize(w, b.ref_.size);
    Serialize(w, b.ref_.checksum);
  }
  static bool Read(ByteReader& r, Broadcast<T>* b) {
    b->ctx_ = nullptr;
    return Deserialize(r, &b->ref_.id) && Deserialize(r, &b->ref_.size) &&
           Deserialize(r, &b->ref_.checksum);
  }
};

template <class T>
Broadcast<T> Context::broadcast(T value) {
  static_assert(kIsSerializable<T>,
                "Centella: a broadcast value needs a serialized form (executors fetch it from "
                "the driver). List its members with CENTELLA_FIELDS(...), or specialize "
                "centella::Serde<T>.");
  return Broadcast<T>(runtime_->broadcasts().Add(std::move(value)), this);
}

}  // namespace centella

#endif  // CENTELLA_DRIVER_API_BROADCAST_H_

// StatusException: an absl::Status thrown through user code.
//
// Centella's user-facing accessors that return a value or a reference — Broadcast::value()
// and Accumulator::value() — have no way to return an error, and user functions between
// them and the engine cannot be asked to propagate one. They throw this instead (as
// absl::StatusOr::value() throws absl::BadStatusOrAccess). Inside a task, TaskRunner
// catches it and fails the task with exactly this status (code and message, without the
// "user code threw" prefix of foreign exceptions). On the driver it reaches the caller
// like any exception; the non-throwing accessors (e.g. Broadcast::get()) avoid it.
#ifndef CENTELLA_ENGINE_TASK_STATUS_EXCEPTION_H_
#define CENTELLA_ENGINE_TASK_STATUS_EXCEPTION_H_

#include <exception>
#include <string>
#include <utility>

#include "absl/status/status.h"

namespace centella {

class StatusException : public std::exception {
 public:
  // `status` must not be OK.
  explicit StatusException(absl::Status status)
      : status_(std::move(status)), what_(status_.ToString()) {}

  const absl::Status& status() const { return status_; }
  const char* what() const noexcept override { return what_.c_str(); }

 private:
  absl::Status status_;
  std::string what_;
};

}  // namespace centella

#endif  // CENTELLA_ENGINE_TASK_STATUS_EXCEPTION_H_

// RETURN_IF_ERROR / ASSIGN_OR_RETURN: early return for absl::Status and absl::StatusOr.
//
// Use them below main() so that errors travel as values, never as exceptions.
#ifndef CENTELLA_COMMON_STATUS_STATUS_MACROS_H_
#define CENTELLA_COMMON_STATUS_STATUS_MACROS_H_

#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define CENTELLA_STATUS_CONCAT_INNER_(a, b) a##b
#define CENTELLA_STATUS_CONCAT_(a, b) CENTELLA_STATUS_CONCAT_INNER_(a, b)

// Evaluates `expr` (an absl::Status) and returns it from the caller if it is not OK.
#define RETURN_IF_ERROR(expr)                            \
  do {                                                   \
    ::absl::Status centella_status_ = (expr);            \
    if (!centella_status_.ok()) return centella_status_; \
  } while (false)

// `ASSIGN_OR_RETURN(auto x, MakeX());` declares/assigns `x` from an absl::StatusOr<T>,
// or returns its error status from the caller.
#define ASSIGN_OR_RETURN(lhs, rexpr) \
  CENTELLA_ASSIGN_OR_RETURN_IMPL_(CENTELLA_STATUS_CONCAT_(centella_statusor_, __LINE__), lhs, rexpr)

#define CENTELLA_ASSIGN_OR_RETURN_IMPL_(statusor, lhs, rexpr) \
  auto statusor = (rexpr);                                    \
  if (!statusor.ok()) return std::move(statusor).status();    \
  lhs = std::move(statusor).value()

#endif  // CENTELLA_COMMON_STATUS_STATUS_MACROS_H_

// Conversion between absl::Status (used everywhere below main()) and grpc::Status (used
// only at the RPC boundary).
//
// The mapping is one-to-one: absl and gRPC define the same 17 canonical codes, and every
// one of them survives a round trip with its message unchanged. A known code is never
// collapsed into UNKNOWN, so a client can tell a user error (InvalidArgument, NotFound,
// FailedPrecondition) from an internal one after the call crosses the wire.
//
// Thread safety: both functions are pure and may be called from any thread.
// Kept apart from status_macros.h so that code which only needs the macros does not pull
// in gRPC headers.
#ifndef CENTELLA_COMMON_STATUS_GRPC_STATUS_H_
#define CENTELLA_COMMON_STATUS_GRPC_STATUS_H_

#include <grpcpp/support/status.h>

#include "absl/status/status.h"

namespace centella {

// Returns the grpc::Status with the same code and message as `status`. An OK status maps
// to grpc::Status::OK (gRPC drops messages on OK). Payloads are not carried.
grpc::Status ToGrpcStatus(const absl::Status& status);

// Returns the absl::Status with the same code and message as `status`. A code outside the
// canonical range (a peer speaking a newer protocol) maps to absl::StatusCode::kUnknown,
// and the message then names the original numeric code.
absl::Status FromGrpcStatus(const grpc::Status& status);

}  // namespace centella

#endif  // CENTELLA_COMMON_STATUS_GRPC_STATUS_H_

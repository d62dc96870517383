#include "executor/process/grpc_broadcast_fetcher.h"

#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/status/grpc_status.h"

namespace centella {

GrpcBroadcastFetcher::GrpcBroadcastFetcher(v1::Driver::StubInterface* driver, std::string app_id,
                                           std::string executor_id, absl::Duration timeout)
    : driver_(driver),
      app_id_(std::move(app_id)),
      executor_id_(std::move(executor_id)),
      timeout_(timeout) {}

absl::Status GrpcBroadcastFetcher::Fetch(
    int64_t broadcast_id, absl::FunctionRef<absl::Status(const v1::BroadcastPiece&)> on_piece) {
  grpc::ClientContext ctx;
  ctx.set_deadline(absl::ToChronoTime(absl::Now() + timeout_));
  v1::FetchBroadcastRequest req;
  req.set_app_id(app_id_);
  req.set_executor_id(executor_id_);
  req.set_broadcast_id(broadcast_id);
  std::unique_ptr<grpc::ClientReaderInterface<v1::BroadcastPiece>> reader =
      driver_->FetchBroadcast(&ctx, req);
  v1::BroadcastPiece piece;
  absl::Status consumed;
  while (reader->Read(&piece)) {
    consumed = on_piece(piece);
    if (!consumed.ok()) {
      ctx.TryCancel();  // the rest is of no use
      break;
    }
  }
  grpc::Status s = reader->Finish();
  if (!consumed.ok()) return consumed;
  if (!s.ok()) {
    absl::Status status = FromGrpcStatus(s);
    // The driver's own verdicts (unknown, destroyed) are passed on as they are; transport
    // failures say where the fetch went.
    if (status.code() == absl::StatusCode::kNotFound ||
        status.code() == absl::StatusCode::kFailedPrecondition) {
      return status;
    }
    return absl::Status(status.code(), absl::StrCat("cannot fetch broadcast ", broadcast_id,
                                                    " from the driver: ", status.message()));
  }
  return absl::OkStatus();
}

}  // namespace centella

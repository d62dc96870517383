// GrpcBroadcastFetcher: fetches broadcast values from the driver with the streaming
// Driver.FetchBroadcast call, on the executor's authenticated channel to its driver.
#ifndef CENTELLA_EXECUTOR_PROCESS_GRPC_BROADCAST_FETCHER_H_
#define CENTELLA_EXECUTOR_PROCESS_GRPC_BROADCAST_FETCHER_H_

#include <string>

#include "absl/time/time.h"
#include "driver.grpc.pb.h"
#include "executor/process/broadcast_fetcher.h"

namespace centella {

class GrpcBroadcastFetcher : public BroadcastFetcher {
 public:
  // `driver` must outlive the fetcher. Each fetch must finish within `timeout` (a
  // progress-free stall ends it as Unavailable; the task then fails and is retried).
  GrpcBroadcastFetcher(v1::Driver::StubInterface* driver, std::string app_id,
                       std::string executor_id, absl::Duration timeout = absl::Minutes(5));

  absl::Status Fetch(int64_t broadcast_id,
                     absl::FunctionRef<absl::Status(const v1::BroadcastPiece&)> on_piece) override;

 private:
  v1::Driver::StubInterface* driver_;
  const std::string app_id_;
  const std::string executor_id_;
  const absl::Duration timeout_;
};

}  // namespace centella

#endif  // CENTELLA_EXECUTOR_PROCESS_GRPC_BROADCAST_FETCHER_H_

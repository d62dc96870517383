// BindWithRetries: Spark's port retries (spark.port.maxRetries) for any kind of server.
//
// A server asked for port P that is taken tries P+1, P+2, ... up to P+max_retries (never
// above 65535) and keeps the first one it can bind, so that several daemons left at their
// default ports share one host. Port 0 asks the kernel for a free port: one attempt, no
// retries. Both the gRPC server (rpc_server.h) and the status UIs
// (common/http/status_http_server.h) bind through it, so they log and fail alike:
//
//   ASSIGN_OR_RETURN(int port, BindWithRetries({"gRPC server", "0.0.0.0", 7077, 16, "rpc"},
//                                              [&](int p) { return TryListen(p); }));
//
// `bind(port)` makes one attempt and returns the bound port (> 0; for port 0 the one the
// kernel chose), or 0 when it could not bind. It is not told why: a port that cannot be
// bound for another reason (a host that is not local, a privileged port) is skipped like a
// taken one, and the final error names every port tried.
//
// Errors: InvalidArgument for a port outside 0..65535 or a negative max_retries;
// Unavailable naming the server, the host and the ports tried when none could be bound.
// Thread safety: none of its own; `bind` runs on the caller's thread.
#ifndef CENTELLA_COMMON_RPC_BIND_WITH_RETRIES_H_
#define CENTELLA_COMMON_RPC_BIND_WITH_RETRIES_H_

#include <string>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"

namespace centella {

// Ports tried after a taken one by the daemons' servers unless --port-max-retries says
// otherwise: Spark's default for spark.port.maxRetries.
inline constexpr int kDefaultPortMaxRetries = 16;

struct BindAttempts {
  // What is bound, for messages: "gRPC server", "status UI".
  std::string server;
  // The interface it binds, for messages.
  std::string host;
  // First port to try; 0 = any free port (one attempt).
  int port = 0;
  // Further ports after `port`: port+1 ... port+max_retries.
  int max_retries = 0;
  // Logger that reports each port it could not bind (a warning, as Spark's "could not
  // bind on port P. Attempting port P+1."); the servers themselves log where they listen.
  std::string component = "rpc";
};

// Returns the bound port.
absl::StatusOr<int> BindWithRetries(const BindAttempts& attempts,
                                    absl::FunctionRef<int(int port)> bind);

}  // namespace centella

#endif  // CENTELLA_COMMON_RPC_BIND_WITH_RETRIES_H_

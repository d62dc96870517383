// RpcServer: a gRPC server on a given or ephemeral port that tells where it listens.
//
// Port 0 binds an ephemeral port, so tests can start many clusters at once; a given port
// that is taken moves on to the next ones, up to port_max_retries of them
// (bind_with_retries.h, as Spark's spark.port.maxRetries). The bound "host:port" is logged
// and returned by address(); the owning process publishes it in its address file
// (address_file.h) once all of its servers listen.
#ifndef CENTELLA_COMMON_RPC_RPC_SERVER_H_
#define CENTELLA_COMMON_RPC_RPC_SERVER_H_

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/rpc/bind_with_retries.h"
#include "grpcpp/server.h"

namespace centella {

struct RpcServerOptions {
  // Interface to bind.
  std::string bind_host = "0.0.0.0";
  // 0 = any free port.
  int port = 0;
  // When `port` is taken, also try port+1 ... port+port_max_retries. 0 here, so that a
  // library user asking for a port gets exactly that one; the daemons' flag
  // --port-max-retries defaults to kDefaultPortMaxRetries.
  int port_max_retries = 0;
  // Host name other processes use to reach this one (default: 127.0.0.1 when bound to
  // loopback, else this machine's host name).
  std::string advertise_host;
  // Logger name, e.g. "cluster-manager".
  std::string component = "rpc";
};

class RpcServer {
 public:
  // Builds and starts a server for `services` (not owned; they must outlive it). Each
  // attempt on another port builds a new server with the same services, which gRPC allows
  // for synchronous services (an async service can be registered with one server only).
  // InvalidArgument for a bad port; Unavailable when no port could be bound, naming them.
  static absl::StatusOr<std::unique_ptr<RpcServer>> Start(
      const RpcServerOptions& options, const std::vector<grpc::Service*>& services);
  ~RpcServer();

  const std::string& address() const { return address_; }  // advertise_host:port
  int port() const { return port_; }

  // Stops accepting calls; in-flight calls get `grace` to finish. Idempotent.
  void Shutdown(absl::Duration grace = absl::Seconds(2));
  // Blocks until Shutdown() completes.
  void Wait();

 private:
  RpcServer() = default;
  std::unique_ptr<grpc::Server> server_;
  std::string address_;
  int port_ = 0;
  std::atomic<bool> shut_down_{false};
};

// This machine's host name, or "127.0.0.1" if it has none.
std::string LocalHostName();

}  // namespace centella

#endif  // CENTELLA_COMMON_RPC_RPC_SERVER_H_

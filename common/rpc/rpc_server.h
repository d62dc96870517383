// RpcServer: a gRPC server on a given or ephemeral port that tells where it listens.
//
// `--port 0` binds an ephemeral port; the bound "host:port" is logged and, when an
// address file is given, written atomically as its first line, so tests can start many
// clusters at once and find them.
#ifndef CENTELLA_COMMON_RPC_RPC_SERVER_H_
#define CENTELLA_COMMON_RPC_RPC_SERVER_H_

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "grpcpp/server.h"

namespace centella {

struct RpcServerOptions {
  // Interface to bind.
  std::string bind_host = "0.0.0.0";
  // 0 = any free port.
  int port = 0;
  // Host name other processes use to reach this one (default: 127.0.0.1 when bound to
  // loopback, else this machine's host name).
  std::string advertise_host;
  // If set, "host:port\n" is written here once the server listens.
  std::string address_file;
  // Logger name, e.g. "cluster-manager".
  std::string component = "rpc";
};

class RpcServer {
 public:
  // Builds and starts a server for `services` (not owned; they must outlive it).
  // Unavailable when the port cannot be bound, naming it.
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

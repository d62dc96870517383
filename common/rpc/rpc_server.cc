#include "common/rpc/rpc_server.h"

#include <unistd.h>

#include <chrono>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/logging/logger.h"
#include "common/rpc/keepalive.h"
#include "common/status/status_macros.h"
#include "grpcpp/server_builder.h"

namespace centella {

std::string LocalHostName() {
  char name[256] = {};
  if (::gethostname(name, sizeof(name) - 1) != 0 || name[0] == '\0') return "127.0.0.1";
  return name;
}

absl::StatusOr<std::unique_ptr<RpcServer>> RpcServer::Start(
    const RpcServerOptions& options, const std::vector<grpc::Service*>& services) {
  std::unique_ptr<RpcServer> server(new RpcServer());
  // One attempt: a whole server, because a grpc::ServerBuilder binds its ports only in
  // BuildAndStart, and a failed build leaves nothing to retry with.
  auto listen_on = [&](int port) {
    grpc::ServerBuilder builder;
    int bound = 0;
    builder.AddListeningPort(absl::StrCat(options.bind_host, ":", port),
                             grpc::InsecureServerCredentials(), &bound);
    // Without this, gRPC binds with SO_REUSEPORT and a second daemon on a taken port
    // would silently share it instead of moving on.
    builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
    builder.SetMaxReceiveMessageSize(64 << 20);
    builder.SetMaxSendMessageSize(64 << 20);
    // Keep long-lived streams (task streams, watches) alive through idle periods and
    // notice dead peers within seconds; accept the clients' own keepalive pings.
    AddServerKeepalive(builder);
    for (grpc::Service* s : services) builder.RegisterService(s);
    std::unique_ptr<grpc::Server> started = builder.BuildAndStart();
    if (started == nullptr || bound == 0) return 0;
    server->server_ = std::move(started);
    return bound;
  };
  ASSIGN_OR_RETURN(server->port_, BindWithRetries({"gRPC server", options.bind_host, options.port,
                                                   options.port_max_retries, options.component},
                                                  listen_on));
  std::string host = options.advertise_host;
  if (host.empty()) {
    host = options.bind_host == "127.0.0.1" || options.bind_host == "localhost"
               ? "127.0.0.1"
               : LocalHostName();
  }
  server->address_ = absl::StrCat(host, ":", server->port_);
  GetLogger(options.component)->info("listening on {} (gRPC)", server->address_);
  return server;
}

RpcServer::~RpcServer() { Shutdown(absl::ZeroDuration()); }

void RpcServer::Shutdown(absl::Duration grace) {
  if (server_ == nullptr || shut_down_.exchange(true)) return;
  server_->Shutdown(std::chrono::system_clock::now() + absl::ToChronoMilliseconds(grace));
}

void RpcServer::Wait() {
  if (server_ != nullptr) server_->Wait();
}

}  // namespace centella

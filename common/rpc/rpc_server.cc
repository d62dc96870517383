#include "common/rpc/rpc_server.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "common/logging/logger.h"
#include "common/rpc/keepalive.h"
#include "grpcpp/server_builder.h"

namespace centella {
namespace {

absl::Status WriteAddressFile(const std::string& path, const std::string& address) {
  std::string tmp = absl::StrCat(path, ".tmp.", ::getpid());
  std::FILE* f = std::fopen(tmp.c_str(), "w");
  if (f == nullptr) {
    return absl::PermissionDeniedError(absl::StrCat("cannot write address file ", path));
  }
  std::fprintf(f, "%s\n", address.c_str());
  if (std::fclose(f) != 0 || std::rename(tmp.c_str(), path.c_str()) != 0) {
    return absl::PermissionDeniedError(absl::StrCat("cannot write address file ", path));
  }
  return absl::OkStatus();
}

}  // namespace

std::string LocalHostName() {
  char name[256] = {};
  if (::gethostname(name, sizeof(name) - 1) != 0 || name[0] == '\0') return "127.0.0.1";
  return name;
}

absl::StatusOr<std::unique_ptr<RpcServer>> RpcServer::Start(
    const RpcServerOptions& options, const std::vector<grpc::Service*>& services) {
  if (options.port < 0 || options.port > 65535) {
    return absl::InvalidArgumentError(absl::StrCat("invalid port ", options.port));
  }
  grpc::ServerBuilder builder;
  int bound = 0;
  std::string listen = absl::StrCat(options.bind_host, ":", options.port);
  builder.AddListeningPort(listen, grpc::InsecureServerCredentials(), &bound);
  // Without this, gRPC binds with SO_REUSEPORT and a second daemon on a taken port
  // would silently share it instead of failing.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  builder.SetMaxReceiveMessageSize(64 << 20);
  builder.SetMaxSendMessageSize(64 << 20);
  // Keep long-lived streams (task streams, watches) alive through idle periods and
  // notice dead peers within seconds; accept the clients' own keepalive pings.
  AddServerKeepalive(builder);
  for (grpc::Service* s : services) builder.RegisterService(s);
  std::unique_ptr<RpcServer> server(new RpcServer());
  server->server_ = builder.BuildAndStart();
  if (server->server_ == nullptr || bound == 0) {
    return absl::UnavailableError(absl::StrCat("cannot listen on ", listen,
                                               " (is the port in use?)"));
  }
  server->port_ = bound;
  std::string host = options.advertise_host;
  if (host.empty()) {
    host = options.bind_host == "127.0.0.1" || options.bind_host == "localhost"
               ? "127.0.0.1"
               : LocalHostName();
  }
  server->address_ = absl::StrCat(host, ":", bound);
  GetLogger(options.component)->info("listening on {} (gRPC)", server->address_);
  if (!options.address_file.empty()) {
    absl::Status s = WriteAddressFile(options.address_file, server->address_);
    if (!s.ok()) return s;
  }
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

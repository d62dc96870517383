#include "common/http/status_http_server.h"

#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/logging/logger.h"
#include "httplib.h"

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

void MethodNotAllowed(const httplib::Request&, httplib::Response& res) {
  res.status = 405;
  res.set_header("Allow", "GET, HEAD");
  res.set_content("method not allowed: this server is read-only\n", "text/plain");
}

}  // namespace

StatusHttpServer::StatusHttpServer() : server_(std::make_unique<httplib::Server>()) {}

absl::StatusOr<std::unique_ptr<StatusHttpServer>> StatusHttpServer::Start(
    StatusHttpServerOptions options) {
  std::unique_ptr<StatusHttpServer> server(new StatusHttpServer());
  httplib::Server& http = *server->server_;
  for (auto& [path, handler] : options.routes) {
    http.Get(path, [handler = std::move(handler)](const httplib::Request&,
                                                  httplib::Response& res) {
      absl::StatusOr<HttpBody> body = handler();
      if (!body.ok()) {
        res.status = 503;
        res.set_content(absl::StrCat(body.status().message(), "\n"), "text/plain");
        return;
      }
      res.set_content(std::move(body->body), body->content_type);
    });
  }
  // SO_REUSEADDR only: httplib's default also sets SO_REUSEPORT, which would let a second
  // server share a busy port instead of failing.
  http.set_socket_options([](int sock) {
    int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
  });
  const std::string any = ".*";
  http.Post(any, MethodNotAllowed);
  http.Put(any, MethodNotAllowed);
  http.Patch(any, MethodNotAllowed);
  http.Delete(any, MethodNotAllowed);
  http.Options(any, MethodNotAllowed);

  if (options.port == 0) {
    server->port_ = http.bind_to_any_port(options.bind_host);
  } else if (options.port > 0 && http.bind_to_port(options.bind_host, options.port)) {
    server->port_ = options.port;
  }
  if (server->port_ <= 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot bind HTTP UI to ", options.bind_host, ":", options.port));
  }
  const std::string host = options.bind_host == "0.0.0.0" ? "127.0.0.1" : options.bind_host;
  server->address_ = absl::StrCat(host, ":", server->port_);
  server->listener_ = std::thread([&http, done = &server->listener_done_] {
    http.listen_after_bind();
    done->store(true);
  });
  GetLogger(options.component)->info("status UI listening on http://{}/", server->address_);
  if (!options.address_file.empty()) {
    absl::Status written = WriteAddressFile(options.address_file, server->address_);
    if (!written.ok()) return written;  // the destructor stops the listener
  }
  return server;
}

void StatusHttpServer::Stop() {
  if (!listener_.joinable()) return;
  // stop() before the listener entered its accept loop would be lost: wait for it.
  while (!server_->is_running() && !listener_done_.load()) std::this_thread::yield();
  server_->stop();
  listener_.join();
}

StatusHttpServer::~StatusHttpServer() { Stop(); }

}  // namespace centella

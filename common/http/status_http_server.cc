#include "common/http/status_http_server.h"

#include <sys/socket.h>

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/logging/logger.h"
#include "common/rpc/bind_with_retries.h"
#include "common/status/status_macros.h"
#include "httplib.h"

namespace centella {
namespace {

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

  ASSIGN_OR_RETURN(server->port_,
                   BindWithRetries({"status UI", options.bind_host, options.port,
                                    options.port_max_retries, options.component},
                                   [&](int port) {
                                     if (port == 0) return http.bind_to_any_port(options.bind_host);
                                     return http.bind_to_port(options.bind_host, port) ? port : 0;
                                   }));
  const std::string host = options.bind_host == "0.0.0.0" ? "127.0.0.1" : options.bind_host;
  server->address_ = absl::StrCat(host, ":", server->port_);
  server->listener_ = std::thread([&http, done = &server->listener_done_] {
    http.listen_after_bind();
    done->store(true);
  });
  GetLogger(options.component)->info("status UI listening on http://{}/", server->address_);
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

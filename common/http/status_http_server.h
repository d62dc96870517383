// StatusHttpServer: a small read-only HTTP server for status pages and JSON APIs.
//
//   StatusHttpServerOptions options;
//   options.bind_host = "127.0.0.1";
//   options.port = 0;                                   // 0 = ephemeral
//   options.port_max_retries = 16;                      // a taken port: try the next
//   options.routes["/api/v1/things"] = [] { return HttpBody{"application/json", "[]"}; };
//   ASSIGN_OR_RETURN(auto server, StatusHttpServer::Start(options));
//   server->port();                                     // the bound port
//
// Contract: only GET (and HEAD, answered from the GET handler) of a registered path is
// served; any other method on any path answers 405, an unregistered path 404. A handler
// returning an error status answers 503 with the status message as text/plain. Handlers
// run on the server's worker threads, concurrently: they must be thread-safe (the
// owners' UIs post to their event loop and wait).
//
// Port: a given port that is taken moves on to the next ones, up to port_max_retries of
// them (common/rpc/bind_with_retries.h, as Spark's UI does with spark.port.maxRetries);
// the port taken is logged. The owning process publishes address() in its address file
// (common/rpc/address_file.h) once all of its servers listen.
//
// Thread safety: port()/address() from any thread; Stop is idempotent and blocks until
// the listener thread has ended (in-flight requests finish first).
#ifndef CENTELLA_COMMON_HTTP_STATUS_HTTP_SERVER_H_
#define CENTELLA_COMMON_HTTP_STATUS_HTTP_SERVER_H_

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>

#include "absl/status/statusor.h"

namespace httplib {
class Server;
}

namespace centella {

// A response body with its Content-Type, e.g. {"text/html; charset=utf-8", "<html>..."}.
struct HttpBody {
  std::string content_type;
  std::string body;
};

struct StatusHttpServerOptions {
  // Interface to bind.
  std::string bind_host = "0.0.0.0";
  // 0 = any free port.
  int port = 0;
  // When `port` is taken, also try port+1 ... port+port_max_retries.
  int port_max_retries = 0;
  // Logger name, e.g. "cluster-manager-ui".
  std::string component = "http";
  // Exact path -> GET handler.
  std::map<std::string, std::function<absl::StatusOr<HttpBody>()>> routes;
};

class StatusHttpServer {
 public:
  // Binds and starts serving on a background thread. InvalidArgument for a bad port;
  // Unavailable when no port could be bound, naming the ports tried.
  static absl::StatusOr<std::unique_ptr<StatusHttpServer>> Start(StatusHttpServerOptions options);
  // Stops.
  ~StatusHttpServer();
  StatusHttpServer(const StatusHttpServer&) = delete;
  StatusHttpServer& operator=(const StatusHttpServer&) = delete;

  int port() const { return port_; }
  // "host:port" to reach it: the bind host, or 127.0.0.1 when bound to 0.0.0.0.
  const std::string& address() const { return address_; }

  // Stops listening and joins the listener thread. Idempotent.
  void Stop();

 private:
  StatusHttpServer();

  std::unique_ptr<httplib::Server> server_;
  std::thread listener_;
  std::atomic<bool> listener_done_{false};
  int port_ = 0;
  std::string address_;
};

}  // namespace centella

#endif  // CENTELLA_COMMON_HTTP_STATUS_HTTP_SERVER_H_

// centella-cluster-manager: the standalone cluster manager (docs/cluster.md).
//
//   centella-cluster-manager --port 7077 --recovery-dir /var/lib/centella/manager
//
// Exit codes: 0 after SIGINT/SIGTERM, 1 when the manager cannot start, CLI11's codes for
// malformed flags.
#include <signal.h>

#include <iostream>
#include <string>
#include <thread>

#include "CLI/CLI.hpp"
#include "absl/time/time.h"
#include "cluster-manager/cluster_manager_server.h"
#include "common/auth/shared_secret.h"
#include "common/logging/logger.h"
#include "common/rpc/rpc_server.h"

int main(int argc, char** argv) {
  using centella::cluster_manager::ClusterManagerServer;
  using centella::cluster_manager::ClusterManagerServerOptions;

  CLI::App app{
      "Centella standalone cluster manager: registers executor daemons, allocates "
      "executors to applications, runs cluster-mode drivers."};
  app.name("centella-cluster-manager");
  ClusterManagerServerOptions options;
  std::string host;
  std::string bind = "0.0.0.0";
  int port = 7077;
  // ClusterManagerOptions::worker_timeout: lost within 10 s of the last heartbeat.
  double worker_timeout_s = 8;
  bool spread_out = true;
  std::string secret_file;
  bool insecure = false;
  app.add_option("--host", host, "Advertised host name (default: this machine's host name)");
  app.add_option("--bind", bind, "Interface to listen on")->capture_default_str();
  app.add_option("--port", port, "gRPC port; 0 = any free port; a taken one tries the next")
      ->capture_default_str()
      ->check(CLI::Range(0, 65535));
  int port_max_retries = centella::kDefaultPortMaxRetries;
  app.add_option("--port-max-retries", port_max_retries,
                 "Further ports tried after a taken --port or --ui-port (port+1, port+2, ...)")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  app.add_option("--recovery-dir", options.recovery_dir,
                 "Persist applications, drivers and daemons here and recover them on restart");
  app.add_option("--worker-timeout", worker_timeout_s,
                 "Seconds without a heartbeat after which a daemon is lost (e.g. 8, 2.5); "
                 "detection takes up to this plus 0.25 s, so the default 8 keeps a daemon "
                 "cut off from the network lost within 10 s")
      ->capture_default_str()
      ->transform([](std::string value) {
        // Accept "10s" as well as "10", as docs/cluster.md writes it.
        if (!value.empty() && value.back() == 's') value.pop_back();
        return value;
      })
      ->check(CLI::PositiveNumber);
  app.add_option("--spread-out", spread_out,
                 "true: spread executors across daemons; false: pack them onto few")
      ->capture_default_str();
  app.add_option("--address-file", options.address_file,
                 "Once all servers listen, write the gRPC host:port here (line 1) and the "
                 "status UI host:port (line 2, absent with --ui-port -1)");
  options.ui_port = 8080;
  app.add_option("--ui-port", options.ui_port,
                 "Read-only HTTP status UI port; 0 = any free port, -1 = no UI")
      ->capture_default_str()
      ->check(CLI::Range(-1, 65535));
  app.add_option("--ui-bind", options.ui_bind_host,
                 "Interface the status UI listens on (default: --bind)");
  app.add_option("--secret-file", secret_file,
                 "Shared secret file (default: $CENTELLA_SECRET_FILE)");
  app.add_flag("--insecure", insecure, "Run without authentication (logs a warning)");
  CLI11_PARSE(app, argc, argv);

  auto log = centella::GetLogger("cluster-manager");
  absl::StatusOr<centella::SharedSecret> secret =
      centella::SharedSecret::Load(secret_file, insecure, "cluster-manager");
  if (!secret.ok()) {
    std::cerr << "centella-cluster-manager: " << secret.status().message() << "\n";
    return 1;
  }
  options.rpc.bind_host = bind;
  options.rpc.port = port;
  options.rpc.port_max_retries = port_max_retries;
  options.rpc.advertise_host = host;
  options.manager.worker_timeout = absl::Milliseconds(worker_timeout_s * 1000);
  options.manager.spread_out = spread_out;

  // Block the stop signals in every thread; one thread waits for them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  auto server = ClusterManagerServer::Start(options, *std::move(secret));
  if (!server.ok()) {
    std::cerr << "centella-cluster-manager: " << server.status().message() << "\n";
    return 1;
  }
  std::thread stopper([&] {
    int received = 0;
    sigwait(&signals, &received);
    log->info("signal {}: shutting down", received);
    (*server)->Shutdown();
  });
  (*server)->Wait();
  stopper.join();
  server->reset();
  return 0;
}

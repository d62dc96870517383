// centella-executor: the executor daemon (docs/cluster.md). Parses flags, starts a
// Daemon, and stops it on SIGINT/SIGTERM.
#include <signal.h>

#include <cstdio>
#include <string>
#include <thread>

#include "CLI/CLI.hpp"
#include "common/config/byte_size.h"
#include "common/config/conf_value.h"
#include "common/logging/logger.h"
#include "executor/daemon/daemon.h"

int main(int argc, char** argv) {
  centella::DaemonOptions options;
  std::string memory;
  std::string heartbeat = "1s";
  CLI::App app{"centella-executor: the Centella executor daemon", "centella-executor"};
  app.add_option("--cluster-manager", options.cluster_manager, "manager host:port")->required();
  app.add_option("--cores", options.cores, "cores offered (default: all)");
  app.add_option("--memory", memory, "memory offered, e.g. 8g (default: RAM minus 1 GiB)");
  app.add_option("--host", options.host, "advertised host name or address");
  app.add_option("--bind", options.bind, "interface to bind")->capture_default_str();
  app.add_option("--port", options.port, "gRPC port, 0 = ephemeral; a taken one tries the next")
      ->capture_default_str()
      ->check(CLI::Range(0, 65535));
  app.add_option("--port-max-retries", options.port_max_retries,
                 "further ports tried after a taken --port or --ui-port (port+1, port+2, ...)")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  app.add_option("--work-dir", options.work_dir, "binaries, apps and drivers")
      ->capture_default_str();
  app.add_option("--heartbeat-interval", heartbeat, "e.g. 1s, 500ms")->capture_default_str();
  app.add_option("--address-file", options.address_file,
                 "once all servers listen, write the gRPC host:port here (line 1) and the "
                 "status UI host:port (line 2, absent with --ui-port -1)");
  options.ui_port = 8081;
  app.add_option("--ui-port", options.ui_port, "status UI port, 0 = ephemeral, -1 = none")
      ->capture_default_str()
      ->check(CLI::Range(-1, 65535));
  app.add_option("--ui-bind", options.ui_bind, "interface the status UI binds (default: --bind)");
  app.add_option("--secret-file", options.secret_file,
                 "shared secret (default: $CENTELLA_SECRET_FILE)");
  app.add_flag("--insecure", options.insecure, "run without authentication");
  CLI11_PARSE(app, argc, argv);

  auto log = centella::GetLogger("executor-daemon");
  if (!memory.empty()) {
    absl::StatusOr<centella::ByteSize> size = centella::ParseByteSize(memory);
    if (!size.ok()) {
      log->error("invalid --memory: {}", size.status().ToString());
      return 2;
    }
    options.memory_bytes = size->bytes;
  }
  absl::StatusOr<absl::Duration> interval = centella::ParseConfDuration(heartbeat);
  if (!interval.ok()) {
    log->error("invalid --heartbeat-interval: {}", interval.status().ToString());
    return 2;
  }
  options.heartbeat_interval = *interval;

  // Block the stop signals in every thread (they inherit this mask) and take them on a
  // dedicated thread with sigwait, so that shutdown runs as ordinary code.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  absl::StatusOr<std::unique_ptr<centella::Daemon>> daemon = centella::Daemon::Start(options);
  if (!daemon.ok()) {
    log->error("cannot start: {}", daemon.status().ToString());
    return 1;
  }
  std::thread signals([&stop_signals, d = daemon->get(), log] {
    int signal = 0;
    sigwait(&stop_signals, &signal);
    log->info("received signal {}; stopping", signal);
    d->Shutdown();
  });
  (*daemon)->Wait();
  // Shutdown came from elsewhere only if the signal thread is still waiting; wake it.
  pthread_kill(signals.native_handle(), SIGTERM);
  signals.join();
  return 0;
}

// DaemonOptions: the typed configuration of one executor daemon (`centella-executor`),
// built by main.cc from its flags (docs/cluster.md) or directly by tests.
#ifndef CENTELLA_EXECUTOR_DAEMON_DAEMON_OPTIONS_H_
#define CENTELLA_EXECUTOR_DAEMON_DAEMON_OPTIONS_H_

#include <cstdint>
#include <string>

#include "absl/time/time.h"
#include "common/rpc/bind_with_retries.h"

namespace centella {

struct DaemonOptions {
  // "host:port" of the cluster manager's gRPC server. Required.
  std::string cluster_manager;
  // Cores offered to executors and drivers; 0 = every core of the machine.
  int cores = 0;
  // Memory offered in bytes; 0 = total RAM minus 1 GiB.
  int64_t memory_bytes = 0;
  // Host other machines use to reach this daemon; empty = RpcServer's default (127.0.0.1
  // when bound to loopback, else the host name).
  std::string host;
  // Interface the gRPC server binds.
  std::string bind = "0.0.0.0";
  // gRPC port; 0 = ephemeral.
  int port = 7078;
  // A taken port (gRPC or UI) makes the server try the next ones, up to this many
  // (docs/cluster.md, "Ports"); the daemon id carries the port finally bound.
  int port_max_retries = kDefaultPortMaxRetries;
  // Root of binaries/, apps/ and drivers/ (made absolute at start).
  std::string work_dir = "./work";
  // How often to heartbeat until the manager sets another interval.
  absl::Duration heartbeat_interval = absl::Seconds(1);
  // If set, written once both servers listen: line 1 the gRPC host:port, line 2 the
  // status UI's (absent without a UI); see common/rpc/address_file.h.
  std::string address_file;
  // Read-only HTTP status UI: port 0 = ephemeral, -1 = none (main.cc's flag defaults to
  // 8081). It binds `ui_bind`, or `bind` when that is empty.
  int ui_port = -1;
  std::string ui_bind;
  // The shared secret file (or $CENTELLA_SECRET_FILE); passed on to executors.
  std::string secret_file;
  // No authentication (logs a warning). Executors get CENTELLA_INSECURE=1.
  bool insecure = false;
  // Time between SIGTERM and SIGKILL when a kill request gives none.
  absl::Duration default_kill_grace = absl::Seconds(5);
  // Deadline of each unary RPC to the manager; streams (FetchBinary) get longer.
  absl::Duration manager_rpc_timeout = absl::Seconds(5);
  // Upper bound of the retry backoff while the manager is unreachable.
  absl::Duration max_retry_backoff = absl::Seconds(3);
};

// "daemon-<host>-<port>": stable across daemon and manager restarts on the same
// host:port, so re-registration is idempotent (docs/cluster.md, Ids).
std::string DaemonId(const std::string& host, int port);

}  // namespace centella

#endif  // CENTELLA_EXECUTOR_DAEMON_DAEMON_OPTIONS_H_

// Daemon: one executor daemon (`centella-executor`) in a process — gRPC server
// (ExecutorDaemon + ShuffleService), executor and driver supervisors, and the session
// with the cluster manager. main.cc is a thin wrapper; tests run daemons in-process:
//
//   DaemonOptions options;
//   options.cluster_manager = manager_address;
//   options.port = 0;
//   options.bind = "127.0.0.1";
//   options.work_dir = temp_dir;
//   options.secret_file = secret_path;        // or options.insecure = true
//   ASSIGN_OR_RETURN(std::unique_ptr<Daemon> daemon, Daemon::Start(options));
//   daemon->address();                        // "127.0.0.1:<port>"
//
// Start returns once the gRPC server and the status UI listen (each on its port or, when
// that is taken, one of the next options.port_max_retries), and after writing
// options.address_file if set (common/rpc/address_file.h); registration with the manager
// proceeds in the background (and is retried while the manager is unreachable).
//
// Ownership: destroying the Daemon stops heartbeats and the server, then SIGKILLs every
// executor and driver it started.
// Thread safety: accessors are thread-safe; Shutdown may be called once from any thread.
#ifndef CENTELLA_EXECUTOR_DAEMON_DAEMON_H_
#define CENTELLA_EXECUTOR_DAEMON_DAEMON_H_

#include <atomic>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/synchronization/notification.h"
#include "common/clock/clock.h"
#include "common/http/status_http_server.h"
#include "common/rpc/rpc_server.h"
#include "executor/daemon/binary_cache.h"
#include "executor/daemon/child_reaper.h"
#include "executor/daemon/daemon_options.h"
#include "executor/daemon/daemon_service.h"
#include "executor/daemon/driver_supervisor.h"
#include "executor/daemon/executor_supervisor.h"
#include "executor/daemon/manager_client.h"
#include "executor/daemon/manager_session.h"
#include "executor/daemon/shuffle_service.h"

namespace centella {

class Daemon {
 public:
  // Loads the secret, prepares the work directory, starts the server and begins
  // registering. `manager` replaces the gRPC client to options.cluster_manager (tests);
  // `clock` must outlive the daemon. Errors: the secret's (FailedPrecondition, NotFound),
  // InvalidArgument for bad options, Unavailable when no port could be bound (naming the
  // ports tried), PermissionDenied when the address file cannot be written. On error no
  // address file is left at options.address_file.
  static absl::StatusOr<std::unique_ptr<Daemon>> Start(
      const DaemonOptions& options, Clock& clock = RealClock(),
      std::unique_ptr<ManagerClient> manager = nullptr);
  ~Daemon();
  Daemon(const Daemon&) = delete;
  Daemon& operator=(const Daemon&) = delete;

  const std::string& address() const { return identity_.address; }
  const std::string& daemon_id() const { return identity_.daemon_id; }
  const std::string& host() const { return identity_.host; }
  const std::string& work_dir() const { return layout_.root(); }
  // The status UI's "host:port"; empty without one (options.ui_port -1).
  std::string ui_address() const { return ui_server_ ? ui_server_->address() : ""; }
  // The manager incarnation this daemon registered with; empty until registered.
  std::string manager_incarnation() const { return session_->incarnation(); }

  // Blocks until Shutdown() (from another thread or a signal handler's helper thread).
  void Wait();
  // Stops the session and the server, kills children. Idempotent.
  void Shutdown();

 private:
  Daemon(WorkDirLayout layout, SharedSecret secret, std::unique_ptr<ManagerClient> manager);

  WorkDirLayout layout_;
  DaemonIdentity identity_;
  std::unique_ptr<ManagerClient> manager_;
  std::unique_ptr<BinaryCache> binaries_;
  std::unique_ptr<ChildReaper> reaper_;
  std::unique_ptr<ShuffleServiceImpl> shuffle_service_;
  std::unique_ptr<DaemonServiceImpl> daemon_service_;
  std::unique_ptr<RpcServer> server_;
  std::unique_ptr<ExecutorSupervisor> executors_;
  std::unique_ptr<DriverSupervisor> drivers_;
  std::unique_ptr<ManagerSession> session_;
  std::unique_ptr<StatusHttpServer> ui_server_;
  std::atomic<bool> shut_down_{false};
  absl::Notification shutdown_done_;
};

}  // namespace centella

#endif  // CENTELLA_EXECUTOR_DAEMON_DAEMON_H_

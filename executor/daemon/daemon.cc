#include "executor/daemon/daemon.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <thread>

#include "absl/strings/str_cat.h"
#include "common/logging/logger.h"
#include "common/rpc/address_file.h"
#include "common/status/status_macros.h"
#include "executor/daemon/daemon_status_ui.h"
#include "executor/daemon/grpc_manager_client.h"

namespace centella {
namespace {

constexpr int64_t kGiB = int64_t{1} << 30;

int64_t DefaultMemoryBytes() {
  const int64_t total = static_cast<int64_t>(::sysconf(_SC_PHYS_PAGES)) *
                        static_cast<int64_t>(::sysconf(_SC_PAGESIZE));
  // Leave 1 GiB to the OS and the daemon itself, as Spark's worker does.
  return std::max(total - kGiB, kGiB);
}

// The secret file executors are told about: absolute, since their cwd differs.
std::string SecretFileForChildren(const DaemonOptions& options) {
  if (options.insecure && options.secret_file.empty() &&
      std::getenv(kSecretFileEnvVar) == nullptr) {
    return "";
  }
  std::string path = options.secret_file;
  if (path.empty()) {
    if (const char* env = std::getenv(kSecretFileEnvVar); env != nullptr) path = env;
  }
  std::error_code ec;
  std::filesystem::path absolute = std::filesystem::absolute(path, ec);
  return ec ? path : absolute.string();
}

}  // namespace

Daemon::Daemon(WorkDirLayout layout, SharedSecret secret, std::unique_ptr<ManagerClient> manager)
    : layout_(std::move(layout)), manager_(std::move(manager)) {
  binaries_ = std::make_unique<BinaryCache>(layout_.BinariesDir(), manager_.get());
  reaper_ = std::make_unique<ChildReaper>();
  shuffle_service_ = std::make_unique<ShuffleServiceImpl>(layout_, secret);
  daemon_service_ = std::make_unique<DaemonServiceImpl>(std::move(secret));
}

absl::StatusOr<std::unique_ptr<Daemon>> Daemon::Start(const DaemonOptions& options, Clock& clock,
                                                      std::unique_ptr<ManagerClient> manager) {
  // A previous run's file would tell readers this daemon is up before it is, or after
  // it failed to start.
  if (!options.address_file.empty()) RETURN_IF_ERROR(RemoveStaleAddressFile(options.address_file));
  if (options.cluster_manager.empty() && manager == nullptr) {
    return absl::InvalidArgumentError("--cluster-manager host:port is required");
  }
  if (options.cores < 0 || options.memory_bytes < 0) {
    return absl::InvalidArgumentError("--cores and --memory must not be negative");
  }
  if (options.heartbeat_interval <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("--heartbeat-interval must be positive");
  }
  ASSIGN_OR_RETURN(SharedSecret secret,
                   SharedSecret::Load(options.secret_file, options.insecure, "executor-daemon"));
  std::error_code ec;
  std::filesystem::create_directories(options.work_dir, ec);
  std::filesystem::path root = std::filesystem::absolute(options.work_dir, ec);
  if (ec) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot use --work-dir ", options.work_dir, ": ", ec.message()));
  }
  root = root.lexically_normal();
  std::string root_string = root.string();
  if (root_string.size() > 1 && root_string.back() == '/') root_string.pop_back();
  if (manager == nullptr) {
    manager = std::make_unique<GrpcManagerClient>(secret.Connect(options.cluster_manager),
                                                  options.manager_rpc_timeout);
  }
  const bool insecure = secret.insecure();
  std::unique_ptr<Daemon> daemon(
      new Daemon(WorkDirLayout(root_string), std::move(secret), std::move(manager)));

  RpcServerOptions server_options;
  server_options.bind_host = options.bind;
  server_options.port = options.port;
  server_options.port_max_retries = options.port_max_retries;
  server_options.advertise_host = options.host;
  server_options.component = "executor-daemon";
  ASSIGN_OR_RETURN(daemon->server_,
                   RpcServer::Start(server_options, {daemon->daemon_service_.get(),
                                                     daemon->shuffle_service_.get()}));
  const std::string& address = daemon->server_->address();
  DaemonIdentity& identity = daemon->identity_;
  identity.address = address;
  identity.host = address.substr(0, address.rfind(':'));
  identity.daemon_id = DaemonId(identity.host, daemon->server_->port());
  identity.insecure = insecure;
  identity.secret_file = insecure ? "" : SecretFileForChildren(options);

  SupervisorDeps deps{identity,
                      daemon->layout_,
                      daemon->manager_.get(),
                      daemon->binaries_.get(),
                      daemon->reaper_.get(),
                      &clock,
                      options.default_kill_grace};
  daemon->executors_ = std::make_unique<ExecutorSupervisor>(deps);
  daemon->drivers_ = std::make_unique<DriverSupervisor>(std::move(deps));

  ManagerSessionOptions session_options;
  session_options.daemon_id = identity.daemon_id;
  session_options.host = identity.host;
  session_options.address = identity.address;
  session_options.resources.set_cores(
      options.cores > 0 ? options.cores
                        : static_cast<int>(std::max(1u, std::thread::hardware_concurrency())));
  session_options.resources.set_memory_bytes(options.memory_bytes > 0 ? options.memory_bytes
                                                                      : DefaultMemoryBytes());
  session_options.work_dir = root_string;
  GetLogger("executor-daemon")
      ->info("offering {} cores and {} bytes of memory", session_options.resources.cores(),
             session_options.resources.memory_bytes());
  session_options.heartbeat_interval = options.heartbeat_interval;
  session_options.max_retry_backoff = options.max_retry_backoff;
  daemon->session_ =
      std::make_unique<ManagerSession>(std::move(session_options), daemon->manager_.get(),
                                       daemon->executors_.get(), daemon->drivers_.get(), clock);
  if (options.ui_port >= 0) {
    StatusHttpServerOptions ui;
    ui.bind_host = options.ui_bind.empty() ? options.bind : options.ui_bind;
    ui.port = options.ui_port;
    ui.port_max_retries = options.port_max_retries;
    ASSIGN_OR_RETURN(daemon->ui_server_,
                     StartDaemonStatusUi(*daemon->executors_, identity.daemon_id, std::move(ui)));
  }
  daemon->daemon_service_->Attach(daemon->session_.get(), daemon->executors_.get(),
                                  daemon->drivers_.get());
  GetLogger("executor-daemon")
      ->info("{} serving at {}, work dir {}", identity.daemon_id, address, root_string);
  // Once every server listens: whoever reads the file may use them all at once.
  if (!options.address_file.empty()) {
    RETURN_IF_ERROR(WriteAddressFile(options.address_file, {address, daemon->ui_address()}));
  }
  daemon->session_->Start();
  return daemon;
}

Daemon::~Daemon() { Shutdown(); }

void Daemon::Wait() { shutdown_done_.WaitForNotification(); }

void Daemon::Shutdown() {
  if (shut_down_.exchange(true)) return;
  // Order: no more heartbeats, no more calls, then the children; the reaper and the
  // binary cache go last because the supervisors use them until they are gone.
  if (ui_server_ != nullptr) ui_server_->Stop();
  if (session_ != nullptr) session_->Stop();
  if (server_ != nullptr) server_->Shutdown();
  ui_server_.reset();
  session_.reset();
  drivers_.reset();
  executors_.reset();
  server_.reset();
  GetLogger("executor-daemon")->info("{} stopped", identity_.daemon_id);
  shutdown_done_.Notify();
}

}  // namespace centella

#include "cluster-manager/cluster_manager_server.h"

#include <utility>

#include "cluster-manager/grpc_daemon_client.h"
#include "cluster-manager/manager_status_ui.h"
#include "common/logging/logger.h"
#include "common/rpc/address_file.h"
#include "common/status/status_macros.h"
#include "common/storage/local_storage.h"

namespace centella::cluster_manager {

absl::StatusOr<std::unique_ptr<ClusterManagerServer>> ClusterManagerServer::Start(
    ClusterManagerServerOptions options, SharedSecret secret, Clock& clock,
    std::unique_ptr<DaemonClient> daemon_client) {
  // A previous run's file would tell readers this manager is up before it is, or after
  // it failed to start.
  if (!options.address_file.empty()) RETURN_IF_ERROR(RemoveStaleAddressFile(options.address_file));
  std::unique_ptr<ClusterManagerServer> server(new ClusterManagerServer());
  server->secret_ = std::make_unique<SharedSecret>(std::move(secret));
  if (!options.recovery_dir.empty()) {
    ASSIGN_OR_RETURN(server->storage_, LocalStorage::Open(options.recovery_dir));
    ASSIGN_OR_RETURN(server->binaries_, BinaryStore::Open(server->storage_->root() + "/binaries"));
  } else {
    ASSIGN_OR_RETURN(server->binaries_, BinaryStore::OpenTemporary());
  }
  server->daemon_client_ = daemon_client != nullptr
                               ? std::move(daemon_client)
                               : std::make_unique<GrpcDaemonClient>(*server->secret_);
  ASSIGN_OR_RETURN(server->manager_,
                   ClusterManager::Create(options.manager, clock, *server->daemon_client_,
                                          *server->binaries_, server->storage_.get()));
  server->service_ = std::make_unique<ClusterManagerService>(*server->manager_, *server->binaries_,
                                                             *server->secret_);
  ASSIGN_OR_RETURN(server->rpc_server_, RpcServer::Start(options.rpc, {server->service_.get()}));
  // Known only now with --port 0; set before any call can need it (a registration that
  // raced ahead just sees an empty address in its first ManagerChanged).
  server->manager_->SetAdvertisedAddress(server->rpc_server_->address());
  if (options.ui_port >= 0) {
    StatusHttpServerOptions ui;
    ui.bind_host = options.ui_bind_host.empty() ? options.rpc.bind_host : options.ui_bind_host;
    ui.port = options.ui_port;
    ui.port_max_retries = options.rpc.port_max_retries;
    ASSIGN_OR_RETURN(server->ui_server_, StartManagerStatusUi(*server->manager_, std::move(ui)));
  }
  // Once every server listens: whoever reads the file may use them all at once.
  if (!options.address_file.empty()) {
    RETURN_IF_ERROR(
        WriteAddressFile(options.address_file, {server->address(), server->ui_address()}));
  }
  return server;
}

void ClusterManagerServer::Shutdown() {
  // Watch streams hold handler threads: close them first so the server can drain.
  if (ui_server_ != nullptr) ui_server_->Stop();
  if (manager_ != nullptr) manager_->Shutdown();
  if (rpc_server_ != nullptr) rpc_server_->Shutdown();
}

ClusterManagerServer::~ClusterManagerServer() {
  Shutdown();
  rpc_server_.reset();
  service_.reset();
  // The client waits for calls in flight, whose callbacks post to the manager's loop;
  // the manager sends no new orders after Shutdown. So: client first, then manager.
  daemon_client_.reset();
  manager_.reset();
}

}  // namespace centella::cluster_manager

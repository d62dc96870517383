// ClusterManagerService: the ClusterManager gRPC service (cluster_manager.proto) as a thin
// adapter. Every handler checks the shared secret first, then calls ClusterManager (or the
// BinaryStore for binaries) and maps absl::Status to grpc::Status one-to-one.
//
// WatchApplication holds its handler thread for the life of the stream, popping events
// from the application's AppEventQueue; it ends when the application ends, the manager
// shuts down, or the client goes away.
//
// Thread safety: handlers run concurrently on gRPC threads; everything they touch is
// thread-safe. The manager, binary store and secret must outlive the service.
#ifndef CENTELLA_CLUSTER_MANAGER_CLUSTER_MANAGER_SERVICE_H_
#define CENTELLA_CLUSTER_MANAGER_CLUSTER_MANAGER_SERVICE_H_

#include "cluster-manager/binary_store.h"
#include "cluster-manager/cluster_manager.h"
#include "cluster_manager.grpc.pb.h"
#include "common/auth/shared_secret.h"

namespace centella::cluster_manager {

class ClusterManagerService final : public v1::ClusterManager::Service {
 public:
  ClusterManagerService(ClusterManager& manager, BinaryStore& binaries, const SharedSecret& secret)
      : manager_(manager), binaries_(binaries), secret_(secret) {}

  grpc::Status RegisterDaemon(grpc::ServerContext* ctx, const v1::RegisterDaemonRequest* req,
                              v1::RegisterDaemonResponse* resp) override;
  grpc::Status DaemonHeartbeat(grpc::ServerContext* ctx, const v1::DaemonHeartbeatRequest* req,
                               v1::DaemonHeartbeatResponse* resp) override;
  grpc::Status ExecutorStateChanged(grpc::ServerContext* ctx,
                                    const v1::ExecutorStateChangedRequest* req,
                                    v1::ExecutorStateChangedResponse* resp) override;
  grpc::Status DriverStateChanged(grpc::ServerContext* ctx,
                                  const v1::DriverStateChangedRequest* req,
                                  v1::DriverStateChangedResponse* resp) override;
  grpc::Status FetchBinary(grpc::ServerContext* ctx, const v1::FetchBinaryRequest* req,
                           grpc::ServerWriter<v1::DataChunk>* writer) override;
  grpc::Status RegisterApplication(grpc::ServerContext* ctx,
                                   const v1::RegisterApplicationRequest* req,
                                   v1::RegisterApplicationResponse* resp) override;
  grpc::Status WatchApplication(grpc::ServerContext* ctx, const v1::WatchApplicationRequest* req,
                                grpc::ServerWriter<v1::ApplicationEvent>* writer) override;
  grpc::Status RequestExecutors(grpc::ServerContext* ctx, const v1::RequestExecutorsRequest* req,
                                v1::RequestExecutorsResponse* resp) override;
  grpc::Status KillExecutors(grpc::ServerContext* ctx, const v1::KillExecutorsRequest* req,
                             v1::KillExecutorsResponse* resp) override;
  grpc::Status UnregisterApplication(grpc::ServerContext* ctx,
                                     const v1::UnregisterApplicationRequest* req,
                                     v1::UnregisterApplicationResponse* resp) override;
  grpc::Status UploadBinary(grpc::ServerContext* ctx,
                            grpc::ServerReader<v1::UploadBinaryRequest>* reader,
                            v1::UploadBinaryResponse* resp) override;
  grpc::Status StatBinary(grpc::ServerContext* ctx, const v1::StatBinaryRequest* req,
                          v1::StatBinaryResponse* resp) override;
  grpc::Status SubmitDriver(grpc::ServerContext* ctx, const v1::SubmitDriverRequest* req,
                            v1::SubmitDriverResponse* resp) override;
  grpc::Status KillDriver(grpc::ServerContext* ctx, const v1::KillDriverRequest* req,
                          v1::KillDriverResponse* resp) override;
  grpc::Status DriverStatus(grpc::ServerContext* ctx, const v1::DriverStatusRequest* req,
                            v1::DriverStatusResponse* resp) override;
  grpc::Status ListApplications(grpc::ServerContext* ctx, const v1::ListApplicationsRequest* req,
                                v1::ListApplicationsResponse* resp) override;

 private:
  ClusterManager& manager_;
  BinaryStore& binaries_;
  const SharedSecret& secret_;
};

}  // namespace centella::cluster_manager

#endif  // CENTELLA_CLUSTER_MANAGER_CLUSTER_MANAGER_SERVICE_H_

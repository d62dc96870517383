// GrpcApplicationClient: the ApplicationClient over the ClusterManager service — uploads
// the job binary (once per content hash), registers the application, follows its
// executor events (WatchApplication), and unregisters it at the end. centella-submit also
// uses it to upload a cluster-mode driver's binary.
//
// The watch runs on its own thread and reconnects when the stream breaks (e.g. the
// manager restarted): the application is re-registered under the same id. Events are
// handed to `on_event` on that thread.
#ifndef CENTELLA_DRIVER_CLUSTER_GRPC_APPLICATION_CLIENT_H_
#define CENTELLA_DRIVER_CLUSTER_GRPC_APPLICATION_CLIENT_H_

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "cluster_manager.grpc.pb.h"
#include "common/auth/shared_secret.h"
#include "driver/cluster/application_client.h"

namespace centella {

class GrpcApplicationClient final : public ApplicationClient {
 public:
  // `secret` must outlive the client.
  GrpcApplicationClient(std::string manager_address, const SharedSecret* secret);
  ~GrpcApplicationClient() override;

  absl::StatusOr<std::string> UploadBinary(const std::string& binary_path) override;
  absl::StatusOr<std::string> Register(v1::ApplicationDescription description,
                                       std::string driver_address,
                                       EventCallback on_event) override;
  absl::Status RequestExecutors(int target) override;
  absl::Status KillExecutors(const std::vector<std::string>& executor_ids,
                             const std::string& reason) override;
  void Unregister(bool succeeded, const std::string& message) override;

  const std::string& app_id() const { return app_id_; }

 private:
  void WatchLoop();
  v1::RegisterApplicationRequest RegisterRequest() const;

  const std::string manager_address_;
  std::unique_ptr<v1::ClusterManager::Stub> stub_;
  v1::ApplicationDescription description_;
  std::string driver_address_;
  std::string driver_id_;  // cluster deploy mode only
  std::string app_id_;
  EventCallback on_event_;
  std::thread watcher_;
  std::atomic<bool> stopping_{false};
  absl::Mutex mu_;
  grpc::ClientContext* watch_context_ ABSL_GUARDED_BY(mu_) = nullptr;
};

}  // namespace centella

#endif  // CENTELLA_DRIVER_CLUSTER_GRPC_APPLICATION_CLIENT_H_

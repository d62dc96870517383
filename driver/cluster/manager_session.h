// ManagerSession: a driver's relationship with the cluster manager — uploads the job
// binary (once per content hash), registers the application, follows its executor events
// (WatchApplication), and unregisters it at the end.
//
// The watch runs on its own thread and reconnects when the stream breaks (e.g. the
// manager restarted): the application is re-registered under the same id. Events are
// handed to `on_event` on that thread.
#ifndef CENTELLA_DRIVER_CLUSTER_MANAGER_SESSION_H_
#define CENTELLA_DRIVER_CLUSTER_MANAGER_SESSION_H_

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

namespace centella {

class ManagerSession {
 public:
  using EventCallback = std::function<void(const v1::ApplicationEvent&)>;

  // `secret` must outlive the session.
  ManagerSession(std::string manager_address, const SharedSecret* secret);
  ~ManagerSession();

  // Uploads `binary_path` unless the manager has it; returns its content hash.
  absl::StatusOr<std::string> UploadBinary(const std::string& binary_path);

  // Registers the application and starts following its events. Returns the app id.
  absl::StatusOr<std::string> Register(v1::ApplicationDescription description,
                                       std::string driver_address, EventCallback on_event);

  // Asks the manager for a total of `target` executors (dynamic allocation).
  absl::Status RequestExecutors(int target);
  // Gives executors back (dynamic allocation); the target drops with them.
  absl::Status KillExecutors(const std::vector<std::string>& executor_ids, const std::string& reason);

  // Stops the watch and unregisters (best effort: the manager may be down).
  void Unregister(bool succeeded, const std::string& message);

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

#endif  // CENTELLA_DRIVER_CLUSTER_MANAGER_SESSION_H_

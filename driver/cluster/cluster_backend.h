// ClusterBackend: the ExecutorBackend of an application on a standalone cluster.
//
// It serves the Driver service (executors register there), keeps one ExecutorClient
// per registered executor, routes launched tasks to them and their results back to the
// scheduler, and reports an executor's tasks as lost when its stream breaks (its process
// died or its machine is gone). The application itself is registered with the cluster
// manager through an ApplicationClient, which also delivers executor and daemon removals.
// A shuffle server is reported lost when the manager removes its daemon (a reducer that
// cannot reach it at all says so in its fetch failure, handled by the DAG scheduler).
//
// Thread-safe: the scheduler launches from its loop, executors register from gRPC
// threads, results arrive on reader threads.
#ifndef CENTELLA_DRIVER_CLUSTER_CLUSTER_BACKEND_H_
#define CENTELLA_DRIVER_CLUSTER_CLUSTER_BACKEND_H_

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "common/auth/shared_secret.h"
#include "common/config/conf.h"
#include "common/rpc/rpc_server.h"
#include "common/thread_pool/thread_pool.h"
#include "driver.grpc.pb.h"
#include "driver/broadcast/broadcast_manager.h"
#include "driver/cluster/allocation_policy.h"
#include "driver/cluster/application_client.h"
#include "driver/cluster/executor_client.h"
#include "driver/scheduler/executor_backend.h"

namespace centella {

struct ClusterBackendOptions {
  std::string manager_address;  // host:port
  std::string app_name;
  Conf conf;
  // Where the Driver service listens (port 0 = any) and the host executors reach it by.
  std::string bind_host = "0.0.0.0";
  int port = 0;
  std::string advertise_host;
  // The job binary to upload (default: this process's own executable).
  std::string binary_path = "/proc/self/exe";
  // The clients of the manager and of each executor; null: the gRPC ones (tests give
  // fakes, driver/cluster/fake_*_client.h).
  std::function<std::unique_ptr<ApplicationClient>()> application_client;
  ExecutorClientFactory executor_client;
};

class ClusterBackend : public ExecutorBackend {
 public:
  // Starts the Driver service, uploads the binary and registers the application.
  // `secret` and `broadcasts` (the values served by Driver.FetchBroadcast) must outlive
  // the backend.
  static absl::StatusOr<std::unique_ptr<ClusterBackend>> Start(ClusterBackendOptions options,
                                                               const SharedSecret* secret,
                                                               BroadcastManager* broadcasts);
  ~ClusterBackend() override;

  void SetResultCallback(ResultCallback callback) override;
  void SetExecutorsChangedCallback(std::function<void()> callback) override;
  void SetApplicationEndedCallback(std::function<void(absl::Status)> callback) override;
  void SetShuffleServerLostCallback(std::function<void(std::string address)> callback) override;
  std::vector<ExecutorSlots> Executors() const override;
  void LaunchTasks(const std::string& executor_id, std::shared_ptr<const v1::StagePlan> plan,
                   std::vector<v1::TaskDescriptor> tasks) override;
  void KillTask(const std::string& executor_id, const std::string& task_id,
                const std::string& reason) override;
  void RemoveStage(int stage_id) override;
  void RemoveBroadcast(int64_t broadcast_id) override;
  void RemoveCachedRdd(int rdd_id) override;
  // Sends ShuffleService.RemoveShuffle to every daemon that ran an executor of this
  // application, from a thread of its own (one call at a time, 5 s each at most).
  void RemoveShuffle(int shuffle_id) override;
  void ReportWaitingTasks(int waiting) override { waiting_tasks_ = waiting; }

  // Stops every executor and unregisters the application. Idempotent.
  void Shutdown(bool succeeded);
  void Shutdown() override { Shutdown(true); }

  const std::string& app_id() const { return app_id_; }
  const std::string& driver_address() const { return server_->address(); }

 private:
  class Service;
  struct Executor {
    absl::Time last_heartbeat = absl::Now();
    std::string host;
    std::string daemon_address;
    std::shared_ptr<ExecutorClient> connection;
    absl::flat_hash_map<std::string, v1::TaskDescriptor> running;  // task id -> task
  };

  ClusterBackend(ClusterBackendOptions options, const SharedSecret* secret,
                 BroadcastManager* broadcasts);
  grpc::Status OnRegisterExecutor(const v1::RegisterExecutorRequest& request);
  // Records a heartbeat; false for an executor this driver does not know.
  bool Heartbeat(const std::string& executor_id);
  // Declares executors silent for longer than the timeout lost, every second.
  void LivenessLoop(absl::Duration timeout);
  void OnTaskUpdate(const std::string& executor_id, v1::TaskResult result);
  void OnExecutorLost(const std::string& executor_id, const std::string& reason);
  void OnManagerEvent(const v1::ApplicationEvent& event);
  // Dynamic allocation: runs the policy every 200 ms until shutdown.
  void AllocationLoop(AllocationPolicy policy);

  const ClusterBackendOptions options_;
  const SharedSecret* secret_;
  BroadcastManager* broadcasts_;
  std::string app_id_;
  std::unique_ptr<Service> service_;
  std::unique_ptr<RpcServer> server_;
  std::unique_ptr<ApplicationClient> manager_;
  std::atomic<int> waiting_tasks_{0};
  absl::Notification stop_allocation_;
  std::thread allocation_thread_;
  std::thread liveness_thread_;

  mutable absl::Mutex mu_;
  ResultCallback on_result_ ABSL_GUARDED_BY(mu_);
  std::function<void()> on_executors_changed_ ABSL_GUARDED_BY(mu_);
  std::function<void(absl::Status)> on_app_ended_ ABSL_GUARDED_BY(mu_);
  std::function<void(std::string)> on_shuffle_server_lost_ ABSL_GUARDED_BY(mu_);
  // Threads attaching newly registered executors; joined by Shutdown.
  std::vector<std::thread> attach_threads_ ABSL_GUARDED_BY(mu_);
  // Ordered, so Executors() lists them in a stable order without sorting each call.
  std::map<std::string, Executor> executors_ ABSL_GUARDED_BY(mu_);
  bool shut_down_ ABSL_GUARDED_BY(mu_) = false;
  // "host:port" of every daemon an executor of this application ran under: their
  // shuffle directories may hold its map outputs even after the executor is gone.
  std::set<std::string> daemons_ ABSL_GUARDED_BY(mu_);
  // Runs RemoveShuffle calls (declared after the channels its one thread alone touches,
  // so it is joined before they go).
  std::map<std::string, std::shared_ptr<grpc::Channel>> cleanup_channels_;
  std::unique_ptr<ThreadPool> cleanup_;
};

}  // namespace centella

#endif  // CENTELLA_DRIVER_CLUSTER_CLUSTER_BACKEND_H_

// GrpcExecutorClient: the ExecutorClient over the Executor service's TaskStream.
//
// Opens the stream, attaches, and waits for ExecutorReady; then sends each stage plan
// once and task descriptors as they are launched, and hands every task update to
// `on_update` from a reader thread. When the stream ends for any reason `on_closed` is
// called exactly once. Thread-safe.
#ifndef CENTELLA_DRIVER_CLUSTER_GRPC_EXECUTOR_CLIENT_H_
#define CENTELLA_DRIVER_CLUSTER_GRPC_EXECUTOR_CLIENT_H_

#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "driver/cluster/executor_client.h"
#include "executor.grpc.pb.h"
#include "grpcpp/channel.h"

namespace centella {

class GrpcExecutorClient final : public ExecutorClient {
 public:
  GrpcExecutorClient(std::string app_id, std::string executor_id,
                     std::shared_ptr<grpc::Channel> channel);
  ~GrpcExecutorClient() override;

  absl::Status Open(UpdateCallback on_update, ClosedCallback on_closed,
                    absl::Duration timeout) override;
  bool Launch(const std::shared_ptr<const v1::StagePlan>& plan,
              const std::vector<v1::TaskDescriptor>& tasks) override;
  void KillTask(const std::string& task_id, const std::string& reason) override;
  void RemoveStage(int stage_id) override;
  void RemoveBroadcasts(const std::vector<int64_t>& broadcast_ids) override;
  void RemoveRdd(int rdd_id) override;
  absl::StatusOr<std::string> FetchResult(const std::string& block_id) override;
  void Stop(const std::string& reason) override;

  int cores() const override { return cores_; }

 private:
  bool Send(const v1::DriverMessage& msg) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void ReadLoop();

  const std::string app_id_;
  const std::string executor_id_;
  std::unique_ptr<v1::Executor::Stub> stub_;
  grpc::ClientContext context_;
  std::unique_ptr<grpc::ClientReaderWriter<v1::DriverMessage, v1::ExecutorMessage>> stream_;
  int cores_ = 0;
  UpdateCallback on_update_;
  ClosedCallback on_closed_;
  std::thread reader_;

  absl::Mutex mu_;
  bool writes_done_ ABSL_GUARDED_BY(mu_) = false;
  absl::flat_hash_set<std::pair<int, int>> stages_sent_ ABSL_GUARDED_BY(mu_);
};

}  // namespace centella

#endif  // CENTELLA_DRIVER_CLUSTER_GRPC_EXECUTOR_CLIENT_H_

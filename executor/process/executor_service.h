// ExecutorService: the Executor gRPC service of an executor process. The driver attaches
// one long-lived TaskStream, sends each stage plan once, then task descriptors; results
// flow back on the same stream as tasks finish.
//
// Tasks run on the executor's task pool; results are written by whichever pool thread
// finishes them (writes are serialized). When the stream ends — the driver stopped the
// executor, or the driver is gone — WaitForEnd() returns.
#ifndef CENTELLA_EXECUTOR_PROCESS_EXECUTOR_SERVICE_H_
#define CENTELLA_EXECUTOR_PROCESS_EXECUTOR_SERVICE_H_

#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "common/auth/shared_secret.h"
#include "common/thread_pool/thread_pool.h"
#include "engine/storage/block_manager.h"
#include "engine/task/stage_instance.h"
#include "engine/task/task_interrupts.h"
#include "engine/task/task_runner.h"
#include "executor.grpc.pb.h"
#include "executor/process/broadcast_cache.h"

namespace centella {

class ExecutorService final : public v1::Executor::Service {
 public:
  // All pointers must outlive the service. `broadcasts` is told which broadcasts the
  // driver destroyed.
  ExecutorService(std::string app_id, std::string executor_id, int cores,
                  const SharedSecret* secret, const TaskRunner* runner, ThreadPool* pool,
                  BroadcastCache* broadcasts);

  grpc::Status TaskStream(
      grpc::ServerContext* context,
      grpc::ServerReaderWriter<v1::ExecutorMessage, v1::DriverMessage>* stream) override;

  // Streams a task result kept as a block because it exceeded the inline limit.
  grpc::Status FetchResult(grpc::ServerContext* context, const v1::FetchResultRequest* request,
                           grpc::ServerWriter<v1::DataChunk>* writer) override;

  // Results larger than this travel as blocks (centella.task.maxInlineResultBytes).
  void set_max_inline_result_bytes(int64_t n) { max_inline_result_bytes_ = n; }
  // Where an unpersisted RDD's cached partitions are dropped (optional; must outlive the
  // service).
  void set_block_manager(BlockManager* blocks) { blocks_ = blocks; }

  // Blocks until an attached task stream has ended. True when the driver sent
  // StopExecutor (a clean shutdown), false when the stream broke.
  bool WaitForEnd();

  // Ends WaitForEnd() from elsewhere (e.g. the driver stopped answering heartbeats).
  void Abandon();

 private:
  class ResultWriter;

  const std::string app_id_;
  const std::string executor_id_;
  const int cores_;
  const SharedSecret* secret_;
  const TaskRunner* runner_;
  ThreadPool* pool_;
  BroadcastCache* broadcasts_;
  BlockManager* blocks_ = nullptr;
  // Kill flags of the tasks launched and not finished (KillTask raises them).
  TaskInterrupts interrupts_;

  absl::Mutex mu_;
  absl::flat_hash_map<std::pair<int, int>, std::shared_ptr<const StageInstance>> stages_
      ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::pair<int, int>, absl::Status> build_errors_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, std::string> result_blocks_ ABSL_GUARDED_BY(mu_);
  int64_t max_inline_result_bytes_ = 1 << 20;
  bool attached_ ABSL_GUARDED_BY(mu_) = false;
  bool ended_ ABSL_GUARDED_BY(mu_) = false;
  bool stopped_cleanly_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace centella

#endif  // CENTELLA_EXECUTOR_PROCESS_EXECUTOR_SERVICE_H_

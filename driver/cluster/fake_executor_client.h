// FakeExecutorClient: an ExecutorClient for tests of ClusterBackend without executor
// processes. It records what the driver sends (plans, tasks, kills, removals, stop) and
// lets the test play the executor: Report a task update, Close the stream. Test-only
// (centella_driver_cluster_testing). Thread-safe.
#ifndef CENTELLA_DRIVER_CLUSTER_FAKE_EXECUTOR_CLIENT_H_
#define CENTELLA_DRIVER_CLUSTER_FAKE_EXECUTOR_CLIENT_H_

#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "driver/cluster/executor_client.h"

namespace centella {

class FakeExecutorClient final : public ExecutorClient {
 public:
  // An executor with `cores` slots; Open fails with `open_error` when it is not OK.
  explicit FakeExecutorClient(int cores, absl::Status open_error = absl::OkStatus())
      : cores_(cores), open_error_(std::move(open_error)) {}

  absl::Status Open(UpdateCallback on_update, ClosedCallback on_closed,
                    absl::Duration timeout) override ABSL_LOCKS_EXCLUDED(mu_);
  bool Launch(const std::shared_ptr<const v1::StagePlan>& plan,
              const std::vector<v1::TaskDescriptor>& tasks) override ABSL_LOCKS_EXCLUDED(mu_);
  void KillTask(const std::string& task_id, const std::string& reason) override
      ABSL_LOCKS_EXCLUDED(mu_);
  void RemoveStage(int stage_id) override ABSL_LOCKS_EXCLUDED(mu_);
  void RemoveBroadcasts(const std::vector<int64_t>& broadcast_ids) override {}
  void RemoveRdd(int rdd_id) override {}
  // Results stored with SetResultBlock; NotFound otherwise.
  absl::StatusOr<std::string> FetchResult(const std::string& block_id) override
      ABSL_LOCKS_EXCLUDED(mu_);
  void Stop(const std::string& reason) override ABSL_LOCKS_EXCLUDED(mu_);
  int cores() const override { return cores_; }

  // ---- the executor's side, played by the test ----
  // Delivers a task update to the driver (as the reader thread would).
  void Report(v1::TaskResult result) ABSL_LOCKS_EXCLUDED(mu_);
  // Ends the stream: on_closed(reason), once; later launches fail.
  void Close(const std::string& reason) ABSL_LOCKS_EXCLUDED(mu_);
  void SetResultBlock(const std::string& block_id, std::string value) ABSL_LOCKS_EXCLUDED(mu_);

  // Waits up to `timeout` until `n` tasks were launched; false if they were not.
  bool WaitForLaunched(int n, absl::Duration timeout) ABSL_LOCKS_EXCLUDED(mu_);
  std::vector<v1::TaskDescriptor> launched() const ABSL_LOCKS_EXCLUDED(mu_);
  std::vector<int> plans_sent() const ABSL_LOCKS_EXCLUDED(mu_);  // stage ids, in order
  std::vector<std::string> killed() const ABSL_LOCKS_EXCLUDED(mu_);
  std::vector<int> removed_stages() const ABSL_LOCKS_EXCLUDED(mu_);
  // The reason of Stop, or "" while not stopped.
  std::string stopped() const ABSL_LOCKS_EXCLUDED(mu_);

 private:
  const int cores_;
  const absl::Status open_error_;
  mutable absl::Mutex mu_;
  UpdateCallback on_update_ ABSL_GUARDED_BY(mu_);
  ClosedCallback on_closed_ ABSL_GUARDED_BY(mu_);
  bool closed_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<v1::TaskDescriptor> launched_ ABSL_GUARDED_BY(mu_);
  std::vector<int> plans_sent_ ABSL_GUARDED_BY(mu_);
  std::vector<std::string> killed_ ABSL_GUARDED_BY(mu_);
  std::vector<int> removed_stages_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, std::string> result_blocks_ ABSL_GUARDED_BY(mu_);
  std::string stopped_ ABSL_GUARDED_BY(mu_);
};

}  // namespace centella

#endif  // CENTELLA_DRIVER_CLUSTER_FAKE_EXECUTOR_CLIENT_H_

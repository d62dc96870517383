// FakeExecutorClient: an ExecutorClient for tests of ClusterBackend without executor
// processes. It records what the driver sends (plans, tasks, kills, removals, stop) and
// lets the test play the executor: Report a task update, Close the stream. Test-only
// (centella_driver_cluster_testing). Thread-safe.
#ifndef CENTELLA_DRIVER_CLUSTER_FAKE_EXECUTOR_CLIENT_H_
#define CENTELLA_DRIVER_CLUSTER_FAKE_EXECUTOR_CLIENT_H_

#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "common/sync/guarded.h"
#include "driver/cluster/executor_client.h"

namespace centella {

class FakeExecutorClient final : public ExecutorClient {
 public:
  // An executor with `cores` slots; Open fails with `open_error` when it is not OK.
  explicit FakeExecutorClient(int cores, absl::Status open_error = absl::OkStatus())
      : cores_(cores), open_error_(std::move(open_error)) {}

  absl::Status Open(UpdateCallback on_update, ClosedCallback on_closed,
                    absl::Duration timeout) override;
  bool Launch(const std::shared_ptr<const v1::StagePlan>& plan,
              const std::vector<v1::TaskDescriptor>& tasks) override;
  void KillTask(const std::string& task_id, const std::string& reason) override;
  void RemoveStage(int stage_id) override;
  void RemoveBroadcasts(const std::vector<int64_t>& broadcast_ids) override {}
  void RemoveRdd(int rdd_id) override {}
  // Results stored with SetResultBlock; NotFound otherwise.
  absl::StatusOr<std::string> FetchResult(const std::string& block_id) override;
  void Stop(const std::string& reason) override;
  int cores() const override { return cores_; }

  // ---- the executor's side, played by the test ----
  // Delivers a task update to the driver (as the reader thread would).
  void Report(v1::TaskResult result);
  // Ends the stream: on_closed(reason), once; later launches fail.
  void Close(const std::string& reason);
  void SetResultBlock(const std::string& block_id, std::string value);

  // Waits up to `timeout` until `n` tasks were launched; false if they were not.
  bool WaitForLaunched(int n, absl::Duration timeout);
  std::vector<v1::TaskDescriptor> launched() const { return state_.Get(&State::launched); }
  // Stage ids, in order.
  std::vector<int> plans_sent() const { return state_.Get(&State::plans_sent); }
  std::vector<std::string> killed() const { return state_.Get(&State::killed); }
  std::vector<int> removed_stages() const { return state_.Get(&State::removed_stages); }
  // The reason of Stop, or "" while not stopped.
  std::string stopped() const { return state_.Get(&State::stopped); }

 private:
  const int cores_;
  const absl::Status open_error_;
  struct State {
    UpdateCallback on_update;
    ClosedCallback on_closed;
    bool closed = false;
    std::vector<v1::TaskDescriptor> launched;
    std::vector<int> plans_sent;
    std::vector<std::string> killed;
    std::vector<int> removed_stages;
    absl::flat_hash_map<std::string, std::string> result_blocks;
    std::string stopped;
  };
  Guarded<State> state_;
};

}  // namespace centella

#endif  // CENTELLA_DRIVER_CLUSTER_FAKE_EXECUTOR_CLIENT_H_

// FakeManagerClient: an in-memory ManagerClient for unit tests. It records every call,
// serves binaries from bytes it holds, and can be switched "down" (every call returns
// UNAVAILABLE) to test retries.
//
// Thread-safe.
#ifndef CENTELLA_EXECUTOR_DAEMON_FAKE_MANAGER_CLIENT_H_
#define CENTELLA_EXECUTOR_DAEMON_FAKE_MANAGER_CLIENT_H_

#include <map>
#include <string>
#include <vector>

#include "common/sync/guarded.h"
#include "executor/daemon/manager_client.h"

namespace centella {

class FakeManagerClient final : public ManagerClient {
 public:
  // Serve `bytes` for FetchBinary(`content_hash`) (the hash need not match: tests of
  // verification use a wrong one on purpose).
  void AddBinary(const std::string& content_hash, std::string bytes);
  void SetDown(bool down);
  void SetIncarnation(std::string incarnation);

  absl::StatusOr<v1::RegisterDaemonResponse> RegisterDaemon(
      const v1::RegisterDaemonRequest& request) override;
  absl::StatusOr<v1::DaemonHeartbeatResponse> DaemonHeartbeat(
      const v1::DaemonHeartbeatRequest& request) override;
  absl::Status ExecutorStateChanged(const v1::ExecutorStateChangedRequest& request) override;
  absl::Status DriverStateChanged(const v1::DriverStateChangedRequest& request) override;
  absl::Status FetchBinary(const std::string& content_hash,
                           absl::FunctionRef<absl::Status(std::string_view)> sink) override;

  std::vector<v1::RegisterDaemonRequest> registrations() const {
    return state_.Get(&State::registrations);
  }
  std::vector<v1::ExecutorStateChangedRequest> executor_changes() const {
    return state_.Get(&State::executor_changes);
  }
  int heartbeats() const { return state_.Get(&State::heartbeats); }
  int binary_fetches() const { return state_.Get(&State::binary_fetches); }

 private:
  struct State {
    bool down = false;
    std::string incarnation = "fake-incarnation";
    std::map<std::string, std::string> binaries;
    std::vector<v1::RegisterDaemonRequest> registrations;
    std::vector<v1::ExecutorStateChangedRequest> executor_changes;
    int heartbeats = 0;
    int binary_fetches = 0;
  };
  Guarded<State> state_;
};

}  // namespace centella

#endif  // CENTELLA_EXECUTOR_DAEMON_FAKE_MANAGER_CLIENT_H_

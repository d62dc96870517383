// FakeApplicationClient: an ApplicationClient for tests of ClusterBackend without a
// cluster manager. Registration always succeeds with `app_id`; what the driver asks for
// is recorded, and the test plays the manager by emitting application events. Test-only
// (centella_driver_cluster_testing). Thread-safe.
#ifndef CENTELLA_DRIVER_CLUSTER_FAKE_APPLICATION_CLIENT_H_
#define CENTELLA_DRIVER_CLUSTER_FAKE_APPLICATION_CLIENT_H_

#include <optional>
#include <string>
#include <vector>

#include "common/sync/guarded.h"
#include "driver/cluster/application_client.h"

namespace centella {

class FakeApplicationClient final : public ApplicationClient {
 public:
  explicit FakeApplicationClient(std::string app_id) : app_id_(std::move(app_id)) {}

  // "sha256-of:<path>": the fake does not read the file.
  absl::StatusOr<std::string> UploadBinary(const std::string& binary_path) override;
  absl::StatusOr<std::string> Register(v1::ApplicationDescription description,
                                       std::string driver_address, EventCallback on_event) override;
  absl::Status RequestExecutors(int target) override;
  absl::Status KillExecutors(const std::vector<std::string>& executor_ids,
                             const std::string& reason) override;
  void Unregister(bool succeeded, const std::string& message) override;

  // ---- the manager's side, played by the test ----
  void Emit(const v1::ApplicationEvent& event);

  std::optional<v1::ApplicationDescription> registered() const {
    return state_.Get(&State::registered);
  }
  std::string driver_address() const { return state_.Get(&State::driver_address); }
  std::vector<int> requested_totals() const { return state_.Get(&State::requested_totals); }
  std::vector<std::string> killed_executors() const { return state_.Get(&State::killed_executors); }
  // Unregister's `succeeded`, once it was called.
  std::optional<bool> unregistered() const { return state_.Get(&State::unregistered); }

 private:
  struct State {
    std::optional<v1::ApplicationDescription> registered;
    std::string driver_address;
    EventCallback on_event;
    std::vector<int> requested_totals;
    std::vector<std::string> killed_executors;
    std::optional<bool> unregistered;
  };
  const std::string app_id_;
  Guarded<State> state_;
};

}  // namespace centella

#endif  // CENTELLA_DRIVER_CLUSTER_FAKE_APPLICATION_CLIENT_H_

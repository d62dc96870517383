// FakeApplicationClient: an ApplicationClient for tests of ClusterBackend without a
// cluster manager. Registration always succeeds with `app_id`; what the driver asks for
// is recorded, and the test plays the manager by emitting application events. Test-only
// (centella_driver_cluster_testing). Thread-safe.
#ifndef CENTELLA_DRIVER_CLUSTER_FAKE_APPLICATION_CLIENT_H_
#define CENTELLA_DRIVER_CLUSTER_FAKE_APPLICATION_CLIENT_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "driver/cluster/application_client.h"

namespace centella {

class FakeApplicationClient final : public ApplicationClient {
 public:
  explicit FakeApplicationClient(std::string app_id) : app_id_(std::move(app_id)) {}

  // "sha256-of:<path>": the fake does not read the file.
  absl::StatusOr<std::string> UploadBinary(const std::string& binary_path) override
      ABSL_LOCKS_EXCLUDED(mu_);
  absl::StatusOr<std::string> Register(v1::ApplicationDescription description,
                                       std::string driver_address, EventCallback on_event) override
      ABSL_LOCKS_EXCLUDED(mu_);
  absl::Status RequestExecutors(int target) override ABSL_LOCKS_EXCLUDED(mu_);
  absl::Status KillExecutors(const std::vector<std::string>& executor_ids,
                             const std::string& reason) override ABSL_LOCKS_EXCLUDED(mu_);
  void Unregister(bool succeeded, const std::string& message) override ABSL_LOCKS_EXCLUDED(mu_);

  // ---- the manager's side, played by the test ----
  void Emit(const v1::ApplicationEvent& event) ABSL_LOCKS_EXCLUDED(mu_);

  std::optional<v1::ApplicationDescription> registered() const ABSL_LOCKS_EXCLUDED(mu_);
  std::string driver_address() const ABSL_LOCKS_EXCLUDED(mu_);
  std::vector<int> requested_totals() const ABSL_LOCKS_EXCLUDED(mu_);
  std::vector<std::string> killed_executors() const ABSL_LOCKS_EXCLUDED(mu_);
  // Unregister's `succeeded`, once it was called.
  std::optional<bool> unregistered() const ABSL_LOCKS_EXCLUDED(mu_);

 private:
  const std::string app_id_;
  mutable absl::Mutex mu_;
  std::optional<v1::ApplicationDescription> registered_ ABSL_GUARDED_BY(mu_);
  std::string driver_address_ ABSL_GUARDED_BY(mu_);
  EventCallback on_event_ ABSL_GUARDED_BY(mu_);
  std::vector<int> requested_totals_ ABSL_GUARDED_BY(mu_);
  std::vector<std::string> killed_executors_ ABSL_GUARDED_BY(mu_);
  std::optional<bool> unregistered_ ABSL_GUARDED_BY(mu_);
};

}  // namespace centella

#endif  // CENTELLA_DRIVER_CLUSTER_FAKE_APPLICATION_CLIENT_H_

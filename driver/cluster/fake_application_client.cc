#include "driver/cluster/fake_application_client.h"

namespace centella {

absl::StatusOr<std::string> FakeApplicationClient::UploadBinary(const std::string& binary_path) {
  return "sha256-of:" + binary_path;
}

absl::StatusOr<std::string> FakeApplicationClient::Register(v1::ApplicationDescription description,
                                                            std::string driver_address,
                                                            EventCallback on_event) {
  state_.Update([&](State& s) {
    s.registered = std::move(description);
    s.driver_address = std::move(driver_address);
    s.on_event = std::move(on_event);
  });
  return app_id_;
}

absl::Status FakeApplicationClient::RequestExecutors(int target) {
  state_.Update([&](State& s) { s.requested_totals.push_back(target); });
  return absl::OkStatus();
}

absl::Status FakeApplicationClient::KillExecutors(const std::vector<std::string>& executor_ids,
                                                  const std::string& reason) {
  state_.Update([&](State& s) {
    s.killed_executors.insert(s.killed_executors.end(), executor_ids.begin(), executor_ids.end());
  });
  return absl::OkStatus();
}

void FakeApplicationClient::Unregister(bool succeeded, const std::string& message) {
  state_.Update([&](State& s) {
    s.unregistered = succeeded;
    s.on_event = nullptr;
  });
}

void FakeApplicationClient::Emit(const v1::ApplicationEvent& event) {
  EventCallback cb = state_.Get(&State::on_event);
  if (cb) cb(event);
}

}  // namespace centella

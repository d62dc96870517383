#include "driver/cluster/fake_application_client.h"

namespace centella {

absl::StatusOr<std::string> FakeApplicationClient::UploadBinary(const std::string& binary_path) {
  return "sha256-of:" + binary_path;
}

absl::StatusOr<std::string> FakeApplicationClient::Register(v1::ApplicationDescription description,
                                                            std::string driver_address,
                                                            EventCallback on_event) {
  absl::MutexLock lock(&mu_);
  registered_ = std::move(description);
  driver_address_ = std::move(driver_address);
  on_event_ = std::move(on_event);
  return app_id_;
}

absl::Status FakeApplicationClient::RequestExecutors(int target) {
  absl::MutexLock lock(&mu_);
  requested_totals_.push_back(target);
  return absl::OkStatus();
}

absl::Status FakeApplicationClient::KillExecutors(const std::vector<std::string>& executor_ids,
                                                  const std::string& reason) {
  absl::MutexLock lock(&mu_);
  killed_executors_.insert(killed_executors_.end(), executor_ids.begin(), executor_ids.end());
  return absl::OkStatus();
}

void FakeApplicationClient::Unregister(bool succeeded, const std::string& message) {
  absl::MutexLock lock(&mu_);
  unregistered_ = succeeded;
  on_event_ = nullptr;
}

void FakeApplicationClient::Emit(const v1::ApplicationEvent& event) {
  EventCallback cb;
  {
    absl::MutexLock lock(&mu_);
    cb = on_event_;
  }
  if (cb) cb(event);
}

std::optional<v1::ApplicationDescription> FakeApplicationClient::registered() const {
  absl::MutexLock lock(&mu_);
  return registered_;
}

std::string FakeApplicationClient::driver_address() const {
  absl::MutexLock lock(&mu_);
  return driver_address_;
}

std::vector<int> FakeApplicationClient::requested_totals() const {
  absl::MutexLock lock(&mu_);
  return requested_totals_;
}

std::vector<std::string> FakeApplicationClient::killed_executors() const {
  absl::MutexLock lock(&mu_);
  return killed_executors_;
}

std::optional<bool> FakeApplicationClient::unregistered() const {
  absl::MutexLock lock(&mu_);
  return unregistered_;
}

}  // namespace centella

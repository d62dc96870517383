#include "executor/daemon/fake_manager_client.h"

#include "absl/strings/str_cat.h"

namespace centella {
namespace {

absl::Status Down() { return absl::UnavailableError("fake manager is down"); }

}  // namespace

void FakeManagerClient::AddBinary(const std::string& content_hash, std::string bytes) {
  absl::MutexLock lock(&mu_);
  binaries_[content_hash] = std::move(bytes);
}

void FakeManagerClient::SetDown(bool down) {
  absl::MutexLock lock(&mu_);
  down_ = down;
}

void FakeManagerClient::SetIncarnation(std::string incarnation) {
  absl::MutexLock lock(&mu_);
  incarnation_ = std::move(incarnation);
}

absl::StatusOr<v1::RegisterDaemonResponse> FakeManagerClient::RegisterDaemon(
    const v1::RegisterDaemonRequest& request) {
  absl::MutexLock lock(&mu_);
  if (down_) return Down();
  registrations_.push_back(request);
  v1::RegisterDaemonResponse response;
  response.set_manager_incarnation(incarnation_);
  return response;
}

absl::StatusOr<v1::DaemonHeartbeatResponse> FakeManagerClient::DaemonHeartbeat(
    const v1::DaemonHeartbeatRequest& request) {
  absl::MutexLock lock(&mu_);
  if (down_) return Down();
  ++heartbeats_;
  v1::DaemonHeartbeatResponse response;
  response.set_action(request.manager_incarnation() == incarnation_
                          ? v1::DAEMON_HEARTBEAT_ACTION_OK
                          : v1::DAEMON_HEARTBEAT_ACTION_REREGISTER);
  return response;
}

absl::Status FakeManagerClient::ExecutorStateChanged(
    const v1::ExecutorStateChangedRequest& request) {
  absl::MutexLock lock(&mu_);
  if (down_) return Down();
  executor_changes_.push_back(request);
  return absl::OkStatus();
}

absl::Status FakeManagerClient::DriverStateChanged(const v1::DriverStateChangedRequest&) {
  absl::MutexLock lock(&mu_);
  if (down_) return Down();
  return absl::OkStatus();
}

absl::Status FakeManagerClient::FetchBinary(
    const std::string& content_hash, absl::FunctionRef<absl::Status(std::string_view)> sink) {
  std::string bytes;
  {
    absl::MutexLock lock(&mu_);
    if (down_) return Down();
    ++binary_fetches_;
    auto it = binaries_.find(content_hash);
    if (it == binaries_.end()) {
      return absl::NotFoundError(absl::StrCat("no binary ", content_hash));
    }
    bytes = it->second;
  }
  // Two pieces, so that callers are exercised with more than one chunk.
  size_t half = bytes.size() / 2;
  if (absl::Status s = sink(std::string_view(bytes).substr(0, half)); !s.ok()) return s;
  return sink(std::string_view(bytes).substr(half));
}

std::vector<v1::RegisterDaemonRequest> FakeManagerClient::registrations() const {
  absl::MutexLock lock(&mu_);
  return registrations_;
}

std::vector<v1::ExecutorStateChangedRequest> FakeManagerClient::executor_changes() const {
  absl::MutexLock lock(&mu_);
  return executor_changes_;
}

int FakeManagerClient::heartbeats() const {
  absl::MutexLock lock(&mu_);
  return heartbeats_;
}

int FakeManagerClient::binary_fetches() const {
  absl::MutexLock lock(&mu_);
  return binary_fetches_;
}

}  // namespace centella

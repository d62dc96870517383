#include "executor/daemon/fake_manager_client.h"

#include "absl/strings/str_cat.h"

namespace centella {
namespace {

absl::Status Down() { return absl::UnavailableError("fake manager is down"); }

}  // namespace

void FakeManagerClient::AddBinary(const std::string& content_hash, std::string bytes) {
  state_.Update([&](State& s) { s.binaries[content_hash] = std::move(bytes); });
}

void FakeManagerClient::SetDown(bool down) {
  state_.Update([&](State& s) { s.down = down; });
}

void FakeManagerClient::SetIncarnation(std::string incarnation) {
  state_.Update([&](State& s) { s.incarnation = std::move(incarnation); });
}

absl::StatusOr<v1::RegisterDaemonResponse> FakeManagerClient::RegisterDaemon(
    const v1::RegisterDaemonRequest& request) {
  return state_.Update([&](State& s) -> absl::StatusOr<v1::RegisterDaemonResponse> {
    if (s.down) return Down();
    s.registrations.push_back(request);
    v1::RegisterDaemonResponse response;
    response.set_manager_incarnation(s.incarnation);
    return response;
  });
}

absl::StatusOr<v1::DaemonHeartbeatResponse> FakeManagerClient::DaemonHeartbeat(
    const v1::DaemonHeartbeatRequest& request) {
  return state_.Update([&](State& s) -> absl::StatusOr<v1::DaemonHeartbeatResponse> {
    if (s.down) return Down();
    ++s.heartbeats;
    v1::DaemonHeartbeatResponse response;
    response.set_action(request.manager_incarnation() == s.incarnation
                            ? v1::DAEMON_HEARTBEAT_ACTION_OK
                            : v1::DAEMON_HEARTBEAT_ACTION_REREGISTER);
    return response;
  });
}

absl::Status FakeManagerClient::ExecutorStateChanged(
    const v1::ExecutorStateChangedRequest& request) {
  return state_.Update([&](State& s) {
    if (s.down) return Down();
    s.executor_changes.push_back(request);
    return absl::OkStatus();
  });
}

absl::Status FakeManagerClient::DriverStateChanged(const v1::DriverStateChangedRequest&) {
  return state_.Update([](State& s) { return s.down ? Down() : absl::OkStatus(); });
}

absl::Status FakeManagerClient::FetchBinary(
    const std::string& content_hash, absl::FunctionRef<absl::Status(std::string_view)> sink) {
  absl::StatusOr<std::string> bytes = state_.Update([&](State& s) -> absl::StatusOr<std::string> {
    if (s.down) return Down();
    ++s.binary_fetches;
    auto it = s.binaries.find(content_hash);
    if (it == s.binaries.end()) {
      return absl::NotFoundError(absl::StrCat("no binary ", content_hash));
    }
    return it->second;
  });
  if (!bytes.ok()) return bytes.status();
  // Two pieces, so that callers are exercised with more than one chunk.
  size_t half = bytes->size() / 2;
  if (absl::Status s = sink(std::string_view(*bytes).substr(0, half)); !s.ok()) return s;
  return sink(std::string_view(*bytes).substr(half));
}

}  // namespace centella

#include "executor/daemon/fake_cluster_manager.h"

#include <algorithm>
#include <optional>

#include "absl/strings/str_cat.h"

namespace centella {

absl::Status FakeClusterManager::Start() {
  RpcServerOptions options;
  options.bind_host = "127.0.0.1";
  options.port = 0;
  options.component = "fake-cluster-manager";
  absl::StatusOr<std::unique_ptr<RpcServer>> server = RpcServer::Start(options, {this});
  if (!server.ok()) return server.status();
  server_ = std::move(server).value();
  return absl::OkStatus();
}

void FakeClusterManager::AddBinary(const std::string& content_hash, std::string bytes) {
  state_.Update([&](State& s) { s.binaries[content_hash] = std::move(bytes); });
}

void FakeClusterManager::SetIncarnation(std::string incarnation) {
  state_.Update([&](State& s) { s.incarnation = std::move(incarnation); });
}

bool FakeClusterManager::WaitFor(std::function<bool(const FakeClusterManager&)> done,
                                 absl::Duration timeout) const {
  const absl::Time deadline = absl::Now() + timeout;
  while (!done(*this)) {
    if (absl::Now() > deadline) return false;
    absl::SleepFor(absl::Milliseconds(2));
  }
  return true;
}

grpc::Status FakeClusterManager::RegisterDaemon(grpc::ServerContext* context,
                                                const v1::RegisterDaemonRequest* request,
                                                v1::RegisterDaemonResponse* response) {
  if (auto s = secret_.Check(*context); !s.ok()) return s;
  state_.Update([&](State& s) {
    s.registrations.push_back(*request);
    response->set_manager_incarnation(s.incarnation);
  });
  return grpc::Status::OK;
}

grpc::Status FakeClusterManager::DaemonHeartbeat(grpc::ServerContext* context,
                                                 const v1::DaemonHeartbeatRequest* request,
                                                 v1::DaemonHeartbeatResponse* response) {
  if (auto s = secret_.Check(*context); !s.ok()) return s;
  state_.Update([&](State& s) {
    ++s.heartbeats;
    response->set_action(request->manager_incarnation() == s.incarnation
                             ? v1::DAEMON_HEARTBEAT_ACTION_OK
                             : v1::DAEMON_HEARTBEAT_ACTION_REREGISTER);
  });
  return grpc::Status::OK;
}

grpc::Status FakeClusterManager::ExecutorStateChanged(
    grpc::ServerContext* context, const v1::ExecutorStateChangedRequest* request,
    v1::ExecutorStateChangedResponse*) {
  if (auto s = secret_.Check(*context); !s.ok()) return s;
  state_.Update([&](State& s) { s.executor_changes.push_back({*request, absl::Now()}); });
  return grpc::Status::OK;
}

grpc::Status FakeClusterManager::DriverStateChanged(grpc::ServerContext* context,
                                                    const v1::DriverStateChangedRequest* request,
                                                    v1::DriverStateChangedResponse*) {
  if (auto s = secret_.Check(*context); !s.ok()) return s;
  state_.Update([&](State& s) { s.driver_changes.push_back(*request); });
  return grpc::Status::OK;
}

grpc::Status FakeClusterManager::FetchBinary(grpc::ServerContext* context,
                                             const v1::FetchBinaryRequest* request,
                                             grpc::ServerWriter<v1::DataChunk>* writer) {
  if (auto s = secret_.Check(*context); !s.ok()) return s;
  std::optional<std::string> found = state_.Update([&](State& s) -> std::optional<std::string> {
    ++s.binary_fetches;
    auto it = s.binaries.find(request->content_hash());
    if (it == s.binaries.end()) return std::nullopt;
    return it->second;
  });
  if (!found.has_value()) {
    return grpc::Status(grpc::StatusCode::NOT_FOUND,
                        absl::StrCat("no binary ", request->content_hash()));
  }
  const std::string& bytes = *found;
  // Small chunks, so that the daemon's reassembly is exercised.
  constexpr size_t kChunk = 64 << 10;
  size_t offset = 0;
  do {
    v1::DataChunk chunk;
    size_t n = std::min(kChunk, bytes.size() - offset);
    chunk.set_offset(static_cast<int64_t>(offset));
    chunk.set_data(bytes.substr(offset, n));
    chunk.set_total_size(static_cast<int64_t>(bytes.size()));
    offset += n;
    chunk.set_last(offset == bytes.size());
    if (!writer->Write(chunk)) break;
  } while (offset < bytes.size());
  return grpc::Status::OK;
}

}  // namespace centella

#include "cluster-manager/fake_daemon_client.h"

#include <utility>

namespace centella::cluster_manager {
namespace {

// Records `request` in `log` under `mu`, then answers outside the lock so that a callback
// re-entering the fake cannot deadlock.
template <typename Request, typename Response>
void RecordAndAnswer(absl::Mutex& mu, std::vector<FakeDaemonClient::Sent<Request>>& log,
                     const std::string& address, const Request& request, absl::Status error,
                     Response ok_response, DaemonCallback<Response> done) {
  {
    absl::MutexLock lock(&mu);
    log.push_back({address, request});
  }
  if (error.ok()) {
    std::move(done)(std::move(ok_response));
  } else {
    std::move(done)(std::move(error));
  }
}

}  // namespace

absl::Status FakeDaemonClient::ErrorFor(const std::string& daemon_address) const {
  auto it = errors_.find(daemon_address);
  return it == errors_.end() ? absl::OkStatus() : it->second;
}

void FakeDaemonClient::FailCallsTo(const std::string& daemon_address, absl::Status error) {
  absl::MutexLock lock(&mu_);
  if (error.ok()) {
    errors_.erase(daemon_address);
  } else {
    errors_[daemon_address] = std::move(error);
  }
}

#define CENTELLA_FAKE_ERROR(address)  \
  [&] {                               \
    absl::ReaderMutexLock lock(&mu_); \
    return ErrorFor(address);         \
  }()

void FakeDaemonClient::LaunchExecutor(const std::string& daemon_address,
                                      const v1::LaunchExecutorRequest& request,
                                      DaemonCallback<v1::LaunchExecutorResponse> done) {
  v1::LaunchExecutorResponse response;
  response.set_started(true);
  RecordAndAnswer(mu_, launched_executors_, daemon_address, request,
                  CENTELLA_FAKE_ERROR(daemon_address), response, std::move(done));
}

void FakeDaemonClient::KillExecutor(const std::string& daemon_address,
                                    const v1::KillExecutorRequest& request,
                                    DaemonCallback<v1::KillExecutorResponse> done) {
  v1::KillExecutorResponse response;
  response.set_was_running(true);
  RecordAndAnswer(mu_, killed_executors_, daemon_address, request,
                  CENTELLA_FAKE_ERROR(daemon_address), response, std::move(done));
}

void FakeDaemonClient::LaunchDriver(const std::string& daemon_address,
                                    const v1::LaunchDriverRequest& request,
                                    DaemonCallback<v1::LaunchDriverResponse> done) {
  v1::LaunchDriverResponse response;
  response.set_started(true);
  RecordAndAnswer(mu_, launched_drivers_, daemon_address, request,
                  CENTELLA_FAKE_ERROR(daemon_address), response, std::move(done));
}

void FakeDaemonClient::KillDriver(const std::string& daemon_address,
                                  const v1::KillDriverProcessRequest& request,
                                  DaemonCallback<v1::KillDriverProcessResponse> done) {
  v1::KillDriverProcessResponse response;
  response.set_was_running(true);
  RecordAndAnswer(mu_, killed_drivers_, daemon_address, request,
                  CENTELLA_FAKE_ERROR(daemon_address), response, std::move(done));
}

void FakeDaemonClient::CleanupApplication(const std::string& daemon_address,
                                          const v1::CleanupApplicationRequest& request,
                                          DaemonCallback<v1::CleanupApplicationResponse> done) {
  RecordAndAnswer(mu_, cleanups_, daemon_address, request, CENTELLA_FAKE_ERROR(daemon_address),
                  v1::CleanupApplicationResponse(), std::move(done));
}

#undef CENTELLA_FAKE_ERROR

#define CENTELLA_FAKE_GETTER(Type, name)                                     \
  std::vector<FakeDaemonClient::Sent<Type>> FakeDaemonClient::name() const { \
    absl::ReaderMutexLock lock(&mu_);                                        \
    return name##_;                                                          \
  }

CENTELLA_FAKE_GETTER(v1::LaunchExecutorRequest, launched_executors)
CENTELLA_FAKE_GETTER(v1::KillExecutorRequest, killed_executors)
CENTELLA_FAKE_GETTER(v1::LaunchDriverRequest, launched_drivers)
CENTELLA_FAKE_GETTER(v1::KillDriverProcessRequest, killed_drivers)
CENTELLA_FAKE_GETTER(v1::CleanupApplicationRequest, cleanups)

#undef CENTELLA_FAKE_GETTER

}  // namespace centella::cluster_manager

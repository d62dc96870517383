// FakeDaemonClient: a DaemonClient for tests that records every order and answers at once
// (inside the call) with success, or with an error a test injected for a daemon address.
//
//   FakeDaemonClient daemons;
//   daemons.FailCallsTo("10.0.0.2:7078", absl::UnavailableError("down"));
//   ... run the manager ...
//   EXPECT_EQ(daemons.launched_executors().size(), 2);
//
// Thread safety: all methods may be called from any thread.
#ifndef CENTELLA_CLUSTER_MANAGER_FAKE_DAEMON_CLIENT_H_
#define CENTELLA_CLUSTER_MANAGER_FAKE_DAEMON_CLIENT_H_

#include <map>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "cluster-manager/daemon_client.h"

namespace centella::cluster_manager {

class FakeDaemonClient final : public DaemonClient {
 public:
  // One recorded order: the daemon it went to and the request.
  template <typename Request>
  struct Sent {
    std::string daemon_address;
    Request request;
  };

  void LaunchExecutor(const std::string& daemon_address, const v1::LaunchExecutorRequest& request,
                      DaemonCallback<v1::LaunchExecutorResponse> done) override;
  void KillExecutor(const std::string& daemon_address, const v1::KillExecutorRequest& request,
                    DaemonCallback<v1::KillExecutorResponse> done) override;
  void LaunchDriver(const std::string& daemon_address, const v1::LaunchDriverRequest& request,
                    DaemonCallback<v1::LaunchDriverResponse> done) override;
  void KillDriver(const std::string& daemon_address, const v1::KillDriverProcessRequest& request,
                  DaemonCallback<v1::KillDriverProcessResponse> done) override;
  void CleanupApplication(const std::string& daemon_address,
                          const v1::CleanupApplicationRequest& request,
                          DaemonCallback<v1::CleanupApplicationResponse> done) override;

  // Every later call to `daemon_address` fails with `error` (OK clears the injection).
  void FailCallsTo(const std::string& daemon_address, absl::Status error);

  std::vector<Sent<v1::LaunchExecutorRequest>> launched_executors() const;
  std::vector<Sent<v1::KillExecutorRequest>> killed_executors() const;
  std::vector<Sent<v1::LaunchDriverRequest>> launched_drivers() const;
  std::vector<Sent<v1::KillDriverProcessRequest>> killed_drivers() const;
  std::vector<Sent<v1::CleanupApplicationRequest>> cleanups() const;

 private:
  absl::Status ErrorFor(const std::string& daemon_address) const ABSL_SHARED_LOCKS_REQUIRED(mu_);

  mutable absl::Mutex mu_;
  std::map<std::string, absl::Status> errors_ ABSL_GUARDED_BY(mu_);
  std::vector<Sent<v1::LaunchExecutorRequest>> launched_executors_ ABSL_GUARDED_BY(mu_);
  std::vector<Sent<v1::KillExecutorRequest>> killed_executors_ ABSL_GUARDED_BY(mu_);
  std::vector<Sent<v1::LaunchDriverRequest>> launched_drivers_ ABSL_GUARDED_BY(mu_);
  std::vector<Sent<v1::KillDriverProcessRequest>> killed_drivers_ ABSL_GUARDED_BY(mu_);
  std::vector<Sent<v1::CleanupApplicationRequest>> cleanups_ ABSL_GUARDED_BY(mu_);
};

}  // namespace centella::cluster_manager

#endif  // CENTELLA_CLUSTER_MANAGER_FAKE_DAEMON_CLIENT_H_

// ChildProcess: a real binary started by a test, with its output captured to a file.
// The destructor kills it (SIGTERM, then SIGKILL) and reaps it.
#ifndef CENTELLA_TESTS_CLUSTER_CHILD_PROCESS_H_
#define CENTELLA_TESTS_CLUSTER_CHILD_PROCESS_H_

#include <sys/types.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/rpc/address_file.h"

namespace centella {

class ChildProcess {
 public:
  // Starts `argv` with the current environment plus `env`; stdout and stderr go to
  // `log_path`.
  static absl::StatusOr<std::unique_ptr<ChildProcess>> Start(
      const std::vector<std::string>& argv, const std::map<std::string, std::string>& env,
      const std::string& log_path);
  ~ChildProcess();

  pid_t pid() const { return pid_; }
  // Sends `signal` to the process.
  void Signal(int signal);
  // Waits up to `timeout` for the exit; the wait status, or nullopt if still running.
  // Once reaped, returns the same status again at once.
  std::optional<int> Wait(absl::Duration timeout);
  bool running();
  std::string Log() const;

 private:
  ChildProcess() = default;
  pid_t pid_ = -1;
  bool reaped_ = false;
  int wait_status_ = 0;
  std::string log_path_;
};

// Whether `pid` is a live process: it exists and is not a zombie. For processes that are
// not the caller's children (which it cannot wait for), e.g. executors started by a daemon.
bool ProcessIsAlive(pid_t pid);

// Waits until the address file `path` (common/rpc/address_file.h) exists and returns
// its addresses: the gRPC one (line 1) and the status UI's (line 2, empty without a UI).
absl::StatusOr<ProcessAddresses> WaitForAddressFile(const std::string& path,
                                                    absl::Duration timeout);

}  // namespace centella

#endif  // CENTELLA_TESTS_CLUSTER_CHILD_PROCESS_H_

// RedisProcess: a redis-server of a test's own on a free port, nothing persisted. Killed
// by the destructor.
#ifndef CENTELLA_TESTS_STREAMING_REDIS_PROCESS_H_
#define CENTELLA_TESTS_STREAMING_REDIS_PROCESS_H_

#include <map>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "tests/cluster/child_process.h"

namespace centella {

class RedisProcess {
 public:
  // Unavailable when redis-server is missing or does not answer within 20 s.
  static absl::StatusOr<std::unique_ptr<RedisProcess>> Start(const std::string& dir);

  int port() const { return port_; }
  // Every key matching `pattern` with its value (redis-cli).
  absl::StatusOr<std::map<std::string, std::string>> Values(const std::string& pattern) const;
  void Stop() { server_.reset(); }
  absl::Status Restart() { return Launch(); }

 private:
  RedisProcess() = default;
  absl::Status Launch();

  std::string dir_;
  int port_ = 0;
  std::unique_ptr<ChildProcess> server_;
};

}  // namespace centella

#endif  // CENTELLA_TESTS_STREAMING_REDIS_PROCESS_H_

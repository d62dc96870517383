// BinaryCache: job binaries by content hash in <work-dir>/binaries/<hex> (0755), each
// fetched from the cluster manager once and verified before it can be run.
//
// A binary is written under a temporary name, checked against its sha256, made executable
// and renamed into place, so a file under its final name is always complete and verified:
// a cached file is trusted without re-hashing.
//
// Thread-safe. Fetches are serialized (one mutex), so concurrent launches of the same new
// binary download it once; launches of cached binaries do not wait on a download longer
// than the lookup.
#ifndef CENTELLA_EXECUTOR_DAEMON_BINARY_CACHE_H_
#define CENTELLA_EXECUTOR_DAEMON_BINARY_CACHE_H_

#include <string>
#include <string_view>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "executor/daemon/manager_client.h"

namespace centella {

class BinaryCache {
 public:
  // `dir` is created on first use; `manager` is not owned and must outlive the cache.
  BinaryCache(std::string dir, ManagerClient* manager);

  // Absolute path of the executable with `content_hash` ("sha256:<64 hex>"), fetching it
  // if needed. InvalidArgument for a malformed hash; DataLoss when the downloaded bytes do
  // not hash to `content_hash` (nothing is cached then); the manager's error (NotFound,
  // Unavailable, ...) when the download fails.
  absl::StatusOr<std::string> Get(const std::string& content_hash) ABSL_LOCKS_EXCLUDED(mu_);

  // "sha256:<hex>" of `bytes`.
  static std::string ContentHash(std::string_view bytes);

 private:
  absl::StatusOr<std::string> Fetch(const std::string& content_hash, const std::string& hex,
                                    const std::string& path) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const std::string dir_;
  ManagerClient* const manager_;
  absl::Mutex mu_;
};

}  // namespace centella

#endif  // CENTELLA_EXECUTOR_DAEMON_BINARY_CACHE_H_

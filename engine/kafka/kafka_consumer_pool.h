// KafkaConsumerPool: librdkafka consumer handles kept alive across tasks in one process.
//
// Creating an rd_kafka_t costs threads, a bootstrap connection and a metadata round trip:
// tens of milliseconds, paid by every task of every batch when each task makes its own.
// A task borrows a handle for its read (exclusively: the simple consumer's start/stop of a
// partition is per handle) and gives it back; the next task with the same bootstrap
// servers and settings reuses it, already connected. At most kMaxIdlePerKey idle handles
// are kept per configuration; the rest are destroyed when returned.
//
// Thread safety: Borrow may be called from any thread; a lease is used by one thread.
#ifndef CENTELLA_ENGINE_KAFKA_KAFKA_CONSUMER_POOL_H_
#define CENTELLA_ENGINE_KAFKA_KAFKA_CONSUMER_POOL_H_

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"

struct rd_kafka_s;

namespace centella {

class KafkaConsumerPool {
 public:
  static constexpr size_t kMaxIdlePerKey = 16;

  // A borrowed handle; destroying the lease gives it back.
  using Lease = std::unique_ptr<rd_kafka_s, std::function<void(rd_kafka_s*)>>;

  // The process's pool.
  static KafkaConsumerPool& Get();

  // An idle handle made with the same `settings` (bootstrap.servers included), else a new
  // one; InvalidArgument naming a setting librdkafka refuses.
  absl::StatusOr<Lease> Borrow(const std::map<std::string, std::string>& settings);

  // Handles created and reused since the process started (for tests).
  int created() const;
  int reused() const;

 private:
  void GiveBack(const std::string& key, rd_kafka_s* rk);

  mutable absl::Mutex mu_;
  std::map<std::string, std::vector<rd_kafka_s*>> idle_ ABSL_GUARDED_BY(mu_);
  int created_ ABSL_GUARDED_BY(mu_) = 0;
  int reused_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace centella

#endif  // CENTELLA_ENGINE_KAFKA_KAFKA_CONSUMER_POOL_H_

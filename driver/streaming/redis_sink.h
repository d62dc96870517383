// RedisSink: a StreamSink into Redis, through hiredis.
//
// Every row is `SET <prefix><key> <value>` — an absolute value, never INCRBY, so writing
// a batch twice leaves what writing it once did. A batch is one MULTI/EXEC with a last
// `SET centella:sink:<stream id>:<prefix> <batch id>`, so Redis applies all of it or none;
// a batch whose id is recorded already is skipped (GET before the transaction).
//
// A lost connection is re-opened by the next write (Unavailable until it comes back);
// replies are awaited at most `timeout`.
#ifndef CENTELLA_DRIVER_STREAMING_REDIS_SINK_H_
#define CENTELLA_DRIVER_STREAMING_REDIS_SINK_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "driver/streaming/stream_sink.h"

struct redisContext;

namespace centella {

struct RedisSinkOptions {
  std::string host = "127.0.0.1";
  int port = 6379;
  std::string key_prefix;  // "wc:" makes the key of word w "wc:w"
  absl::Duration timeout = absl::Seconds(5);
};

class RedisSink final : public StreamSink {
 public:
  // Connects (and PINGs). Unavailable with hiredis's reason when it cannot.
  static absl::StatusOr<std::unique_ptr<RedisSink>> Connect(RedisSinkOptions options);
  ~RedisSink() override;

  std::string name() const override;
  absl::Status WriteBatch(const BatchRef& batch, const std::vector<SinkRow>& rows) override;

 private:
  explicit RedisSink(RedisSinkOptions options) : options_(std::move(options)) {}
  absl::Status EnsureConnected() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Drops the connection after an I/O error: the next write opens a new one.
  absl::Status Lost(const std::string& what) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const RedisSinkOptions options_;
  absl::Mutex mu_;
  redisContext* redis_ ABSL_GUARDED_BY(mu_) = nullptr;
};

}  // namespace centella

#endif  // CENTELLA_DRIVER_STREAMING_REDIS_SINK_H_

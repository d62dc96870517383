// PostgresSink: a StreamSink into a PostgreSQL table, through libpq.
//
// Each batch is one transaction: it locks the stream's row in centella_sink_batches
// (stream_id, sink, batch_id), returns at once if that batch id is already recorded, else
// upserts every row (INSERT ... ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value)
// and records the batch id, then commits. A driver killed anywhere in between leaves
// either the whole batch or none of it; the restart's re-run then writes it or skips it.
//
// Connect() creates the table (key primary key) and centella_sink_batches if missing.
// Values travel as text and PostgreSQL converts them to the column types; a value the
// column cannot hold fails the batch naming the table and the server's reason, writing
// nothing of it. A lost connection is re-opened by the next write (Unavailable until it
// comes back).
#ifndef CENTELLA_DRIVER_STREAMING_POSTGRES_SINK_H_
#define CENTELLA_DRIVER_STREAMING_POSTGRES_SINK_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "driver/streaming/stream_sink.h"

struct pg_conn;

namespace centella {

struct PostgresSinkOptions {
  // A libpq connection string ("host=/tmp port=5432 dbname=app user=app") or URI.
  std::string conninfo;
  std::string table;
  std::string key_column = "key";
  std::string value_column = "value";
  // Column types for a table Connect() creates.
  std::string key_type = "text";
  std::string value_type = "bigint";
};

class PostgresSink final : public StreamSink {
 public:
  // Connects and creates what is missing. InvalidArgument for an empty table or column
  // name; Unavailable (with libpq's reason) when the server cannot be reached.
  static absl::StatusOr<std::unique_ptr<PostgresSink>> Connect(PostgresSinkOptions options);
  ~PostgresSink() override;

  std::string name() const override;
  absl::Status WriteBatch(const BatchRef& batch, const std::vector<SinkRow>& rows) override;

 private:
  explicit PostgresSink(PostgresSinkOptions options);
  absl::Status EnsureConnected() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::Status Exec(const std::string& sql, const std::vector<std::string>& params,
                    std::vector<std::string>* first_column = nullptr)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const PostgresSinkOptions options_;
  std::string upsert_prefix_;  // INSERT INTO "t" ("k", "v") VALUES
  std::string upsert_suffix_;  // ON CONFLICT ("k") DO UPDATE SET "v" = EXCLUDED."v"
  absl::Mutex mu_;
  pg_conn* conn_ ABSL_GUARDED_BY(mu_) = nullptr;
};

}  // namespace centella

#endif  // CENTELLA_DRIVER_STREAMING_POSTGRES_SINK_H_

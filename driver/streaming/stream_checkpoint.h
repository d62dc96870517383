// StreamCheckpoint: the write-ahead log of a stream in its checkpoint directory
// (centella.streaming.checkpoint), what makes a restarted driver resume exactly where
// the last committed batch ended.
//
//   DIR/metadata            format version, batch interval, the stream graph's fingerprint
//   DIR/offsets/<batch id>  what every input reads in the batch: written before it runs
//   DIR/commits/<batch id>  written once every output of the batch is done
//
// Each file is written by atomic rename (common/storage) and framed with a magic, a format
// version and an XXH3 checksum of its payload; a file that does not decode is reported
// (DataLoss naming it) and skipped in favour of the previous good entry. Entries older than
// the newest `retain` batches are removed.
//
// Recovery: an offsets entry without its commit is a batch that may have written part of
// its output; it runs again reading exactly the same input (sinks keyed by batch id make
// that exactly-once). A restarted program whose graph fingerprint differs is refused,
// naming the first difference.
//
// Thread safety: used by the stream's batch thread(s) under the context's graph lock.
#ifndef CENTELLA_DRIVER_STREAMING_STREAM_CHECKPOINT_H_
#define CENTELLA_DRIVER_STREAMING_STREAM_CHECKPOINT_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/serde/serde.h"
#include "common/storage/storage.h"

namespace centella {

// One batch's inputs: input id -> that input's own record of what it read.
struct BatchOffsets {
  int64_t batch_id = 0;
  int64_t batch_time_ms = 0;
  std::map<std::string, std::string> inputs;
  CENTELLA_FIELDS(batch_id, batch_time_ms, inputs)
};

// A batch's commit: its time, and the record of each state's snapshot after it.
struct BatchCommit {
  int64_t batch_time_ms = 0;
  std::map<std::string, std::string> states;
  CENTELLA_FIELDS(batch_time_ms, states)
};

struct StreamMetadata {
  // Chosen when the log is created and kept for its life: sinks key what they wrote by
  // (stream id, batch id), so a new stream whose batch ids start again at 0 is not
  // taken for one that wrote them already.
  std::string stream_id;
  int64_t batch_interval_ms = 0;
  // One line per node of the graph, in declaration order (operator, slide, parents,
  // record type, input id).
  std::vector<std::string> graph;
  CENTELLA_FIELDS(stream_id, batch_interval_ms, graph)
};

// Where a restarted stream stands, from the log.
struct StreamRecovery {
  // The last batch whose commit is recorded (nullopt: none), and its state snapshots.
  std::optional<int64_t> last_committed;
  std::map<std::string, std::string> states;
  // The newest offsets entry: committed (resume after it) or not (run it again).
  std::optional<BatchOffsets> last_planned;
  // Files skipped because they did not decode, with the reason (also logged).
  std::vector<std::string> skipped;
};

class StreamCheckpoint {
 public:
  // 2: the metadata names the stream (stream_id).
  static constexpr uint32_t kFormatVersion = 2;

  // Opens (creating) the directory. `retain`: batches kept in the log (at least 2).
  static absl::StatusOr<std::unique_ptr<StreamCheckpoint>> Open(std::unique_ptr<Storage> storage,
                                                                int retain);

  // Writes the metadata of a new log, or checks it against the existing one:
  // FailedPrecondition naming what changed (the interval, the first graph line that
  // differs) for a log written by an incompatible program. Returns the log's stream id
  // (`metadata`'s for a new log, else the one it was created with).
  absl::StatusOr<std::string> CheckOrWriteMetadata(const StreamMetadata& metadata);
  // Reads the log's state for a restart.
  absl::StatusOr<StreamRecovery> Recover();

  absl::Status WriteOffsets(const BatchOffsets& offsets);
  // Marks `batch_id` done, then removes entries beyond the retention.
  absl::Status WriteCommit(int64_t batch_id, const BatchCommit& commit);
  // Where state `index`'s snapshot after `batch_id` goes (a directory of this log).
  std::string StateDir(int index, int64_t batch_id) const;

  const std::string& root() const { return storage_->root(); }

 private:
  StreamCheckpoint(std::unique_ptr<Storage> storage, int retain)
      : storage_(std::move(storage)), retain_(retain) {}
  // Batch ids with an entry in `dir` ("offsets", "commits"), ascending.
  absl::StatusOr<std::vector<int64_t>> Ids(const std::string& dir) const;
  absl::Status Prune(int64_t newest);

  std::unique_ptr<Storage> storage_;
  int retain_;
};

// The framing of every checkpoint file, for the tests that damage them.
std::string EncodeCheckpointEntry(std::string_view payload);
absl::StatusOr<std::string_view> DecodeCheckpointEntry(std::string_view file,
                                                       const std::string& path);

}  // namespace centella

#endif  // CENTELLA_DRIVER_STREAMING_STREAM_CHECKPOINT_H_

// StreamingContext: micro-batch streams on a Context (Spark's StreamingContext).
//
//   auto ssc = StreamingContext::Create(*ctx, absl::Milliseconds(100));
//   auto queue = std::make_shared<RddQueue<std::string>>();
//   (*ssc)->queue_stream(queue).flat_map(...).reduce_by_key(...).print();
//   (*ssc)->start();  (*ssc)->await_termination();
//
// Every batch interval (10 ms at least) the context generates a batch: batch time t is a
// whole number of intervals after the stream's zero time (the start time rounded down to
// the interval). Each output operation's DStream gives its RDD of t and the operation
// runs on it as ordinary jobs. Batches run in order on one thread; with
// centella.streaming.concurrentJobs = N, up to N batches run at once. A batch that takes
// longer than the interval delays the next ones (they keep their batch times; the
// scheduling delay shows it), it never makes the stream skip a batch.
//
// Lifecycle: operators and outputs are declared, then start() (once); stop() ends it. A
// batch whose output fails stops the generation of new batches and await_termination()
// returns that error. Time comes from StreamingOptions::clock (tests give a FakeClock).
//
// Checkpoint (--conf centella.streaming.checkpoint=DIR, on storage every node sees): each
// batch's inputs are logged before it runs and a commit after its outputs are done
// (stream_checkpoint.h), so a driver restarted with the same program resumes after the
// last committed batch and first runs an uncommitted one again with the same input.
// Stateful streams (update_state_by_key, event-time windows) snapshot their state after every batch
// under DIR/state/, recorded in the batch's commit with the watermark: a restart starts from that
// state. Exactly-once output needs centella.streaming.concurrentJobs=1 (the default): with
// overlapping batches a later one may commit before an earlier one fails.
//
// Thread safety: declare the graph from one thread before start(); start, stop,
// await_termination and the accessors may be called from any thread, but stop() not from
// an output operation.
#ifndef CENTELLA_DRIVER_STREAMING_STREAMING_CONTEXT_H_
#define CENTELLA_DRIVER_STREAMING_STREAMING_CONTEXT_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/clock/clock.h"
#include "driver/api/context.h"
#include "driver/streaming/stream_checkpoint.h"
#include "driver/streaming/stream_input.h"
#include "driver/streaming/stream_state.h"
#include "driver/streaming/streaming_listener.h"
#include "driver/streaming/watermark_tracker.h"
#include "engine/kafka/kafka_record.h"

namespace centella {

class DStreamNodeBase;
class EventLoop;
class StreamEventLog;
struct KafkaStreamOptions;
class TerminationSignal;
class ThreadPool;
template <class T>
class DStream;
template <class T>
class RddQueue;
template <class State>
struct StateStorage;
template <class T>
class Receiver;

struct StreamingOptions {
  // Batch times and delays are read from it; not owned, must outlive the context.
  Clock* clock = &RealClock();
  // Optional observer of every batch; must outlive the context.
  StreamingListener* listener = nullptr;
  // While the stream runs, SIGTERM and SIGINT stop it gracefully (the running batch
  // finishes and commits, await_termination returns OK, so main can exit 0) instead of
  // killing the process. Only one context of a process can hold the signals.
  bool stop_on_termination_signal = true;
  // The stream checkpoint directory (Spark's ssc.checkpoint(dir)); empty: the
  // centella.streaming.checkpoint setting. Stateful streams keep their RDD checkpoints
  // under its rdds/ when centella.checkpoint.dir is not set.
  std::string checkpoint_dir;
};

class StreamingContext {
 public:
  // InvalidArgument for an interval under 10 ms or a bad centella.streaming.* setting.
  static absl::StatusOr<std::unique_ptr<StreamingContext>> Create(Context& ctx,
                                                                  absl::Duration batch_interval,
                                                                  StreamingOptions options = {});
  // Stops the stream at once if it still runs (stop(/*graceful=*/false)).
  ~StreamingContext();
  StreamingContext(const StreamingContext&) = delete;
  StreamingContext& operator=(const StreamingContext&) = delete;

  // ---- inputs ----

  // A stream of the RDDs pushed into `queue` (see RddQueue): each batch takes the oldest
  // one (or, with one_at_a_time false, all queued), an empty RDD when there is none.
  template <class T>
  DStream<T> queue_stream(std::shared_ptr<RddQueue<T>> queue, bool one_at_a_time = true);

  // Lines of text from a TCP server (socket_text_receiver.h); "socket:HOST:PORT" in the
  // checkpoint and BatchInfo.
  DStream<std::string> socket_text_stream(const std::string& host, int port);
  // The records a custom Receiver stores (receiver.h), batch by batch.
  template <class T>
  DStream<T> receiver_stream(std::shared_ptr<Receiver<T>> receiver);

  // Kafka topics, direct (see driver/streaming/kafka_direct_dstream.h): each batch reads
  // the offsets that arrived since the previous one, one task per topic-partition. Bad
  // options are reported by start().
  DStream<KafkaRecord> kafka_direct_stream(KafkaStreamOptions options);

  // ---- lifecycle ----

  // Starts generating batches. FailedPrecondition when it was started before or has no
  // output operation; InvalidArgument for an operator declared with bad arguments (a
  // window that is not a multiple of the batch interval), naming it.
  absl::Status start();
  // Blocks until the stream stops: OK after stop(), else the error that stopped it.
  absl::Status await_termination();
  // The same, at most `timeout`; nullopt if the stream still runs then.
  std::optional<absl::Status> await_termination_or_timeout(absl::Duration timeout);
  // Stops generating batches. Graceful: the running (and already due) batches finish
  // first; otherwise their jobs are cancelled. Idempotent; the Context stays usable.
  void stop(bool graceful = true);

  Context& context() const { return *ctx_; }
  absl::Duration batch_interval() const { return interval_; }
  // The event-time watermark (nullopt: no with_watermark stream has seen a record yet)
  // and the late records dropped since the stream began, by watermark source.
  std::optional<absl::Time> watermark() const { return watermarks_.current(); }
  std::map<std::string, int64_t> late_records() const { return watermarks_.late_records(); }
  // The stream's id (BatchRef::stream_id), once started.
  std::string stream_id() const {
    absl::MutexLock lock(&graph_mu_);
    return stream_id_;
  }
  // Batches completed so far (with or without error).
  int64_t batches_completed() const;
  // RDDs the stream's nodes hold now: bounded by the windows, however long it runs.
  int held_rdds() const;

  // ---- for DStream operators (driver/streaming/dstream.h), not for jobs ----

  // Every node of the graph, so that the context can give it its zero time and make it
  // forget old batches.
  void AddNode(std::shared_ptr<DStreamNodeBase> node);
  // An output operation: `prepare(batch)` builds, under the graph's lock, what the batch
  // must run (null: nothing then); the returned function then runs the jobs, unlocked.
  using PreparedOutput = std::function<absl::Status()>;
  void AddOutput(std::function<absl::StatusOr<PreparedOutput>(const BatchRef& batch)> prepare);
  // A bad operator argument, reported by start().
  void AddGraphError(absl::Status error);
  // Where the RDD checkpoints of stateful streams go: centella.checkpoint.dir, else the
  // stream checkpoint's rdds/; FailedPrecondition when neither is set.
  absl::StatusOr<std::string> RddCheckpointDir() const;
  // For a stateful operator `op`: without an RDD checkpoint directory, a graph error
  // (FailedPrecondition, "`op` keeps its state in checkpoints: ...") that start() reports.
  void RequireRddCheckpointDir(absl::string_view op);
  // Whether the stream has a checkpoint (centella.streaming.checkpoint or
  // StreamingOptions::checkpoint_dir).
  bool has_stream_checkpoint() const { return !checkpoint_dir_.empty(); }
  // Deletes the checkpoint files of an RDD checkpointed by a stateful stream once no
  // batch can read them.
  void RemoveRddCheckpoint(int rdd_id);
  // The watermark of the stream's with_watermark sources.
  WatermarkTracker& watermarks() { return watermarks_; }
  // How a stateful node of records `State` removes and loads its checkpoints (defined in
  // dstream.h).
  template <class State>
  StateStorage<State> StateStorageFor();
  // An RDD over an input node an input stream made for a batch (defined in dstream.h).
  template <class T>
  Rdd<T, Pipeline<T>> RddOf(std::shared_ptr<Node<T>> node, int num_partitions);

 private:
  StreamingContext(Context& ctx, absl::Duration interval, StreamingOptions options, int jobs,
                   absl::Duration max_future_skew, std::string checkpoint_dir,
                   std::string rdd_checkpoint_dir);
  void Tick(absl::Time batch_time);
  void RunBatch(int64_t batch_id, absl::Time batch_time);
  // With centella.streaming.checkpoint: checks the log against this program and restores
  // the inputs; sets the batch to run again first, if any, and the next batch id.
  absl::Status OpenCheckpoint(const std::string& dir, int retain, absl::Time grid, absl::Time* zero)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(graph_mu_);
  void Terminate(absl::Status status);

  Context* const ctx_;
  const absl::Duration interval_;
  const StreamingOptions options_;
  const int concurrent_jobs_;
  WatermarkTracker watermarks_;
  const std::string checkpoint_dir_;      // absolute; empty: no stream checkpoint
  const std::string rdd_checkpoint_dir_;  // absolute; empty: none

  // The graph: declared before start(), then read and pruned by the batch threads.
  mutable absl::Mutex graph_mu_;
  std::vector<std::shared_ptr<DStreamNodeBase>> nodes_ ABSL_GUARDED_BY(graph_mu_);
  std::vector<std::function<absl::StatusOr<PreparedOutput>(const BatchRef&)>> outputs_;
  absl::Status graph_error_;
  std::unique_ptr<StreamCheckpoint> checkpoint_;         // null without a checkpoint directory
  std::vector<StreamInput*> inputs_;                     // the graph's inputs (nodes_ own them)
  std::vector<std::pair<int, StreamState*>> states_;     // stateful nodes, by graph index
  std::optional<std::pair<int64_t, absl::Time>> rerun_;  // a batch to run again first
  std::string stream_id_;                                // set by start()

  absl::Mutex stop_mu_;  // one stop() at a time
  mutable absl::Mutex mu_;
  bool started_ ABSL_GUARDED_BY(mu_) = false;
  bool terminated_ ABSL_GUARDED_BY(mu_) = false;
  absl::Status termination_ ABSL_GUARDED_BY(mu_);
  int64_t batches_completed_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t next_batch_id_ = 0;  // timer loop only
  std::atomic<bool> generating_{false};
  std::atomic<bool> cancelled_{false};
  std::atomic<bool> failed_{false};  // a batch failed: no later batch runs

  std::unique_ptr<StreamEventLog> event_log_;   // with centella.eventLog.dir
  std::unique_ptr<TerminationSignal> signals_;  // destroyed by ~StreamingContext only
  std::unique_ptr<ThreadPool> batches_;         // runs batches, concurrent_jobs_ threads
  std::unique_ptr<EventLoop> timer_;            // ticks every interval; declared last
};

}  // namespace centella

#endif  // CENTELLA_DRIVER_STREAMING_STREAMING_CONTEXT_H_

// Context: the entry point of a Centella job (Spark's SparkContext).
//
//   int main(int argc, char** argv) {
//     auto ctx = centella::Context::FromEnvironment("word-count");
//     if (!ctx.ok()) { ...print ctx.status()...; return 1; }
//     auto lines = (*ctx)->text_file(argv[1]);
//     ...
//   }
//
// centella-submit passes the master, the application name and the configuration through
// the environment (CENTELLA_MASTER, CENTELLA_APP_NAME, CENTELLA_CONF); a job started
// directly runs on local[*]. The context owns the schedulers and the executor backend;
// destroying it waits for running work and removes its scratch directories.
//
// On a cluster the same binary is started by executor daemons as an executor
// (CENTELLA_ROLE=executor): FromEnvironment then runs the executor and never returns to
// the job's main(), which is why it must be the first thing main() does.
//
// Thread safety: RDDs may be built and actions run from several threads at once.
#ifndef CENTELLA_DRIVER_API_CONTEXT_H_
#define CENTELLA_DRIVER_API_CONTEXT_H_

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "common/config/conf.h"
#include "driver/accumulator/accumulator_registry.h"
#include "driver/api/master_url.h"
#include "driver/api/pipeline.h"
#include "driver/broadcast/broadcast_manager.h"
#include "executor/task/node.h"
#include "executor/task/stage_runner.h"

namespace centella {

template <class T, class Pipe>
class Rdd;
template <class T, class Merge = std::plus<T>>
class Accumulator;
template <class T>
class Broadcast;

class ConsoleProgressBar;
class DagScheduler;
class EventLog;
class FanOutListener;
class SchedulerListener;
class ExecutorBackend;
class SharedSecret;

struct ContextOptions {
  std::string master = "local[*]";
  std::string app_name = "centella-app";
  Conf conf;
  // Optional observer of jobs, stages and tasks; must outlive the context. It hears
  // everything whether or not the console progress bar is drawn.
  SchedulerListener* listener = nullptr;
};

class Context {
 public:
  static absl::StatusOr<std::unique_ptr<Context>> Create(ContextOptions options);
  // Options from the environment centella-submit sets; `default_app_name` is used when
  // none is given. InvalidArgument for a malformed master or configuration.
  static absl::StatusOr<std::unique_ptr<Context>> FromEnvironment(
      std::string_view default_app_name);
  ~Context();

  Context(const Context&) = delete;
  Context& operator=(const Context&) = delete;

  // An RDD of `data` cut into `num_slices` partitions (default: default_parallelism()).
  template <class T>
  Rdd<T, Pipeline<T>> parallelize(std::vector<T> data, int num_slices = 0);

  // The lines of a file, of every file in a directory, or of every file matching a glob,
  // partitioned by byte ranges aligned to lines (at least `min_partitions` when the
  // input is large enough). A missing or unreadable input is reported by the first action.
  // Files named "*.gz" or "*.zst" are decompressed (gzip, Zstandard); each is read by one
  // partition, since it cannot be split. Corrupt or truncated ones fail the action with
  // DataLoss naming the file.
  Rdd<std::string, Pipeline<std::string>> text_file(const std::string& path,
                                                   int min_partitions = 0);

  // One record per file of a file, directory or glob (listed as text_file does):
  // (absolute path, whole content), decompressed like text_file's input. Files are grouped
  // in path order into at most `min_partitions` (default: default_parallelism())
  // partitions of about equal size, never more partitions than files. Meant for many
  // small files: a file is held in memory whole.
  Rdd<std::pair<std::string, std::string>, Pipeline<std::pair<std::string, std::string>>>
  whole_text_files(const std::string& path, int min_partitions = 0);
  // ---- shared variables (driver/api/accumulator.h, driver/api/broadcast.h) ----

  // A new accumulator starting at `zero`. `merge` combines values (void(T&, const T&) or
  // T(T, T); associative, commutative, trivially copyable); `name` is for logs.
  template <class T, class Merge = std::plus<T>>
  Accumulator<T, Merge> accumulator(T zero, std::string name = "", Merge merge = Merge());

  // Ships `value` to each executor process once (see Broadcast). On a cluster the value
  // is serialized here, once; in local mode tasks read this very object.
  template <class T>
  Broadcast<T> broadcast(T value);

  // Broadcasts held by the driver and the fetches it served (counted per executor).
  BroadcastManager::Stats broadcast_stats() const { return broadcasts_->stats(); }

  // Executor processes registered now (local mode: 1). A cluster job that must not start
  // before its executors are up (a measurement, a test) can poll it.
  int num_executors() const;

  int default_parallelism() const { return default_parallelism_; }
  const std::string& app_id() const { return app_id_; }
  const std::string& app_name() const { return app_name_; }
  const Conf& conf() const { return conf_; }
  const MasterUrl& master() const { return master_; }

  // ---- for the RDD implementation ----
  AccumulatorRegistry& accumulators() { return *accumulators_; }
  BroadcastManager& broadcasts() { return *broadcasts_; }
  // Broadcast::destroy(): frees the value here and tells the executors to drop theirs.
  absl::Status DestroyBroadcast(int64_t id);
  // Gives `node` a fresh RDD id, its partition count and narrow parents.
  void InitNode(NodeBase& node, int num_partitions,
                std::vector<std::shared_ptr<NodeBase>> parents = {});
  int NewShuffleId() { return next_shuffle_id_++; }
  // Drops a persisted RDD's cached partitions everywhere (Rdd::unpersist).
  void Unpersist(int rdd_id);
  // <centella.checkpoint.dir>/<app id>, absolute; FailedPrecondition when not configured.
  absl::StatusOr<std::string> CheckpointDir() const;
  absl::StatusOr<std::vector<std::string>> RunJob(std::shared_ptr<NodeBase> root,
                                                  std::shared_ptr<StageRunner> runner,
                                                  std::vector<int> partitions,
                                                  std::string description);
  // Output committer for save_* actions. Prepare: AlreadyExists naming `dir` when it
  // exists (nothing is overwritten); creates it with its _temporary directory.
  absl::Status PrepareOutputDir(const std::string& dir);
  // Commits one attempt file per partition: `attempts[p]` (a name in dir/_temporary,
  // from the attempt whose result the job kept) becomes dir/part-NNNNN. Other attempts'
  // files are never committed; FinishOutputDir removes them.
  absl::Status CommitOutputParts(const std::string& dir, const std::vector<std::string>& attempts);
  // On success removes _temporary and writes the empty _SUCCESS marker last; on failure
  // removes `dir` (which PrepareOutputDir created) with its partial contents.
  absl::Status FinishOutputDir(const std::string& dir, bool success);

 private:
  Context() = default;

  std::string app_id_;
  std::string app_name_;
  MasterUrl master_;
  Conf conf_;
  int default_parallelism_ = 1;
  uint64_t max_split_bytes_ = 0;
  std::string local_dir_;
  std::atomic<int> next_rdd_id_{0};
  std::atomic<int> next_shuffle_id_{0};
  // Shared variables: used by the backend and the scheduler, so they outlive both.
  std::unique_ptr<AccumulatorRegistry> accumulators_;
  std::unique_ptr<BroadcastManager> broadcasts_;
  std::unique_ptr<SharedSecret> secret_;  // cluster mode: outlives the backend
  // Drawn on stderr when it is a terminal (centella.ui.showConsoleProgress); else null.
  std::unique_ptr<ConsoleProgressBar> progress_bar_;
  // centella.eventLog.dir; else null.
  std::unique_ptr<EventLog> event_log_;
  // The scheduler's listener: the progress bar and the user's listener. Outlives it.
  std::unique_ptr<FanOutListener> listeners_;
  std::unique_ptr<ExecutorBackend> backend_;
  std::unique_ptr<DagScheduler> scheduler_;
};

}  // namespace centella

#endif  // CENTELLA_DRIVER_API_CONTEXT_H_

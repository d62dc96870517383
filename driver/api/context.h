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
// (CENTELLA_ROLE=executor): then the job's main() never runs — the executor entry point
// linked into every job (executor/process/executor_main.cc) takes over before it.
//
// Thread safety: RDDs may be built and actions run from several threads at once.
#ifndef CENTELLA_DRIVER_API_CONTEXT_H_
#define CENTELLA_DRIVER_API_CONTEXT_H_

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "common/config/conf.h"
#include "driver/api/context_options.h"
#include "driver/runtime/driver_runtime.h"
#include "driver/runtime/master_url.h"
#include "engine/plan/pipeline.h"

namespace centella {

template <class T, class Pipe>
class Rdd;
template <class T, class Merge = std::plus<T>>
class Accumulator;
template <class T>
class Broadcast;

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
  BroadcastManager::Stats broadcast_stats() const { return runtime_->broadcasts().stats(); }

  // Executor processes registered now (local mode: 1). A cluster job that must not start
  // before its executors are up (a measurement, a test) can poll it.
  int num_executors() const;

  // ---- jobs ----

  // Cancels a running job by id (JobFuture::job_id, the logs, the UI): it fails with
  // Cancelled and its running tasks are killed on the executors — they stop at their
  // next batch of records. A job that has ended is left alone. Thread-safe.
  void CancelJob(int job_id) { runtime_->CancelJob(job_id, "cancelled by Context::CancelJob"); }
  // Cancels every job running now (from any thread).
  void CancelAllJobs() { runtime_->CancelAllJobs("cancelled by Context::CancelAllJobs"); }
  // The scheduling pool of jobs this thread starts from now on (Spark's
  // setLocalProperty("spark.scheduler.pool", ...)); pools share the executors when
  // centella.scheduler.mode=FAIR (see driver/scheduler/scheduling_policy.h).
  void SetSchedulerPool(std::string pool) { runtime_->SetSchedulerPool(std::move(pool)); }

  // What the scheduler holds now: running jobs, stages, registered shuffles, shuffles
  // removed since the start. Shuffles no live Rdd can reach are removed, so a driver that
  // runs jobs for days holds only what its live handles need.
  DagSchedulerStats SchedulerStats() const { return runtime_->SchedulerStats(); }

  int default_parallelism() const { return runtime_->default_parallelism(); }
  const std::string& app_id() const { return runtime_->app_id(); }
  const std::string& app_name() const { return runtime_->app_name(); }
  const Conf& conf() const { return runtime_->conf(); }
  const MasterUrl& master() const { return runtime_->master(); }

 private:
  explicit Context(std::unique_ptr<DriverRuntime> runtime);

  // What the RDD implementation and the shared variables use; not callable from a job.
  DriverRuntime& runtime() const { return *runtime_; }
  template <class T, class Pipe>
  friend class Rdd;
  template <class T, class Merge>
  friend class Accumulator;
  template <class T>
  friend class Broadcast;
  friend class StreamingContext;  // input streams make RDDs of their own nodes

  std::unique_ptr<DriverRuntime> runtime_;
};

}  // namespace centella

#endif  // CENTELLA_DRIVER_API_CONTEXT_H_

#include "driver/runtime/driver_runtime.h"

#include <stdlib.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <tuple>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/auth/shared_secret.h"
#include "common/logging/logger.h"
#include "common/rpc/rpc_server.h"
#include "common/status/status_macros.h"
#include "driver/cluster/cluster_backend.h"
#include "driver/dag/dag_scheduler.h"
#include "driver/dag/fan_out_listener.h"
#include "driver/scheduler/local_backend.h"
#include "driver/ui/console_progress_bar.h"
#include "driver/ui/event_log.h"
#include "engine/memory/memory_budget.h"

namespace centella {
namespace {

std::shared_ptr<spdlog::logger> Log() {
  static auto logger = GetLogger("driver");
  return logger;
}

const ConfEntry<int64_t> kDefaultParallelism{
    "centella.default.parallelism", 0,
    "Partitions of parallelize() and of text_file() at least; 0 means the task slot count."};
const ConfEntry<ByteSize> kMaxPartitionBytes{
    "centella.files.maxPartitionBytes", ByteSize{32 << 20},
    "Largest byte range of an input file read by one text_file() partition."};
const ConfEntry<std::string> kLocalDir{
    "centella.local.dir", "",
    "Scratch directory for shuffle files and spills (default: $TMPDIR or /tmp)."};
const ConfEntry<std::string> kShuffleCodec{"centella.shuffle.compress.codec", "lz4",
                                           "Codec of shuffle blocks: lz4, zstd or none."};
const ConfEntry<std::string> kSecretFile{
    "centella.secretFile", "",
    "File holding the cluster's shared secret (default: $CENTELLA_SECRET_FILE)."};
const ConfEntry<bool> kInsecure{"centella.insecure", false,
                                "Talk to the cluster without a shared secret."};
const ConfEntry<std::string> kDriverHost{"centella.driver.host", "",
                                         "Host name executors use to reach the driver."};
const ConfEntry<absl::Duration> kLocalityWait{
    "centella.locality.wait", absl::Seconds(3),
    "How long a task reading a cached partition waits for the executor holding it."};
const ConfEntry<absl::Duration> kNoExecutorsTimeout{
    "centella.scheduler.noExecutorsTimeout", absl::Minutes(2),
    "How long jobs wait while the application has no executor before failing; 0 waits "
    "forever."};
const ConfEntry<std::string> kCheckpointDir{
    "centella.checkpoint.dir", "",
    "Directory shared by the driver and every executor where checkpoint() writes RDDs."};
const ConfEntry<std::string> kEventLogDir{
    "centella.eventLog.dir", "",
    "Where the driver writes its event log, <dir>/<app id>.jsonl (jobs, stages, tasks); "
    "empty: none."};
const ConfEntry<bool> kShowConsoleProgress{
    "centella.ui.showConsoleProgress", true,
    "Draw the progress of running stages on stderr when stderr is a terminal."};
const ConfEntry<ByteSize> kBroadcastBlockSize{
    "centella.broadcast.blockSize", ByteSize{1 << 20},
    "Size of the checksummed pieces in which executors fetch a broadcast value (at most 3m, "
    "below gRPC's 4 MiB message limit)."};
// One piece travels as one gRPC message; 4 MiB is gRPC's default receive limit.
constexpr int64_t kMaxBroadcastBlockSize = 3 << 20;
const ConfEntry<int64_t> kMaxTaskFailures{
    "centella.task.maxFailures", 0,
    "Failures of one task before its job is aborted; 0 means 1 in local mode (as Spark's "
    "local[N]) and 4 on a cluster."};

// centella.speculation (false), .quantile (0.75), .multiplier (1.5), .minRunTime (100ms).
absl::StatusOr<TaskScheduler::SpeculationOptions> SpeculationFromConf(const Conf& conf) {
  TaskScheduler::SpeculationOptions o;
  ASSIGN_OR_RETURN(o.enabled, conf.GetBool("centella.speculation", false));
  ASSIGN_OR_RETURN(o.min_run_time,
                   conf.GetDuration("centella.speculation.minRunTime", o.min_run_time));
  for (auto [key, value, low, high] :
       {std::tuple<const char*, double*, double, double>{"centella.speculation.quantile",
                                                         &o.quantile, 0.0, 1.0},
        {"centella.speculation.multiplier", &o.multiplier, 1.0, 1e6}}) {
    ASSIGN_OR_RETURN(std::string text, conf.GetString(key, ""));
    if (text.empty()) continue;
    if (!absl::SimpleAtod(text, value) || *value < low || *value > high) {
      return absl::InvalidArgumentError(
          absl::StrCat(key, " must be a number in [", low, ", ", high, "], got \"", text, "\""));
    }
  }
  return o;
}

}  // namespace

absl::StatusOr<std::unique_ptr<DriverRuntime>> DriverRuntime::Create(ContextOptions options) {
  ASSIGN_OR_RETURN(MasterUrl master, ParseMasterUrl(options.master));
  std::unique_ptr<DriverRuntime> ctx(new DriverRuntime());
  ctx->master_ = master;
  ctx->app_name_ = options.app_name;
  ctx->conf_ = std::move(options.conf);
  ctx->app_id_ = absl::StrCat("local-", absl::ToUnixMillis(absl::Now()));  // cluster: below

  ASSIGN_OR_RETURN(int64_t parallelism, ctx->conf_.Get(kDefaultParallelism));
  ASSIGN_OR_RETURN(int64_t max_cores, ctx->conf_.GetInt("centella.cores.max", 0));
  int slots = master.kind == MasterUrl::Kind::kLocal ? master.threads : std::max<int>(2, max_cores);
  ctx->default_parallelism_ = parallelism > 0 ? static_cast<int>(parallelism) : slots;
  ASSIGN_OR_RETURN(ByteSize max_bytes, ctx->conf_.Get(kMaxPartitionBytes));
  if (max_bytes.bytes <= 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(std::string(kMaxPartitionBytes.key), " must be positive"));
  }
  ctx->max_split_bytes_ = static_cast<uint64_t>(max_bytes.bytes);
  ASSIGN_OR_RETURN(std::string codec_name, ctx->conf_.Get(kShuffleCodec));
  ASSIGN_OR_RETURN(BlockCodec codec, ParseBlockCodec(codec_name));
  ASSIGN_OR_RETURN(int64_t max_failures, ctx->conf_.Get(kMaxTaskFailures));
  if (max_failures <= 0) max_failures = master.kind == MasterUrl::Kind::kLocal ? 1 : 4;

  ASSIGN_OR_RETURN(ByteSize block_size, ctx->conf_.Get(kBroadcastBlockSize));
  if (block_size.bytes <= 0 || block_size.bytes > kMaxBroadcastBlockSize) {
    return absl::InvalidArgumentError(
        absl::StrCat(std::string(kBroadcastBlockSize.key), " must be between 1 byte and 3m"));
  }
  ctx->accumulators_ = std::make_unique<AccumulatorRegistry>();
  // Local-mode tasks read the driver's objects; only a cluster needs serialized values.
  ctx->broadcasts_ = std::make_unique<BroadcastManager>(
      /*serialize=*/master.kind != MasterUrl::Kind::kLocal, block_size.bytes);

  ASSIGN_OR_RETURN(std::string base, ctx->conf_.Get(kLocalDir));
  if (base.empty()) {
    const char* tmp = std::getenv("TMPDIR");
    base = tmp != nullptr && *tmp != '\0' ? tmp : "/tmp";
  }
  std::string templ = absl::StrCat(base, "/centella-", ctx->app_id_, "-XXXXXX");
  if (::mkdtemp(templ.data()) == nullptr) {
    return absl::FailedPreconditionError(absl::StrCat("cannot create a scratch directory under ",
                                                      base, ": ", std::strerror(errno),
                                                      " (set centella.local.dir)"));
  }
  ctx->local_dir_ = templ;

  if (master.kind == MasterUrl::Kind::kLocal) {
    ASSIGN_OR_RETURN(MemoryBudgets budgets, MemoryBudgetFromConf(ctx->conf_));
    const std::string spill_dir = absl::StrCat(ctx->local_dir_, "/spill");
    std::error_code ec;
    std::filesystem::create_directories(spill_dir, ec);
    if (ec) {
      return absl::FailedPreconditionError(
          absl::StrCat("cannot create ", spill_dir, ": ", ec.message()));
    }
    ctx->backend_ = std::make_unique<LocalBackend>(
        master.threads, absl::StrCat(ctx->local_dir_, "/shuffle"), codec, budgets, spill_dir,
        absl::StrCat(ctx->local_dir_, "/blocks"), ctx->broadcasts_.get());
  } else {
    ASSIGN_OR_RETURN(std::string secret_file, ctx->conf_.Get(kSecretFile));
    ASSIGN_OR_RETURN(bool insecure, ctx->conf_.Get(kInsecure));
    if (const char* e = std::getenv("CENTELLA_INSECURE"); e != nullptr && std::string(e) == "1") {
      insecure = true;
    }
    ASSIGN_OR_RETURN(SharedSecret secret, SharedSecret::Load(secret_file, insecure, "driver"));
    ctx->secret_ = std::make_unique<SharedSecret>(std::move(secret));
    ClusterBackendOptions cluster;
    cluster.manager_address = absl::StrCat(master.host, ":", master.port);
    cluster.app_name = ctx->app_name_;
    cluster.conf = ctx->conf_;
    ASSIGN_OR_RETURN(cluster.advertise_host, ctx->conf_.Get(kDriverHost));
    if (cluster.advertise_host.empty()) {
      // A cluster-mode driver is told its host by the daemon that started it.
      const char* host = std::getenv("CENTELLA_HOST");
      cluster.advertise_host = host != nullptr && *host != '\0' ? host : LocalHostName();
    }
    ASSIGN_OR_RETURN(auto backend, ClusterBackend::Start(std::move(cluster), ctx->secret_.get(),
                                                         ctx->broadcasts_.get()));
    ctx->app_id_ = backend->app_id();
    ctx->backend_ = std::move(backend);
  }
  ASSIGN_OR_RETURN(bool show_progress, ctx->conf_.Get(kShowConsoleProgress));
  if (show_progress) ctx->progress_bar_ = ConsoleProgressBar::ForTerminal(STDERR_FILENO);
  ASSIGN_OR_RETURN(std::string event_log_dir, ctx->conf_.Get(kEventLogDir));
  if (!event_log_dir.empty()) {
    ASSIGN_OR_RETURN(ctx->event_log_, EventLog::Open(event_log_dir, ctx->app_id_));
    Log()->info("event log: {}", ctx->event_log_->path());
  }
  ctx->listeners_ = std::make_unique<FanOutListener>(std::vector<SchedulerListener*>{
      ctx->progress_bar_.get(), ctx->event_log_.get(), options.listener});
  ASSIGN_OR_RETURN(absl::Duration locality_wait, ctx->conf_.Get(kLocalityWait));
  ASSIGN_OR_RETURN(absl::Duration no_executors_timeout, ctx->conf_.Get(kNoExecutorsTimeout));
  ASSIGN_OR_RETURN(TaskScheduler::SpeculationOptions speculation, SpeculationFromConf(ctx->conf_));
  ASSIGN_OR_RETURN(SchedulingPolicy scheduling, SchedulingPolicy::FromConf(ctx->conf_));
  DagSchedulerOptions dag_options;
  dag_options.app_id = ctx->app_id_;
  dag_options.max_task_failures = static_cast<int>(max_failures);
  dag_options.listener = ctx->listeners_.get();
  dag_options.accumulators = ctx->accumulators_.get();
  dag_options.locality_wait = locality_wait;
  dag_options.no_executors_timeout = no_executors_timeout;
  dag_options.speculation = speculation;
  dag_options.scheduling = std::move(scheduling);
  ctx->scheduler_ = std::make_unique<DagScheduler>(ctx->backend_.get(), std::move(dag_options));
  ctx->cleaner_ = std::make_shared<ContextCleaner>(ctx->scheduler_.get());
  ctx->callbacks_ = std::make_unique<ThreadPool>(1, "job-callbacks");
  if (master.kind == MasterUrl::Kind::kLocal) {
    Log()->info("Started {} ({}) on {} with {} task threads", ctx->app_name_, ctx->app_id_,
                master.text, master.threads);
  } else {
    Log()->info("Started {} ({}) on {}", ctx->app_name_, ctx->app_id_, master.text);
  }
  return ctx;
}

DriverRuntime::~DriverRuntime() {
  // Queued job callbacks run while the scheduler they may call still exists.
  if (callbacks_) callbacks_->Shutdown();
  // Shuffles dropped from now on go with the application's directories.
  if (cleaner_) cleaner_->Stop();
  // Task threads first, so no result is delivered to a scheduler being destroyed; then the
  // scheduler (its loop may still call into the stopped backend); then the backend.
  if (backend_) backend_->Shutdown();
  scheduler_.reset();
  backend_.reset();
  if (!local_dir_.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(local_dir_, ec);
  }
}

void DriverRuntime::InitNode(NodeBase& node, int num_partitions,
                             std::vector<std::shared_ptr<NodeBase>> parents) {
  node.set_identity(next_rdd_id_++, num_partitions);
  node.set_parents(std::move(parents));
}

std::function<void(int)> DriverRuntime::ShuffleReleaseHook() { return cleaner_->ShuffleHook(); }

DagSchedulerStats DriverRuntime::SchedulerStats() const { return scheduler_->Stats(); }

int DriverRuntime::num_executors() const { return static_cast<int>(backend_->Executors().size()); }

absl::StatusOr<std::string> DriverRuntime::CheckpointDir() const {
  ASSIGN_OR_RETURN(std::string dir, conf_.Get(kCheckpointDir));
  if (dir.empty()) {
    return absl::FailedPreconditionError(
        "checkpoint() needs a checkpoint directory that every executor can read: set "
        "--conf centella.checkpoint.dir=DIR");
  }
  return absl::StrCat(std::filesystem::absolute(dir).lexically_normal().string(), "/", app_id_);
}

void DriverRuntime::Unpersist(int rdd_id) {
  scheduler_->ForgetCachedRdd(rdd_id);
  backend_->RemoveCachedRdd(rdd_id);
}

absl::Status DriverRuntime::DestroyBroadcast(int64_t id) {
  RETURN_IF_ERROR(broadcasts_->Destroy(id));
  backend_->RemoveBroadcast(id);
  return absl::OkStatus();
}

absl::StatusOr<std::vector<std::string>> DriverRuntime::RunJob(std::shared_ptr<NodeBase> root,
                                                               std::shared_ptr<StageRunner> runner,
                                                               std::vector<int> partitions,
                                                               std::string description) {
  return scheduler_->RunJob(std::move(root), std::move(runner), std::move(partitions),
                            std::move(description), SchedulerPool());
}

std::shared_ptr<JobCompletion> DriverRuntime::SubmitJob(std::shared_ptr<NodeBase> root,
                                                        std::shared_ptr<StageRunner> runner,
                                                        std::vector<int> partitions,
                                                        std::string description) {
  auto completion = std::make_shared<JobCompletion>(
      callbacks_.get(), [scheduler = scheduler_.get()](int id, std::string reason) {
        scheduler->CancelJob(id, std::move(reason));
      });
  std::weak_ptr<JobCompletion> weak = completion;
  const int id = scheduler_->SubmitJob(std::move(root), std::move(runner), std::move(partitions),
                                       std::move(description), SchedulerPool(),
                                       [weak](JobCompletion::Outcome outcome) {
                                         if (auto c = weak.lock()) c->Complete(std::move(outcome));
                                       });
  completion->set_job_id(id);
  return completion;
}

void DriverRuntime::CancelJob(int job_id, std::string reason) {
  scheduler_->CancelJob(job_id, std::move(reason));
}

void DriverRuntime::CancelAllJobs(std::string reason) {
  scheduler_->CancelAllJobs(std::move(reason));
}

namespace {
// Per thread, per runtime: two contexts in one process keep separate pools.
thread_local absl::flat_hash_map<const DriverRuntime*, std::string> scheduler_pools;
}  // namespace

void DriverRuntime::SetSchedulerPool(std::string pool) { scheduler_pools[this] = std::move(pool); }

std::string DriverRuntime::SchedulerPool() const {
  auto it = scheduler_pools.find(this);
  return it == scheduler_pools.end() ? std::string(SchedulingPolicy::kDefaultPool) : it->second;
}

}  // namespace centella

#include "driver/cluster/cluster_backend.h"

#include <chrono>

#include "absl/strings/str_cat.h"
#include "common/logging/logger.h"
#include "common/status/grpc_status.h"
#include "driver/cluster/grpc_application_client.h"
#include "driver/cluster/grpc_executor_client.h"
#include "engine/task/task_runner.h"
#include "shuffle.grpc.pb.h"

namespace centella {
namespace {

std::shared_ptr<spdlog::logger> Log() {
  static auto logger = GetLogger("driver");
  return logger;
}

constexpr int64_t kHeartbeatIntervalMs = 1000;

v1::TaskResult LostResult(const v1::TaskDescriptor& task, const std::string& executor_id,
                          const std::string& reason) {
  return UnfinishedTaskResult(
      task, v1::TASK_STATE_KILLED,
      absl::UnavailableError(absl::StrCat("executor ", executor_id, " lost: ", reason)));
}

}  // namespace

// The Driver gRPC service: a thin adapter over the backend.
class ClusterBackend::Service final : public v1::Driver::Service {
 public:
  explicit Service(ClusterBackend* backend) : backend_(backend) {}

  grpc::Status RegisterExecutor(grpc::ServerContext* ctx, const v1::RegisterExecutorRequest* req,
                                v1::RegisterExecutorResponse* resp) override {
    if (grpc::Status s = backend_->secret_->Check(*ctx); !s.ok()) return s;
    if (req->protocol_version() != v1::PROTOCOL_VERSION_CURRENT) {
      return grpc::Status(grpc::StatusCode::FAILED_PRECONDITION,
                          absl::StrCat("protocol version ", req->protocol_version(),
                                       " is not this driver's ", v1::PROTOCOL_VERSION_CURRENT));
    }
    grpc::Status s = backend_->OnRegisterExecutor(*req);
    if (!s.ok()) return s;
    resp->set_app_name(backend_->options_.app_name);
    for (const auto& [k, v] : backend_->options_.conf.Entries()) (*resp->mutable_conf())[k] = v;
    resp->set_heartbeat_interval_ms(kHeartbeatIntervalMs);
    return grpc::Status::OK;
  }

  grpc::Status ExecutorHeartbeat(grpc::ServerContext* ctx, const v1::ExecutorHeartbeatRequest* req,
                                 v1::ExecutorHeartbeatResponse* resp) override {
    if (grpc::Status s = backend_->secret_->Check(*ctx); !s.ok()) return s;
    resp->set_reregister(!backend_->Heartbeat(req->executor_id()));
    return grpc::Status::OK;
  }

  grpc::Status FetchBroadcast(grpc::ServerContext* ctx, const v1::FetchBroadcastRequest* req,
                              grpc::ServerWriter<v1::BroadcastPiece>* writer) override {
    if (grpc::Status s = backend_->secret_->Check(*ctx); !s.ok()) return s;
    if (req->app_id() != backend_->app_id_) {
      return grpc::Status(
          grpc::StatusCode::FAILED_PRECONDITION,
          absl::StrCat("this driver runs ", backend_->app_id_, ", not ", req->app_id()));
    }
    return ToGrpcStatus(backend_->broadcasts_->Serve(
        req->broadcast_id(), req->executor_id(),
        [writer](const v1::BroadcastPiece& piece) { return writer->Write(piece); }));
  }

 private:
  ClusterBackend* backend_;
};

ClusterBackend::ClusterBackend(ClusterBackendOptions options, const SharedSecret* secret,
                               BroadcastManager* broadcasts)
    : options_(std::move(options)),
      secret_(secret),
      broadcasts_(broadcasts),
      cleanup_(std::make_unique<ThreadPool>(1, "shuffle-cleanup")) {}

absl::StatusOr<std::unique_ptr<ClusterBackend>> ClusterBackend::Start(
    ClusterBackendOptions options, const SharedSecret* secret, BroadcastManager* broadcasts) {
  std::unique_ptr<ClusterBackend> backend(
      new ClusterBackend(std::move(options), secret, broadcasts));
  const ClusterBackendOptions& o = backend->options_;
  backend->service_ = std::make_unique<Service>(backend.get());
  RpcServerOptions server_options;
  server_options.bind_host = o.bind_host;
  server_options.port = o.port;
  server_options.advertise_host = o.advertise_host;
  server_options.component = "driver";
  absl::StatusOr<std::unique_ptr<RpcServer>> server =
      RpcServer::Start(server_options, {backend->service_.get()});
  if (!server.ok()) return server.status();
  backend->server_ = *std::move(server);

  backend->manager_ = o.application_client
                          ? o.application_client()
                          : std::make_unique<GrpcApplicationClient>(o.manager_address, secret);
  absl::StatusOr<std::string> hash = backend->manager_->UploadBinary(o.binary_path);
  if (!hash.ok()) return hash.status();

  v1::ApplicationDescription desc;
  desc.set_name(o.app_name);
  desc.set_binary_hash(*hash);
  absl::StatusOr<int64_t> cores = o.conf.GetInt("centella.executor.cores", 1);
  absl::StatusOr<int64_t> memory = o.conf.GetBytes("centella.executor.memory", int64_t{1} << 30);
  absl::StatusOr<int64_t> max_cores = o.conf.GetInt("centella.cores.max", 0);
  absl::StatusOr<bool> dynamic = o.conf.GetBool("centella.dynamicAllocation.enabled", false);
  for (const absl::Status& s :
       {cores.status(), memory.status(), max_cores.status(), dynamic.status()}) {
    if (!s.ok()) return s;
  }
  desc.mutable_executor_resources()->set_cores(static_cast<int32_t>(*cores));
  desc.mutable_executor_resources()->set_memory_bytes(*memory);
  desc.set_max_total_cores(static_cast<int32_t>(*max_cores));
  desc.set_dynamic_allocation(*dynamic);
  AllocationPolicyOptions allocation;
  if (*dynamic) {
    absl::StatusOr<int64_t> min = o.conf.GetInt("centella.dynamicAllocation.minExecutors", 0);
    absl::StatusOr<int64_t> max = o.conf.GetInt("centella.dynamicAllocation.maxExecutors", 0);
    absl::StatusOr<int64_t> initial =
        o.conf.GetInt("centella.dynamicAllocation.initialExecutors", 0);
    absl::StatusOr<absl::Duration> backlog =
        o.conf.GetDuration("centella.dynamicAllocation.schedulerBacklogTimeout", absl::Seconds(1));
    absl::StatusOr<absl::Duration> idle =
        o.conf.GetDuration("centella.dynamicAllocation.executorIdleTimeout", absl::Seconds(60));
    for (const absl::Status& s :
         {min.status(), max.status(), initial.status(), backlog.status(), idle.status()}) {
      if (!s.ok()) return s;
    }
    desc.set_min_executors(static_cast<int32_t>(*min));
    desc.set_max_executors(static_cast<int32_t>(*max));
    desc.set_initial_executors(static_cast<int32_t>(*initial));
    allocation = {static_cast<int>(*min), static_cast<int>(*max), static_cast<int>(*cores),
                  *backlog, *idle};
  }
  for (const auto& [k, v] : o.conf.Entries()) (*desc.mutable_conf())[k] = v;
  ClusterBackend* self = backend.get();
  absl::StatusOr<std::string> app_id = backend->manager_->Register(
      desc, backend->server_->address(),
      [self](const v1::ApplicationEvent& e) { self->OnManagerEvent(e); });
  if (!app_id.ok()) return app_id.status();
  backend->app_id_ = *app_id;
  absl::StatusOr<absl::Duration> executor_timeout =
      o.conf.GetDuration("centella.executor.heartbeatTimeout", absl::Seconds(10));
  if (!executor_timeout.ok()) return executor_timeout.status();
  backend->liveness_thread_ = std::thread([self, t = *executor_timeout] { self->LivenessLoop(t); });
  if (*dynamic) {
    backend->allocation_thread_ =
        std::thread([self, allocation] { self->AllocationLoop(AllocationPolicy(allocation)); });
  }
  Log()->info("registered application {} with cluster manager {}", backend->app_id_,
              o.manager_address);
  return backend;
}

ClusterBackend::~ClusterBackend() { Shutdown(true); }

void ClusterBackend::Shutdown(bool succeeded) {
  std::map<std::string, Executor> executors;
  {
    absl::MutexLock lock(&mu_);
    if (shut_down_) return;
    shut_down_ = true;
  }
  stop_allocation_.Notify();
  // Removals already asked for finish (each bounded by its deadline); later ones are moot.
  cleanup_->Shutdown();
  if (allocation_thread_.joinable()) allocation_thread_.join();
  if (liveness_thread_.joinable()) liveness_thread_.join();
  std::vector<std::thread> attaching;
  {
    absl::MutexLock lock(&mu_);
    attaching = std::move(attach_threads_);
  }
  for (std::thread& t : attaching) t.join();
  {
    absl::MutexLock lock(&mu_);
    executors = std::move(executors_);
    executors_.clear();
  }
  // Unregister first: the manager then does not replace executors that are stopping.
  if (manager_) manager_->Unregister(succeeded, succeeded ? "finished" : "failed");
  for (auto& [id, ex] : executors) ex.connection->Stop("the application finished");
  executors.clear();  // joins the reader threads
  if (server_) server_->Shutdown(absl::Seconds(1));
}

void ClusterBackend::SetResultCallback(ResultCallback callback) {
  absl::MutexLock lock(&mu_);
  on_result_ = std::move(callback);
}

void ClusterBackend::SetExecutorsChangedCallback(std::function<void()> callback) {
  absl::MutexLock lock(&mu_);
  on_executors_changed_ = std::move(callback);
}

void ClusterBackend::SetApplicationEndedCallback(std::function<void(absl::Status)> callback) {
  absl::MutexLock lock(&mu_);
  on_app_ended_ = std::move(callback);
}

void ClusterBackend::SetShuffleServerLostCallback(
    std::function<void(std::string address)> callback) {
  absl::MutexLock lock(&mu_);
  on_shuffle_server_lost_ = std::move(callback);
}

std::vector<ExecutorSlots> ClusterBackend::Executors() const {
  absl::MutexLock lock(&mu_);
  std::vector<ExecutorSlots> out;
  out.reserve(executors_.size());
  for (const auto& [id, ex] : executors_) out.push_back({id, ex.host, ex.connection->cores()});
  return out;
}

bool ClusterBackend::Heartbeat(const std::string& executor_id) {
  absl::MutexLock lock(&mu_);
  auto it = executors_.find(executor_id);
  if (it == executors_.end()) return false;
  it->second.last_heartbeat = absl::Now();
  return true;
}

void ClusterBackend::LivenessLoop(absl::Duration timeout) {
  while (!stop_allocation_.WaitForNotificationWithTimeout(absl::Seconds(1))) {
    std::vector<std::string> silent;
    {
      absl::MutexLock lock(&mu_);
      for (const auto& [id, ex] : executors_) {
        if (absl::Now() - ex.last_heartbeat > timeout) silent.push_back(id);
      }
    }
    for (const std::string& id : silent) {
      OnExecutorLost(id, absl::StrCat("no heartbeat for ", absl::FormatDuration(timeout)));
    }
  }
}

grpc::Status ClusterBackend::OnRegisterExecutor(const v1::RegisterExecutorRequest& req) {
  if (req.app_id() != app_id_) {
    return grpc::Status(grpc::StatusCode::FAILED_PRECONDITION,
                        absl::StrCat("this driver runs ", app_id_, ", not ", req.app_id()));
  }
  const std::string id = req.address().executor_id();
  std::shared_ptr<ExecutorClient> connection =
      options_.executor_client
          ? options_.executor_client(app_id_, id, req.address().executor_address())
          : std::make_shared<GrpcExecutorClient>(
                app_id_, id, secret_->Connect(req.address().executor_address()));
  absl::MutexLock lock(&mu_);
  if (shut_down_) {
    return grpc::Status(grpc::StatusCode::UNAVAILABLE, "the application is finishing");
  }
  // Attach on another thread: the executor answers our TaskStream only after its
  // RegisterExecutor call (this one) has returned. Shutdown joins these threads, so none
  // outlives the backend (an executor registering while the application ends used to
  // touch a destroyed backend).
  attach_threads_.emplace_back([this, connection, id, req] {
    absl::Status s = connection->Open(
        [this, id](v1::TaskResult r) { OnTaskUpdate(id, std::move(r)); },
        [this, id](const std::string& reason) { OnExecutorLost(id, reason); }, absl::Seconds(10));
    if (!s.ok()) {
      Log()->warn("executor {}: {}", id, std::string(s.message()));
      return;
    }
    std::function<void()> changed;
    bool finishing = false;
    {
      absl::MutexLock lock(&mu_);
      finishing = shut_down_;
      if (!finishing) {
        Executor& ex = executors_[id];
        ex.host = req.address().host();
        ex.daemon_address = req.address().daemon_address();
        if (!ex.daemon_address.empty()) daemons_.insert(ex.daemon_address);
        ex.connection = connection;
        changed = on_executors_changed_;
      }
    }
    if (finishing) {
      connection->Stop("the application finished");
      return;
    }
    Log()->info("executor {} on {} ready with {} cores", id, req.address().host(),
                connection->cores());
    if (changed) changed();
  });
  return grpc::Status::OK;
}

void ClusterBackend::LaunchTasks(const std::string& executor_id,
                                 std::shared_ptr<const v1::StagePlan> plan,
                                 std::vector<v1::TaskDescriptor> tasks) {
  std::shared_ptr<ExecutorClient> connection;
  {
    absl::MutexLock lock(&mu_);
    auto it = executors_.find(executor_id);
    if (it != executors_.end()) {
      connection = it->second.connection;
      for (const auto& task : tasks) it->second.running[task.task_id()] = task;
    }
  }
  if (connection == nullptr) {  // already lost: the tasks were not recorded as its own
    ResultCallback cb;
    {
      absl::MutexLock lock(&mu_);
      cb = on_result_;
    }
    if (!cb) return;
    for (const auto& task : tasks) cb(LostResult(task, executor_id, "it is gone"));
    return;
  }
  if (connection->Launch(plan, tasks)) return;
  // A gRPC stream that failed a write is closed for good: the executor is lost now, not
  // only once the connection's reader notices. Left registered, its free slots would take
  // the tasks the scheduler retries straight back, round after round (a killed executor
  // was sent hundreds of launches in a few milliseconds). Its running tasks, these
  // included, come back lost — exactly once, even if the reader got there first.
  OnExecutorLost(executor_id, "its task stream is closed");
}

void ClusterBackend::KillTask(const std::string& executor_id, const std::string& task_id,
                              const std::string& reason) {
  std::shared_ptr<ExecutorClient> connection;
  {
    absl::MutexLock lock(&mu_);
    auto it = executors_.find(executor_id);
    if (it == executors_.end() || !it->second.running.contains(task_id)) return;
    connection = it->second.connection;
  }
  connection->KillTask(task_id, reason);
}

void ClusterBackend::RemoveStage(int stage_id) {
  std::vector<std::shared_ptr<ExecutorClient>> connections;
  {
    absl::MutexLock lock(&mu_);
    for (auto& [id, ex] : executors_) connections.push_back(ex.connection);
  }
  for (auto& c : connections) c->RemoveStage(stage_id);
}

void ClusterBackend::RemoveBroadcast(int64_t broadcast_id) {
  std::vector<std::shared_ptr<ExecutorClient>> connections;
  {
    absl::MutexLock lock(&mu_);
    for (auto& [id, ex] : executors_) connections.push_back(ex.connection);
  }
  // Executors that register later never had it; if one asks, the driver refuses by id.
  for (auto& c : connections) c->RemoveBroadcasts({broadcast_id});
}

void ClusterBackend::RemoveCachedRdd(int rdd_id) {
  std::vector<std::shared_ptr<ExecutorClient>> connections;
  {
    absl::MutexLock lock(&mu_);
    for (auto& [id, ex] : executors_) connections.push_back(ex.connection);
  }
  for (auto& c : connections) c->RemoveRdd(rdd_id);
}

void ClusterBackend::RemoveShuffle(int shuffle_id) {
  std::vector<std::string> daemons;
  {
    absl::MutexLock lock(&mu_);
    if (shut_down_) return;
    daemons.assign(daemons_.begin(), daemons_.end());
  }
  cleanup_->Schedule([this, shuffle_id, daemons = std::move(daemons)] {
    for (const std::string& address : daemons) {
      std::shared_ptr<grpc::Channel>& channel = cleanup_channels_[address];
      if (channel == nullptr) channel = secret_->Connect(address);
      v1::RemoveShuffleRequest request;
      request.set_app_id(app_id_);
      request.set_shuffle_id(shuffle_id);
      v1::RemoveShuffleResponse response;
      grpc::ClientContext context;
      context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
      grpc::Status s =
          v1::ShuffleService::NewStub(channel)->RemoveShuffle(&context, request, &response);
      if (s.ok()) {
        Log()->debug("shuffle {} removed on {}: {} files, {} bytes", shuffle_id, address,
                     response.files_removed(), response.bytes_freed());
      } else {
        // The files then go with the application's directory when the daemon cleans it.
        Log()->warn("cannot remove shuffle {} on daemon {}: {}", shuffle_id, address,
                    s.error_message());
      }
    }
  });
}

void ClusterBackend::OnTaskUpdate(const std::string& executor_id, v1::TaskResult result) {
  if (result.state() == v1::TASK_STATE_RUNNING) return;
  ResultCallback cb;
  std::shared_ptr<ExecutorClient> connection;
  {
    absl::MutexLock lock(&mu_);
    auto it = executors_.find(executor_id);
    if (it != executors_.end()) {
      it->second.running.erase(result.task_id());
      connection = it->second.connection;
    }
    cb = on_result_;
  }
  if (!result.result_block_id().empty()) {
    absl::StatusOr<std::string> value =
        connection ? connection->FetchResult(result.result_block_id())
                   : absl::UnavailableError("executor " + executor_id + " is gone");
    if (value.ok()) {
      result.set_value(*std::move(value));
    } else {
      // The result is lost with its executor: run the task again.
      result.set_state(v1::TASK_STATE_KILLED);
      result.set_error_message(std::string(value.status().message()));
    }
  }
  if (cb) cb(std::move(result));
}

void ClusterBackend::OnExecutorLost(const std::string& executor_id, const std::string& reason) {
  std::vector<v1::TaskDescriptor> lost;
  ResultCallback cb;
  std::function<void()> changed;
  std::shared_ptr<ExecutorClient> connection;
  {
    absl::MutexLock lock(&mu_);
    auto it = executors_.find(executor_id);
    if (it == executors_.end()) return;
    for (auto& [task_id, task] : it->second.running) lost.push_back(task);
    connection = std::move(it->second.connection);
    executors_.erase(it);
    cb = on_result_;
    changed = on_executors_changed_;
  }
  Log()->warn("executor {} lost ({}); {} running tasks will run again", executor_id, reason,
              lost.size());
  for (const v1::TaskDescriptor& task : lost) {
    if (cb) cb(LostResult(task, executor_id, reason));
  }
  if (changed) changed();
}

void ClusterBackend::AllocationLoop(AllocationPolicy policy) {
  while (!stop_allocation_.WaitForNotificationWithTimeout(absl::Milliseconds(200))) {
    std::vector<AllocationPolicy::ExecutorLoad> loads;
    {
      absl::MutexLock lock(&mu_);
      for (const auto& [id, ex] : executors_) {
        loads.push_back({id, static_cast<int>(ex.running.size())});
      }
    }
    AllocationPolicy::Decision d = policy.Observe(absl::Now(), waiting_tasks_, loads);
    if (!d.release.empty()) {
      Log()->info("dynamic allocation: releasing {} idle executors", d.release.size());
      absl::Status s = manager_->KillExecutors(d.release, "idle (dynamic allocation)");
      if (!s.ok()) Log()->warn("{}", std::string(s.message()));
    } else if (d.request_total) {
      Log()->info("dynamic allocation: {} tasks waiting; asking for {} executors",
                  waiting_tasks_.load(), *d.request_total);
      absl::Status s = manager_->RequestExecutors(*d.request_total);
      if (!s.ok()) Log()->warn("{}", std::string(s.message()));
    }
  }
}

void ClusterBackend::OnManagerEvent(const v1::ApplicationEvent& event) {
  if (event.has_executor_added()) {
    Log()->info("cluster manager granted executor {} on {}", event.executor_added().executor_id(),
                event.executor_added().host());
  } else if (event.has_executor_removed()) {
    const auto& r = event.executor_removed();
    Log()->warn("cluster manager: executor {} removed: {}", r.executor_id(), r.message());
    OnExecutorLost(r.executor_id(), r.message().empty() ? "removed by the manager" : r.message());
  } else if (event.has_daemon_removed()) {
    Log()->warn("cluster manager: executor daemon {} on {} lost: {}",
                event.daemon_removed().daemon_id(), event.daemon_removed().host(),
                event.daemon_removed().reason());
    std::function<void(std::string)> lost;
    {
      absl::MutexLock lock(&mu_);
      lost = on_shuffle_server_lost_;
    }
    if (lost) lost(event.daemon_removed().daemon_address());
  } else if (event.has_application_removed()) {
    std::function<void(absl::Status)> ended;
    {
      absl::MutexLock lock(&mu_);
      ended = on_app_ended_;
    }
    const std::string why = event.application_removed().reason();
    Log()->error("the cluster manager ended application {}: {}", app_id_, why);
    if (ended) {
      ended(absl::AbortedError(
          absl::StrCat("the cluster manager ended application ", app_id_, ": ", why)));
    }
  } else if (event.has_manager_changed()) {
    Log()->info("cluster manager incarnation {}", event.manager_changed().manager_incarnation());
  }
}

}  // namespace centella

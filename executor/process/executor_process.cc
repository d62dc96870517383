#include "executor/process/executor_process.h"

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "common/auth/shared_secret.h"
#include "common/logging/logger.h"
#include "common/rpc/rpc_server.h"
#include "common/status/grpc_status.h"
#include "common/thread_pool/thread_pool.h"
#include "driver.grpc.pb.h"
#include "engine/memory/memory_budget.h"
#include "engine/shuffle/remote_shuffle_fetcher.h"
#include "engine/shuffle/shuffle_store.h"
#include "engine/storage/block_manager.h"
#include "engine/task/task_runner.h"
#include "executor/process/broadcast_cache.h"
#include "executor/process/executor_service.h"
#include "executor/process/grpc_broadcast_fetcher.h"

namespace centella {
namespace {

std::shared_ptr<spdlog::logger> Log() {
  static auto logger = GetLogger("executor");
  return logger;
}

// Registers with the driver, retrying while it is not yet reachable.
absl::StatusOr<v1::RegisterExecutorResponse> Register(v1::Driver::Stub& driver,
                                                      const ExecutorProcessOptions& o,
                                                      const std::string& address) {
  v1::RegisterExecutorRequest req;
  req.set_protocol_version(v1::PROTOCOL_VERSION_CURRENT);
  req.set_app_id(o.app_id);
  req.mutable_address()->set_executor_id(o.executor_id);
  req.mutable_address()->set_host(o.host);
  req.mutable_address()->set_executor_address(address);
  req.mutable_address()->set_daemon_address(o.daemon_address);
  req.mutable_resources()->set_cores(o.cores);
  req.mutable_resources()->set_memory_bytes(o.memory_bytes);
  req.set_pid(::getpid());
  absl::Time deadline = absl::Now() + o.driver_timeout;
  while (true) {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
    v1::RegisterExecutorResponse resp;
    grpc::Status s = driver.RegisterExecutor(&ctx, req, &resp);
    if (s.ok()) return resp;
    if (s.error_code() != grpc::StatusCode::UNAVAILABLE || absl::Now() > deadline) {
      return absl::Status(
          FromGrpcStatus(s).code(),
          absl::StrCat("driver ", o.driver_address, " refused registration: ", s.error_message()));
    }
    absl::SleepFor(absl::Milliseconds(200));
  }
}

}  // namespace

absl::Status RunExecutorProcess(const ExecutorProcessOptions& o) {
  absl::StatusOr<SharedSecret> secret = SharedSecret::Load(o.secret_file, o.insecure, "executor");
  if (!secret.ok()) return secret.status();
  absl::StatusOr<std::string> codec_name =
      o.conf.GetString("centella.shuffle.compress.codec", "lz4");
  if (!codec_name.ok()) return codec_name.status();
  absl::StatusOr<BlockCodec> codec = ParseBlockCodec(*codec_name);
  if (!codec.ok()) return codec.status();

  // The channel connects lazily; registration below is the first call on it.
  auto driver = v1::Driver::NewStub(secret->Connect(o.driver_address));
  ShuffleStore store(o.shuffle_dir, *codec);
  RemoteShuffleFetcher fetcher(o.app_id, o.executor_id, o.daemon_address, &store, &*secret);
  GrpcBroadcastFetcher broadcast_fetcher(driver.get(), o.app_id, o.executor_id);
  BroadcastCache broadcasts(&broadcast_fetcher);
  TaskRunner runner(&store, &fetcher, &broadcasts, o.executor_id, o.host, o.daemon_address);
  absl::StatusOr<MemoryBudgets> budgets = MemoryBudgetFromConf(o.conf, o.memory_bytes);
  if (!budgets.ok()) return budgets.status();
  MemoryManager memory(budgets->execution);
  BlockManager blocks(budgets->storage, absl::StrCat(o.shuffle_dir, "/blocks-", o.executor_id));
  runner.SetBlockManager(&blocks);
  // Spills live next to the shuffle files, in the daemon's per-application directory, which
  // the daemon deletes when the application ends.
  const std::string spill_dir = absl::StrCat(o.shuffle_dir, "/spill-", o.executor_id);
  std::error_code ec;
  std::filesystem::create_directories(spill_dir, ec);
  if (ec) return absl::InternalError(absl::StrCat("cannot create ", spill_dir, ": ", ec.message()));
  runner.SetMemory(&memory, spill_dir);
  ThreadPool pool(o.cores, "task");
  ExecutorService service(o.app_id, o.executor_id, o.cores, &*secret, &runner, &pool, &broadcasts);
  absl::StatusOr<int64_t> max_inline =
      o.conf.GetBytes("centella.task.maxInlineResultBytes", 1 << 20);
  if (!max_inline.ok()) return max_inline.status();
  service.set_max_inline_result_bytes(*max_inline);
  service.set_block_manager(&blocks);

  RpcServerOptions server_options;
  server_options.advertise_host = o.host;
  server_options.component = "executor";
  absl::StatusOr<std::unique_ptr<RpcServer>> server = RpcServer::Start(server_options, {&service});
  if (!server.ok()) return server.status();

  absl::StatusOr<v1::RegisterExecutorResponse> reg = Register(*driver, o, (*server)->address());
  if (!reg.ok()) return reg.status();
  Log()->info("executor {} of {} registered with driver {}", o.executor_id, o.app_id,
              o.driver_address);

  // Heartbeats: the driver's liveness check of this executor, and ours of the driver.
  absl::Duration interval =
      absl::Milliseconds(reg->heartbeat_interval_ms() > 0 ? reg->heartbeat_interval_ms() : 1000);
  std::atomic<bool> driver_lost{false};
  absl::Notification stop_heartbeats;
  std::thread heartbeats([&] {
    absl::Time last_ok = absl::Now();
    while (!stop_heartbeats.WaitForNotificationWithTimeout(interval)) {
      grpc::ClientContext ctx;
      ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
      v1::ExecutorHeartbeatRequest req;
      req.set_app_id(o.app_id);
      req.set_executor_id(o.executor_id);
      v1::ExecutorHeartbeatResponse resp;
      if (driver->ExecutorHeartbeat(&ctx, req, &resp).ok()) {
        last_ok = absl::Now();
      } else if (absl::Now() - last_ok > o.driver_timeout) {
        driver_lost = true;
        service.Abandon();
        return;
      }
    }
  });

  bool clean = service.WaitForEnd();
  stop_heartbeats.Notify();
  heartbeats.join();
  (*server)->Shutdown(absl::Seconds(1));
  pool.Shutdown();
  if (driver_lost) {
    return absl::UnavailableError(absl::StrCat("driver ", o.driver_address, " unreachable for ",
                                               absl::FormatDuration(o.driver_timeout)));
  }
  if (!clean) return absl::UnavailableError("the driver closed the task stream");
  return absl::OkStatus();
}

void RunExecutorProcessAndExit() {
  absl::StatusOr<ExecutorProcessOptions> options = ExecutorProcessOptions::FromEnvironment();
  absl::Status s = options.ok() ? RunExecutorProcess(*options) : options.status();
  if (!s.ok()) Log()->error("executor exiting: {}", std::string(s.message()));
  spdlog::shutdown();
  // _exit: the job's static objects and gRPC's threads are not torn down; there is
  // nothing left to flush and orderly teardown of a half-connected gRPC stack can hang.
  ::_exit(s.ok() ? 0 : 1);
}

}  // namespace centella

// The manager over real gRPC on 127.0.0.1, port 0, with a shared secret, and an in-test
// ExecutorDaemon gRPC server that receives the manager's orders.
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "cluster-manager/cluster_manager_server.h"
#include "common/digest/content_hash.h"
#include "cluster_manager.grpc.pb.h"
#include "common/rpc/rpc_server.h"
#include "executor_daemon.grpc.pb.h"
#include "gtest/gtest.h"

namespace centella::cluster_manager {
namespace {

constexpr char kSecret[] = "test-secret";

// Records the orders a daemon receives. Authenticates like a real daemon.
class RecordingDaemon final : public v1::ExecutorDaemon::Service {
 public:
  explicit RecordingDaemon(const SharedSecret* secret) : secret_(secret) {}

  grpc::Status LaunchExecutor(grpc::ServerContext* ctx, const v1::LaunchExecutorRequest* req,
                              v1::LaunchExecutorResponse* resp) override {
    if (grpc::Status s = secret_->Check(*ctx); !s.ok()) return s;
    absl::MutexLock lock(&mu_);
    launches_.push_back(*req);
    resp->set_started(true);
    return grpc::Status::OK;
  }
  grpc::Status CleanupApplication(grpc::ServerContext* ctx,
                                  const v1::CleanupApplicationRequest* req,
                                  v1::CleanupApplicationResponse*) override {
    if (grpc::Status s = secret_->Check(*ctx); !s.ok()) return s;
    absl::MutexLock lock(&mu_);
    cleanups_.push_back(req->app_id());
    return grpc::Status::OK;
  }

  // Waits (bounded, real time: a real RPC is in flight) until `n` launches arrived.
  std::vector<v1::LaunchExecutorRequest> AwaitLaunches(size_t n) {
    absl::MutexLock lock(&mu_);
    auto enough = [this, n]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return launches_.size() >= n; };
    mu_.AwaitWithTimeout(absl::Condition(&enough), absl::Seconds(10));
    return launches_;
  }
  std::vector<std::string> AwaitCleanups(size_t n) {
    absl::MutexLock lock(&mu_);
    auto enough = [this, n]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return cleanups_.size() >= n; };
    mu_.AwaitWithTimeout(absl::Condition(&enough), absl::Seconds(10));
    return cleanups_;
  }

 private:
  const SharedSecret* secret_;
  absl::Mutex mu_;
  std::vector<v1::LaunchExecutorRequest> launches_ ABSL_GUARDED_BY(mu_);
  std::vector<std::string> cleanups_ ABSL_GUARDED_BY(mu_);
};

std::unique_ptr<grpc::ClientContext> Context() {
  auto ctx = std::make_unique<grpc::ClientContext>();
  ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  return ctx;
}

class GrpcTest : public ::testing::Test {
 protected:
  void SetUp() override {
    RpcServerOptions daemon_options;
    daemon_options.bind_host = "127.0.0.1";
    auto daemon_server = RpcServer::Start(daemon_options, {&daemon_});
    ASSERT_TRUE(daemon_server.ok()) << daemon_server.status();
    daemon_server_ = std::move(*daemon_server);

    ClusterManagerServerOptions options;
    options.rpc.bind_host = "127.0.0.1";
    options.rpc.port = 0;
    auto server = ClusterManagerServer::Start(options, SharedSecret::FromValue(kSecret));
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
    stub_ = v1::ClusterManager::NewStub(secret_.Connect(server_->address()));
  }

  // Uploads `bytes` in two chunks; returns the hash.
  std::string Upload(const std::string& bytes) {
    const std::string hash = ContentHashOf(bytes);
    v1::UploadBinaryResponse resp;
    auto ctx = Context();
    auto writer = stub_->UploadBinary(ctx.get(), &resp);
    v1::UploadBinaryRequest header;
    header.mutable_header()->set_content_hash(hash);
    header.mutable_header()->set_total_size(static_cast<int64_t>(bytes.size()));
    header.mutable_header()->set_name("job");
    EXPECT_TRUE(writer->Write(header));
    const size_t half = bytes.size() / 2;
    for (auto [offset, size] : {std::pair<size_t, size_t>{0, half},
                                std::pair<size_t, size_t>{half, bytes.size() - half}}) {
      v1::UploadBinaryRequest chunk;
      chunk.mutable_chunk()->set_offset(static_cast<int64_t>(offset));
      chunk.mutable_chunk()->set_data(bytes.substr(offset, size));
      EXPECT_TRUE(writer->Write(chunk));
    }
    writer->WritesDone();
    grpc::Status status = writer->Finish();
    EXPECT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(resp.size_bytes(), static_cast<int64_t>(bytes.size()));
    return hash;
  }

  SharedSecret secret_ = SharedSecret::FromValue(kSecret);
  RecordingDaemon daemon_{&secret_};
  std::unique_ptr<RpcServer> daemon_server_;
  std::unique_ptr<ClusterManagerServer> server_;
  std::unique_ptr<v1::ClusterManager::Stub> stub_;
};

TEST_F(GrpcTest, CallsWithoutTheSecretAreRefused) {
  for (const SharedSecret& wrong : {SharedSecret::Insecure(), SharedSecret::FromValue("guess")}) {
    auto stub = v1::ClusterManager::NewStub(wrong.Connect(server_->address()));
    v1::ListApplicationsResponse resp;
    auto ctx = Context();
    grpc::Status status = stub->ListApplications(ctx.get(), {}, &resp);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  }
  v1::ListApplicationsResponse resp;
  auto ctx = Context();
  EXPECT_TRUE(stub_->ListApplications(ctx.get(), {}, &resp).ok());
}

TEST_F(GrpcTest, DaemonAndApplicationOverRealGrpc) {
  const std::string hash = Upload("#!/bin/true\nthe job binary");
  {
    v1::StatBinaryRequest req;
    req.set_content_hash(hash);
    v1::StatBinaryResponse resp;
    auto ctx = Context();
    ASSERT_TRUE(stub_->StatBinary(ctx.get(), req, &resp).ok());
    EXPECT_TRUE(resp.present());
  }
  v1::RegisterDaemonRequest daemon;
  daemon.set_protocol_version(v1::PROTOCOL_VERSION_CURRENT);
  daemon.set_daemon_id("daemon-127.0.0.1-1");
  daemon.set_host("127.0.0.1");
  daemon.set_address(daemon_server_->address());
  daemon.mutable_resources()->set_cores(4);
  daemon.mutable_resources()->set_memory_bytes(int64_t{8} << 30);
  v1::RegisterDaemonResponse daemon_resp;
  {
    auto ctx = Context();
    grpc::Status s = stub_->RegisterDaemon(ctx.get(), daemon, &daemon_resp);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }
  EXPECT_EQ(daemon_resp.manager_incarnation(), server_->manager().incarnation());
  EXPECT_GT(daemon_resp.heartbeat_interval_ms(), 0);

  v1::RegisterApplicationRequest app;
  app.set_protocol_version(v1::PROTOCOL_VERSION_CURRENT);
  app.set_driver_address("127.0.0.1:4999");
  app.mutable_description()->set_name("grpc-test");
  app.mutable_description()->set_binary_hash(hash);
  app.mutable_description()->mutable_executor_resources()->set_cores(2);
  app.mutable_description()->mutable_executor_resources()->set_memory_bytes(int64_t{1} << 30);
  app.mutable_description()->set_max_total_cores(4);
  v1::RegisterApplicationResponse app_resp;
  {
    auto ctx = Context();
    grpc::Status s = stub_->RegisterApplication(ctx.get(), app, &app_resp);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }

  std::vector<v1::LaunchExecutorRequest> launches = daemon_.AwaitLaunches(2);
  ASSERT_EQ(launches.size(), 2u);
  EXPECT_EQ(launches[0].app_id(), app_resp.app_id());
  EXPECT_EQ(launches[0].binary_hash(), hash);
  EXPECT_EQ(launches[0].manager_incarnation(), daemon_resp.manager_incarnation());

  v1::WatchApplicationRequest watch;
  watch.set_app_id(app_resp.app_id());
  auto watch_ctx = Context();
  auto reader = stub_->WatchApplication(watch_ctx.get(), watch);
  v1::ApplicationEvent event;
  ASSERT_TRUE(reader->Read(&event));
  EXPECT_EQ(event.manager_changed().manager_incarnation(), app_resp.manager_incarnation());
  EXPECT_EQ(event.manager_changed().manager_address(), server_->address());
  ASSERT_TRUE(reader->Read(&event));
  EXPECT_EQ(event.executor_added().executor_id(), "0");
  EXPECT_EQ(event.executor_added().daemon_address(), daemon_server_->address());
  ASSERT_TRUE(reader->Read(&event));
  EXPECT_EQ(event.executor_added().executor_id(), "1");

  // A live event: the daemon reports executor 1 failed.
  v1::ExecutorStateChangedRequest failed;
  failed.set_daemon_id(daemon.daemon_id());
  failed.set_app_id(app_resp.app_id());
  failed.set_executor_id("1");
  failed.set_state(v1::EXECUTOR_STATE_FAILED);
  failed.set_signal(9);
  {
    v1::ExecutorStateChangedResponse resp;
    auto ctx = Context();
    ASSERT_TRUE(stub_->ExecutorStateChanged(ctx.get(), failed, &resp).ok());
  }
  ASSERT_TRUE(reader->Read(&event));
  EXPECT_EQ(event.executor_removed().executor_id(), "1");
  EXPECT_EQ(event.executor_removed().signal(), 9);
  ASSERT_TRUE(reader->Read(&event));
  EXPECT_EQ(event.executor_added().executor_id(), "2");  // replacement

  v1::UnregisterApplicationRequest done;
  done.set_app_id(app_resp.app_id());
  done.set_final_state(v1::APPLICATION_STATE_FINISHED);
  {
    v1::UnregisterApplicationResponse resp;
    auto ctx = Context();
    ASSERT_TRUE(stub_->UnregisterApplication(ctx.get(), done, &resp).ok());
  }
  // Its executors are reported killed, then the application removed.
  std::vector<std::string> killed;
  while (reader->Read(&event) && event.has_executor_removed()) {
    EXPECT_EQ(event.executor_removed().state(), v1::EXECUTOR_STATE_KILLED);
    killed.push_back(event.executor_removed().executor_id());
  }
  EXPECT_EQ(killed, (std::vector<std::string>{"0", "2"}));
  EXPECT_EQ(event.application_removed().state(), v1::APPLICATION_STATE_FINISHED);
  EXPECT_FALSE(reader->Read(&event)) << "the stream ends with the application";
  EXPECT_TRUE(reader->Finish().ok());
  EXPECT_EQ(daemon_.AwaitCleanups(1).front(), app_resp.app_id());

  // Errors keep their codes across the wire.
  v1::WatchApplicationRequest unknown;
  unknown.set_app_id("app-nope");
  auto ctx = Context();
  auto bad = stub_->WatchApplication(ctx.get(), unknown);
  EXPECT_FALSE(bad->Read(&event));
  EXPECT_EQ(bad->Finish().error_code(), grpc::StatusCode::NOT_FOUND);
}

TEST_F(GrpcTest, UploadWithAWrongHashIsRejected) {
  v1::UploadBinaryResponse resp;
  auto ctx = Context();
  auto writer = stub_->UploadBinary(ctx.get(), &resp);
  v1::UploadBinaryRequest header;
  header.mutable_header()->set_content_hash(ContentHashOf("claimed"));
  header.mutable_header()->set_total_size(6);
  writer->Write(header);
  v1::UploadBinaryRequest chunk;
  chunk.mutable_chunk()->set_data("actual");
  writer->Write(chunk);
  writer->WritesDone();
  EXPECT_EQ(writer->Finish().error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(GrpcTest, ShutdownEndsOpenWatchStreams) {
  // An application with no daemon: the stream stays open with nothing to say until the
  // manager shuts down.
  const std::string hash = Upload("bytes");
  v1::RegisterApplicationRequest app;
  app.set_protocol_version(v1::PROTOCOL_VERSION_CURRENT);
  app.set_driver_address("127.0.0.1:4999");
  app.mutable_description()->set_binary_hash(hash);
  v1::RegisterApplicationResponse app_resp;
  auto ctx = Context();
  ASSERT_TRUE(stub_->RegisterApplication(ctx.get(), app, &app_resp).ok());
  v1::WatchApplicationRequest watch;
  watch.set_app_id(app_resp.app_id());
  auto watch_ctx = Context();
  auto reader = stub_->WatchApplication(watch_ctx.get(), watch);
  v1::ApplicationEvent event;
  ASSERT_TRUE(reader->Read(&event));
  EXPECT_TRUE(event.has_manager_changed());
  server_->Shutdown();
  EXPECT_FALSE(reader->Read(&event));
}

}  // namespace
}  // namespace centella::cluster_manager

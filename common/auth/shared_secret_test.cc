// Authentication over a real gRPC server on a loopback port.
#include "common/auth/shared_secret.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "common/rpc/rpc_server.h"
#include "grpcpp/server_builder.h"
#include "grpcpp/server_posix.h"
#include "gtest/gtest.h"
#include "shuffle.grpc.pb.h"

namespace centella {
namespace {

// A service whose one method answers only authenticated callers.
class GuardedService : public v1::ShuffleService::Service {
 public:
  explicit GuardedService(const SharedSecret* secret) : secret_(secret) {}
  grpc::Status GetShuffleStatus(grpc::ServerContext* ctx, const v1::GetShuffleStatusRequest*,
                                v1::GetShuffleStatusResponse* resp) override {
    if (grpc::Status s = secret_->Check(*ctx); !s.ok()) return s;
    resp->set_total_bytes(42);
    return grpc::Status::OK;
  }

 private:
  const SharedSecret* secret_;
};

grpc::Status Call(const std::shared_ptr<grpc::Channel>& channel) {
  auto stub = v1::ShuffleService::NewStub(channel);
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  v1::GetShuffleStatusRequest req;
  v1::GetShuffleStatusResponse resp;
  grpc::Status s = stub->GetShuffleStatus(&ctx, req, &resp);
  if (s.ok()) {
    EXPECT_EQ(resp.total_bytes(), 42);
  }
  return s;
}

TEST(SharedSecretTest, OnlyCallsCarryingTheSecretAreServed) {
  SharedSecret server_secret = SharedSecret::FromValue("s3cret");
  GuardedService service(&server_secret);
  RpcServerOptions options;
  options.bind_host = "127.0.0.1";
  auto server = RpcServer::Start(options, {&service});
  ASSERT_TRUE(server.ok()) << server.status();
  const std::string address = (*server)->address();
  EXPECT_GT((*server)->port(), 0);

  EXPECT_TRUE(Call(SharedSecret::FromValue("s3cret").Connect(address)).ok());

  grpc::Status wrong = Call(SharedSecret::FromValue("guess").Connect(address));
  EXPECT_EQ(wrong.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(wrong.error_message(), "wrong shared secret");

  grpc::Status none = Call(SharedSecret::Insecure().Connect(address));
  EXPECT_EQ(none.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_NE(none.error_message().find("no shared secret"), std::string::npos);
}

TEST(SharedSecretTest, InsecureServersServeEveryone) {
  SharedSecret off = SharedSecret::Insecure();
  GuardedService service(&off);
  RpcServerOptions options;
  options.bind_host = "127.0.0.1";
  auto server = RpcServer::Start(options, {&service});
  ASSERT_TRUE(server.ok());
  EXPECT_TRUE(Call(SharedSecret::Insecure().Connect((*server)->address())).ok());
}

// A live server that completes a new connection's HTTP/2 handshake late (a loaded machine,
// a descheduled process) is reached, not reported unavailable: a shuffle fetch that failed
// this way made the driver recompute every map output of a healthy daemon.
TEST(SharedSecretTest, ASlowHandshakeIsWaitedFor) {
  // The kernel completes the TCP handshake on this socket; nobody sends HTTP/2 SETTINGS
  // until the connection is accepted and handed to a gRPC server, 500 ms later.
  int listener = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ASSERT_GE(listener, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  ASSERT_EQ(::listen(listener, 8), 0);
  socklen_t len = sizeof(addr);
  ASSERT_EQ(::getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  const std::string address = "127.0.0.1:" + std::to_string(ntohs(addr.sin_port));

  SharedSecret off = SharedSecret::Insecure();
  GuardedService service(&off);
  grpc::ServerBuilder builder;
  builder.RegisterService(&service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  ASSERT_NE(server, nullptr);
  std::thread late([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    int fd = ::accept4(listener, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd >= 0) grpc::AddInsecureChannelFromFd(server.get(), fd);
  });
  grpc::Status s = Call(SharedSecret::Insecure().Connect(address));
  late.join();
  EXPECT_TRUE(s.ok()) << s.error_code() << ": " << s.error_message();
  server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(1));
  ::close(listener);
}

TEST(SharedSecretTest, LoadingNamesWhatIsWrong) {
  ::unsetenv(kSecretFileEnvVar);
  auto none = SharedSecret::Load("", false, "test");
  EXPECT_EQ(none.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(none.status().message().find("--secret-file"), absl::string_view::npos);
  EXPECT_TRUE(SharedSecret::Load("", true, "test")->insecure());

  auto missing = SharedSecret::Load("/nonexistent/secret", false, "test");
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(missing.status().message().find("/nonexistent/secret"), absl::string_view::npos);

  std::string path = ::testing::TempDir() + "/secret-" + std::to_string(::getpid());
  std::ofstream(path) << "  \n";
  std::filesystem::permissions(path, std::filesystem::perms::owner_read |
                                         std::filesystem::perms::owner_write);
  EXPECT_EQ(SharedSecret::Load(path, false, "test").status().code(),
            absl::StatusCode::kInvalidArgument);
  std::ofstream(path) << "abc123\n";
  auto loaded = SharedSecret::Load(path, false, "test");
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ(loaded->AuthorizationValue(), "Bearer abc123");
  ::setenv(kSecretFileEnvVar, path.c_str(), 1);
  EXPECT_EQ(SharedSecret::Load("", false, "test")->AuthorizationValue(), "Bearer abc123");
  ::unsetenv(kSecretFileEnvVar);
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace centella

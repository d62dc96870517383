// RpcServer on real loopback sockets: where it says it listens, and what it does when the
// port it is asked for is taken (bind_with_retries.h).
#include "common/rpc/rpc_server.h"

#include <chrono>
#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/rpc/held_ports.h"
#include "gmock/gmock.h"
#include "grpcpp/create_channel.h"
#include "gtest/gtest.h"
#include "shuffle.grpc.pb.h"

namespace centella {
namespace {

using ::testing::HasSubstr;

class AnsweringService : public v1::ShuffleService::Service {
 public:
  grpc::Status GetShuffleStatus(grpc::ServerContext*, const v1::GetShuffleStatusRequest*,
                                v1::GetShuffleStatusResponse* resp) override {
    resp->set_total_bytes(42);
    return grpc::Status::OK;
  }
};

// Whether a call to `address` reaches an AnsweringService.
bool Answers(const std::string& address) {
  auto stub =
      v1::ShuffleService::NewStub(grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  v1::GetShuffleStatusRequest req;
  v1::GetShuffleStatusResponse resp;
  return stub->GetShuffleStatus(&ctx, req, &resp).ok() && resp.total_bytes() == 42;
}

RpcServerOptions Loopback(int port, int max_retries) {
  RpcServerOptions options;
  options.bind_host = "127.0.0.1";
  options.port = port;
  options.port_max_retries = max_retries;
  options.component = "rpc-server-test";
  return options;
}

TEST(RpcServerTest, PortZeroListensOnAFreePortAndAdvertisesLoopback) {
  AnsweringService service;
  auto server = RpcServer::Start(Loopback(0, 0), {&service});
  ASSERT_TRUE(server.ok()) << server.status();
  EXPECT_GT((*server)->port(), 0);
  EXPECT_EQ((*server)->address(), absl::StrCat("127.0.0.1:", (*server)->port()));
  EXPECT_TRUE(Answers((*server)->address()));
}

TEST(RpcServerTest, TakenPortMovesToTheNextAndServesThere) {
  std::optional<HeldPorts> held = HeldPorts::Take(1);
  ASSERT_TRUE(held.has_value());
  AnsweringService service;
  auto server = RpcServer::Start(Loopback(held->first(), 16), {&service});
  ASSERT_TRUE(server.ok()) << server.status();
  EXPECT_EQ((*server)->port(), held->first() + 1);
  EXPECT_EQ((*server)->address(), absl::StrCat("127.0.0.1:", held->first() + 1));
  // The service went through a failed server build first: it must still be served.
  EXPECT_TRUE(Answers((*server)->address()));
}

TEST(RpcServerTest, SeveralTakenPortsAreSkipped) {
  std::optional<HeldPorts> held = HeldPorts::Take(3);
  ASSERT_TRUE(held.has_value());
  AnsweringService service;
  auto server = RpcServer::Start(Loopback(held->first(), 3), {&service});
  ASSERT_TRUE(server.ok()) << server.status();
  EXPECT_EQ((*server)->port(), held->first() + 3);
  EXPECT_TRUE(Answers((*server)->address()));
}

TEST(RpcServerTest, ExhaustedRetriesAreUnavailableNamingThePorts) {
  std::optional<HeldPorts> held = HeldPorts::Take(3);
  ASSERT_TRUE(held.has_value());
  AnsweringService service;
  auto server = RpcServer::Start(Loopback(held->first(), 2), {&service});
  EXPECT_EQ(server.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(server.status().message(), HasSubstr("gRPC server on 127.0.0.1"));
  EXPECT_THAT(server.status().message(),
              HasSubstr(absl::StrCat("ports ", held->first(), "-", held->first() + 2)));
}

TEST(RpcServerTest, NoRetriesRefusesATakenPort) {
  AnsweringService service;
  auto first = RpcServer::Start(Loopback(0, 0), {&service});
  ASSERT_TRUE(first.ok()) << first.status();
  // Another RpcServer, not just a plain socket: gRPC must not share the port through
  // SO_REUSEPORT.
  auto second = RpcServer::Start(Loopback((*first)->port(), 0), {});
  EXPECT_EQ(second.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(second.status().message(), HasSubstr(absl::StrCat("port ", (*first)->port())));
}

TEST(RpcServerTest, BadPortIsInvalid) {
  EXPECT_EQ(RpcServer::Start(Loopback(70000, 0), {}).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace centella

// Keepalive over real sockets: a peer that goes silent without closing anything (what a
// link going down looks like from the other end) fails the calls in flight within
// seconds. The silence is made by a TCP relay between client and server that stops
// moving bytes while keeping both connections open.
#include "common/rpc/keepalive.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "common/auth/shared_secret.h"
#include "common/rpc/rpc_server.h"
#include "gtest/gtest.h"
#include "shuffle.grpc.pb.h"

namespace centella {
namespace {

// FetchBlocks answers with one chunk, then holds the stream open until the call ends:
// a long transfer in progress.
class HangingShuffleService : public v1::ShuffleService::Service {
 public:
  grpc::Status FetchBlocks(grpc::ServerContext* ctx, const v1::FetchBlocksRequest*,
                           grpc::ServerWriter<v1::FetchBlocksResponse>* writer) override {
    v1::FetchBlocksResponse chunk;
    chunk.set_data("first bytes");
    writer->Write(chunk);
    while (!ctx->IsCancelled()) absl::SleepFor(absl::Milliseconds(20));
    return grpc::Status::CANCELLED;
  }
};

// Relays one TCP connection from a loopback port to `target_port`. Silence() stops
// relaying in both directions while both sockets stay open: neither end sees an error,
// nothing it sends arrives.
class SilenceableRelay {
 public:
  explicit SilenceableRelay(int target_port) : target_port_(target_port) {
    listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    socklen_t len = sizeof(addr);
    if (::bind(listener_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
        ::listen(listener_, 4) == 0 &&
        ::getsockname(listener_, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
      port_ = ntohs(addr.sin_port);
    }
    thread_ = std::thread([this] { Run(); });
  }

  ~SilenceableRelay() {
    stop_ = true;
    thread_.join();
    for (int fd : {listener_, client_, server_}) {
      if (fd >= 0) ::close(fd);
    }
  }

  int port() const { return port_; }
  void Silence() { silent_ = true; }

 private:
  void Run() {
    while (!stop_) {
      pollfd fds[3] = {{listener_, POLLIN, 0}, {client_, POLLIN, 0}, {server_, POLLIN, 0}};
      // Silent: stop reading (bytes pile up in the kernel buffers, unanswered).
      const int n = silent_ ? 1 : 3;
      if (::poll(fds, n, 20) <= 0) continue;
      if ((fds[0].revents & POLLIN) != 0 && client_ < 0) Accept();
      if (n == 3) {
        if ((fds[1].revents & (POLLIN | POLLHUP)) != 0) Pump(client_, server_);
        if ((fds[2].revents & (POLLIN | POLLHUP)) != 0) Pump(server_, client_);
      }
    }
  }

  void Accept() {
    client_ = ::accept(listener_, nullptr, nullptr);
    server_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<uint16_t>(target_port_));
    if (::connect(server_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
      ADD_FAILURE() << "the relay cannot reach the server";
    }
  }

  static void Pump(int from, int to) {
    char buffer[16384];
    const ssize_t got = ::read(from, buffer, sizeof(buffer));
    for (ssize_t sent = 0; got > 0 && sent < got;) {
      const ssize_t w = ::write(to, buffer + sent, static_cast<size_t>(got - sent));
      if (w <= 0) return;
      sent += w;
    }
  }

  const int target_port_;
  int port_ = 0;
  int listener_ = -1;
  int client_ = -1;
  int server_ = -1;
  std::atomic<bool> silent_{false};
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

TEST(KeepaliveTest, StreamToAPeerThatWentSilentFailsWithinSeconds) {
  HangingShuffleService service;
  RpcServerOptions options;
  options.bind_host = "127.0.0.1";
  auto server = RpcServer::Start(options, {&service});
  ASSERT_TRUE(server.ok()) << server.status();
  SilenceableRelay relay((*server)->port());
  ASSERT_GT(relay.port(), 0);

  auto stub = v1::ShuffleService::NewStub(
      SharedSecret::Insecure().Connect(absl::StrCat("127.0.0.1:", relay.port())));
  grpc::ClientContext ctx;
  // The deadline a shuffle fetch has: far longer than the test may take.
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::minutes(5));
  auto reader = stub->FetchBlocks(&ctx, v1::FetchBlocksRequest());
  v1::FetchBlocksResponse chunk;
  ASSERT_TRUE(reader->Read(&chunk));
  EXPECT_EQ(chunk.data(), "first bytes");

  relay.Silence();
  const absl::Time silenced = absl::Now();
  EXPECT_FALSE(reader->Read(&chunk));
  const grpc::Status status = reader->Finish();
  const absl::Duration took = absl::Now() - silenced;
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE) << status.error_message();
  // A ping goes out after at most kKeepaliveTime of silence and is given up on after
  // kKeepaliveTimeout; the rest is slack for a loaded machine.
  EXPECT_LT(took, kKeepaliveTime + kKeepaliveTimeout + absl::Seconds(3)) << took;
}

}  // namespace
}  // namespace centella

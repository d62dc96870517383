// socket_text_stream against a real TCP server in the test: lines become records and a
// word count over them is exact; a server that comes up after the stream is picked up;
// with a stream checkpoint a batch that failed after its output runs again, after a
// restart, with exactly the lines it had received (they were logged before it ran).
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "driver/streaming/streaming_test_fixture.h"

namespace centella {
namespace {

// A TCP server on 127.0.0.1 that sends each pushed line to the connected client.
class LineServer {
 public:
  explicit LineServer(int port = 0) {
    listen_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    ::setsockopt(listen_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<uint16_t>(port));
    EXPECT_EQ(::bind(listen_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
    EXPECT_EQ(::listen(listen_, 4), 0);
    socklen_t len = sizeof(addr);
    ::getsockname(listen_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
  }
  ~LineServer() {
    if (client_ >= 0) ::close(client_);
    ::close(listen_);
  }
  int port() const { return port_; }
  // Waits for the receiver to connect, then sends `lines`.
  void Send(const std::vector<std::string>& lines) {
    if (client_ < 0) client_ = ::accept4(listen_, nullptr, nullptr, SOCK_CLOEXEC);
    std::string data;
    for (const std::string& l : lines) absl::StrAppend(&data, l, "\r\n");
    ASSERT_EQ(::write(client_, data.data(), data.size()), static_cast<ssize_t>(data.size()));
  }

 private:
  int listen_ = -1;
  int client_ = -1;
  int port_ = 0;
};

using Counts = std::map<std::string, int64_t>;

// Every batch's counts, by batch id (a batch written again replaces itself).
class BatchSink {
 public:
  void Put(int64_t batch, const std::vector<std::pair<std::string, int64_t>>& counts) {
    absl::MutexLock lock(&mu_);
    batches_[batch] = Counts(counts.begin(), counts.end());
  }
  void Clear() {
    absl::MutexLock lock(&mu_);
    batches_.clear();
  }
  Counts Totals() const {
    absl::MutexLock lock(&mu_);
    Counts out;
    for (const auto& [id, c] : batches_) {
      for (const auto& [w, n] : c) out[w] += n;
    }
    return out;
  }

 private:
  mutable absl::Mutex mu_;
  std::map<int64_t, Counts> batches_;
};

class SocketTextStreamTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           absl::StrCat("socket-stream-", ::getpid(), "-",
                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::unique_ptr<Context> NewContext(bool checkpoint) {
    ContextOptions options;
    options.master = "local[2]";
    EXPECT_TRUE(options.conf.Set("centella.ui.showConsoleProgress", "false").ok());
    if (checkpoint) {
      EXPECT_TRUE(
          options.conf.Set("centella.streaming.checkpoint", (dir_ / "checkpoint").string()).ok());
    }
    auto ctx = Context::Create(std::move(options));
    EXPECT_TRUE(ctx.ok()) << ctx.status();
    return *std::move(ctx);
  }

  // The word count of `port`'s lines into `sink`; with `fail_once` the first batch with
  // records fails after its output was written.
  std::unique_ptr<StreamingContext> WordCount(Context& ctx, int port, BatchSink* sink,
                                              std::shared_ptr<std::atomic<bool>> fail_once) {
    auto ssc = StreamingContext::Create(ctx, absl::Milliseconds(100));
    EXPECT_TRUE(ssc.ok()) << ssc.status();
    (*ssc)
        ->socket_text_stream("127.0.0.1", port)
        .flat_map(SplitWords{})
        .map(One{})
        .reduce_by_key(Plus{})
        .foreach_batch([sink, fail_once](const Rdd<std::pair<std::string, int64_t>>& rdd,
                                         const BatchRef& batch) -> absl::Status {
          auto counts = rdd.collect();
          if (!counts.ok()) return counts.status();
          sink->Put(batch.id, *counts);
          if (!counts->empty() && fail_once && fail_once->exchange(false)) {
            return absl::InternalError("the driver died here");
          }
          return absl::OkStatus();
        });
    return *std::move(ssc);
  }

  bool Eventually(const std::function<bool()>& done) {
    for (absl::Time give_up = absl::Now() + absl::Seconds(20); absl::Now() < give_up;) {
      if (done()) return true;
      absl::SleepFor(absl::Milliseconds(20));
    }
    return done();
  }

  std::filesystem::path dir_;
};

TEST_F(SocketTextStreamTest, LinesFromTheServerAreCountedExactly) {
  auto ctx = NewContext(false);
  LineServer server;
  BatchSink sink;
  auto ssc = WordCount(*ctx, server.port(), &sink, nullptr);
  ASSERT_TRUE(ssc->start().ok());
  Counts expected;
  for (int round = 0; round < 5; ++round) {
    std::vector<std::string> lines;
    for (int i = 0; i < 200; ++i) {
      lines.push_back(absl::StrCat("w", (round * 200 + i) % 7, " x"));
      ++expected[absl::StrCat("w", (round * 200 + i) % 7)];
      ++expected["x"];
    }
    server.Send(lines);
    absl::SleepFor(absl::Milliseconds(70));
  }
  EXPECT_TRUE(Eventually([&] { return sink.Totals() == expected; }));
  ssc->stop();
  EXPECT_EQ(sink.Totals(), expected);
}

TEST_F(SocketTextStreamTest, AServerThatStartsLaterIsPickedUp) {
  auto ctx = NewContext(false);
  int port = 0;
  {
    LineServer probe;  // a free port, closed again
    port = probe.port();
  }
  BatchSink sink;
  auto ssc = WordCount(*ctx, port, &sink, nullptr);
  ASSERT_TRUE(ssc->start().ok());
  absl::SleepFor(absl::Milliseconds(300));  // batches run, nothing to read
  LineServer server(port);
  server.Send({"late comer", "late"});
  EXPECT_TRUE(Eventually([&] { return sink.Totals() == Counts{{"late", 2}, {"comer", 1}}; }));
  ssc->stop();
}

TEST_F(SocketTextStreamTest, ARerunBatchReadsTheLinesItHadReceived) {
  LineServer server;
  BatchSink sink;
  {
    auto ctx = NewContext(true);
    auto ssc = WordCount(*ctx, server.port(), &sink, std::make_shared<std::atomic<bool>>(true));
    ASSERT_TRUE(ssc->start().ok());
    server.Send({"a b", "a"});
    auto ended = ssc->await_termination_or_timeout(absl::Seconds(20));
    ASSERT_TRUE(ended.has_value()) << "the failing batch did not stop the stream";
  }
  // The lines were received once, by the batch that failed; the server is gone from the
  // restarted stream's point of view (it sends nothing more).
  EXPECT_EQ(sink.Totals(), (Counts{{"a", 2}, {"b", 1}}));
  sink.Clear();  // forget what the failed run wrote: the rerun must write it again
  auto ctx = NewContext(true);
  auto ssc = WordCount(*ctx, server.port(), &sink, nullptr);
  ASSERT_TRUE(ssc->start().ok());
  EXPECT_TRUE(Eventually([&] {
    return sink.Totals() == Counts{{"a", 2}, {"b", 1}};
  })) << "the re-run batch did not read the logged lines";
  ssc->stop();
}

TEST_F(SocketTextStreamTest, ABadPortIsRefusedAtStart) {
  auto ctx = NewContext(false);
  BatchSink sink;
  auto ssc = WordCount(*ctx, 70000, &sink, nullptr);
  absl::Status refused = ssc->start();
  EXPECT_EQ(refused.code(), absl::StatusCode::kInvalidArgument) << refused;
  EXPECT_NE(refused.message().find("70000"), std::string::npos) << refused;
}

}  // namespace
}  // namespace centella

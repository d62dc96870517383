// SocketTextReceiver: lines of text from a TCP server (Spark's socketTextStream) — each
// '\n'-terminated line (a trailing '\r' dropped) is one record.
//
// It connects to host:port from a thread of its own and reads until Stop(); when the
// connection cannot be made or ends, it logs why (naming host and port) and tries again
// every `retry` — a server started after the stream, or restarted, is picked up. A line
// longer than kMaxLine is cut there (logged once), so a peer that never sends '\n' cannot
// exhaust the driver's memory.
#ifndef CENTELLA_DRIVER_STREAMING_SOCKET_TEXT_RECEIVER_H_
#define CENTELLA_DRIVER_STREAMING_SOCKET_TEXT_RECEIVER_H_

#include <atomic>
#include <string>
#include <thread>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "driver/streaming/receiver.h"

namespace centella {

class SocketTextReceiver final : public Receiver<std::string> {
 public:
  static constexpr size_t kMaxLine = 1 << 20;

  SocketTextReceiver(std::string host, int port, absl::Duration retry = absl::Seconds(1))
      : host_(std::move(host)), port_(port), retry_(retry) {}
  ~SocketTextReceiver() override { Stop(); }

  std::string id() const override;
  absl::Status Start(Store store) override;
  void Stop() override;

 private:
  void Run(Store store);
  // Reads lines from a connected socket until it closes or Stop() is called.
  void ReadLines(int fd, const Store& store);

  const std::string host_;
  const int port_;
  const absl::Duration retry_;
  std::atomic<bool> stopping_{false};
  absl::Mutex mu_;
  int fd_ ABSL_GUARDED_BY(mu_) = -1;  // the open connection, shut down by Stop()
  std::thread thread_;
};

}  // namespace centella

#endif  // CENTELLA_DRIVER_STREAMING_SOCKET_TEXT_RECEIVER_H_

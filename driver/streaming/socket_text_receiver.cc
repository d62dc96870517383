#include "driver/streaming/socket_text_receiver.h"

#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/logging/logger.h"
#include "driver/streaming/dstream.h"

namespace centella {
namespace {

std::shared_ptr<spdlog::logger> Log() { return GetLogger("socket-receiver"); }

// A connected TCP socket to host:port, or -1 with `error` set.
int Connect(const std::string& host, int port, std::string* error) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  const std::string service = absl::StrCat(port);
  if (int rc = ::getaddrinfo(host.c_str(), service.c_str(), &hints, &found); rc != 0) {
    *error = gai_strerror(rc);
    return -1;
  }
  int fd = -1;
  for (addrinfo* a = found; a != nullptr && fd < 0; a = a->ai_next) {
    fd = ::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) continue;
    if (::connect(fd, a->ai_addr, a->ai_addrlen) != 0) {
      *error = std::strerror(errno);
      ::close(fd);
      fd = -1;
    }
  }
  ::freeaddrinfo(found);
  return fd;
}

}  // namespace

std::string SocketTextReceiver::id() const { return absl::StrCat("socket:", host_, ":", port_); }

absl::Status SocketTextReceiver::Start(Store store) {
  if (port_ <= 0 || port_ > 65535 || host_.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "socket_text_stream needs a host and a port in 1..65535, not '", host_, ":", port_, "'"));
  }
  stopping_ = false;
  thread_ = std::thread([this, store = std::move(store)] { Run(store); });
  return absl::OkStatus();
}

void SocketTextReceiver::Stop() {
  stopping_ = true;
  {
    absl::MutexLock lock(&mu_);
    if (fd_ >= 0) ::shutdown(fd_, SHUT_RDWR);  // wakes the blocked read
  }
  if (thread_.joinable()) thread_.join();
}

void SocketTextReceiver::Run(Store store) {
  bool warned = false;
  while (!stopping_) {
    std::string error;
    const int fd = Connect(host_, port_, &error);
    if (fd < 0) {
      if (!warned) {
        Log()->warn("cannot connect to {}:{} ({}); trying again every {}", host_, port_, error,
                    absl::FormatDuration(retry_));
        warned = true;
      }
    } else {
      Log()->info("receiving lines from {}:{}", host_, port_);
      warned = false;
      {
        absl::MutexLock lock(&mu_);
        fd_ = fd;
      }
      ReadLines(fd, store);
      {
        absl::MutexLock lock(&mu_);
        fd_ = -1;
      }
      ::close(fd);
      if (!stopping_) Log()->warn("{}:{} closed the connection; reconnecting", host_, port_);
    }
    // Sleeps in short steps so that Stop() returns promptly.
    for (absl::Time until = absl::Now() + retry_; !stopping_ && absl::Now() < until;) {
      absl::SleepFor(absl::Milliseconds(20));
    }
  }
}

void SocketTextReceiver::ReadLines(int fd, const Store& store) {
  std::string line;
  char buf[64 * 1024];
  bool cut = false;
  while (!stopping_) {
    const ssize_t n = ::read(fd, buf, sizeof(buf));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    for (ssize_t i = 0; i < n; ++i) {
      if (buf[i] == '\n') {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        store(std::move(line));
        line.clear();
      } else if (line.size() < kMaxLine) {
        line.push_back(buf[i]);
      } else if (!cut) {
        Log()->warn("a line from {}:{} is longer than {} bytes: cut there", host_, port_, kMaxLine);
        cut = true;
      }
    }
  }
}

DStream<std::string> StreamingContext::socket_text_stream(const std::string& host, int port) {
  return receiver_stream<std::string>(std::make_shared<SocketTextReceiver>(host, port));
}

}  // namespace centella

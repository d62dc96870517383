// HeldPorts (tests only): consecutive loopback ports taken by plain listening sockets, to
// see what a server does when the port it asks for is busy (bind_with_retries.h).
//
//   std::optional<HeldPorts> held = HeldPorts::Take(2);   // ports P and P+1, listening
//   options.port = held->first();                         // a server must move to P+2
//
// Take chooses P from the kernel's free ports and checks that P+count is free too, so
// that a test can expect exactly that port (another process may still take it in the
// meantime: rare, a flaky failure rather than a wrong pass). The sockets close with the
// object. Header-only so that the tests of common/http can use it as well.
#ifndef CENTELLA_COMMON_RPC_HELD_PORTS_H_
#define CENTELLA_COMMON_RPC_HELD_PORTS_H_

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <optional>
#include <utility>
#include <vector>

namespace centella {

class HeldPorts {
 public:
  // `count` consecutive listening ports on 127.0.0.1 followed by a free one; nullopt
  // when none were found after many tries.
  static std::optional<HeldPorts> Take(int count) {
    for (int attempt = 0; attempt < 200; ++attempt) {
      HeldPorts held;
      const int first = Listen(0, &held.fds_);
      if (first <= 0 || first + count > 65535) continue;
      held.first_ = first;
      bool all = true;
      for (int port = first + 1; all && port < first + count; ++port) {
        all = Listen(port, &held.fds_) == port;
      }
      if (all && IsFree(first + count)) return held;
    }
    return std::nullopt;
  }

  HeldPorts(HeldPorts&& other) noexcept
      : first_(other.first_), fds_(std::exchange(other.fds_, {})) {}
  HeldPorts& operator=(HeldPorts&& other) noexcept {
    std::swap(first_, other.first_);
    std::swap(fds_, other.fds_);
    return *this;
  }
  ~HeldPorts() {
    for (int fd : fds_) ::close(fd);
  }

  int first() const { return first_; }
  int count() const { return static_cast<int>(fds_.size()); }

  // Whether `port` on 127.0.0.1 can be bound right now.
  static bool IsFree(int port) {
    std::vector<int> fds;
    const bool free = Listen(port, &fds) == port;
    for (int fd : fds) ::close(fd);
    return free;
  }

 private:
  HeldPorts() = default;

  // Binds 127.0.0.1:port (0 = any) and listens; appends the socket to `fds` and returns
  // the bound port, or 0.
  static int Listen(int port, std::vector<int>* fds) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return 0;
    // As the servers do: a port with only TIME_WAIT connections left counts as free.
    int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(addr);
    if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 || ::listen(fd, 1) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      ::close(fd);
      return 0;
    }
    fds->push_back(fd);
    return ntohs(addr.sin_port);
  }

  int first_ = 0;
  std::vector<int> fds_;
};

}  // namespace centella

#endif  // CENTELLA_COMMON_RPC_HELD_PORTS_H_

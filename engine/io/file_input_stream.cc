#include "engine/io/file_input_stream.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace centella {

absl::StatusOr<std::unique_ptr<FileInputStream>> FileInputStream::Open(const std::string& path,
                                                                       uint64_t offset) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot open input file ", path, ": ", std::strerror(errno)));
  }
  // Input files are read once, front to back: let the kernel read ahead aggressively.
  ::posix_fadvise(fd, static_cast<off_t>(offset), 0, POSIX_FADV_SEQUENTIAL);
  return std::unique_ptr<FileInputStream>(new FileInputStream(path, fd, offset));
}

FileInputStream::~FileInputStream() { ::close(fd_); }

absl::StatusOr<size_t> FileInputStream::Read(char* buffer, size_t size) {
  ssize_t n;
  do {
    n = ::pread(fd_, buffer, size, static_cast<off_t>(position_));
  } while (n < 0 && errno == EINTR);
  if (n < 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot read input file ", path_, ": ", std::strerror(errno)));
  }
  position_ += static_cast<uint64_t>(n);
  return static_cast<size_t>(n);
}

}  // namespace centella

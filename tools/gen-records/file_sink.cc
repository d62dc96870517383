#include "tools/gen-records/file_sink.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace centella::gen_records {
namespace {

absl::Status ErrnoStatus(int error, std::string_view what, const std::string& path) {
  const std::string message =
      absl::StrCat(std::string(what), " ", path, ": ", std::strerror(error));
  switch (error) {
    case ENOENT:
    case ENOTDIR:
      return absl::NotFoundError(message);
    case EACCES:
    case EPERM:
    case EROFS:
      return absl::PermissionDeniedError(message);
    case ENOSPC:
    case EDQUOT:
    case EFBIG:
      return absl::ResourceExhaustedError(message);
    default:
      return absl::InternalError(message);
  }
}

}  // namespace

absl::StatusOr<FileSink> FileSink::Create(std::string path) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return ErrnoStatus(errno, "cannot open", path);
  return FileSink(std::move(path), fd);
}

FileSink::~FileSink() {
  if (fd_ >= 0) ::close(fd_);
}

absl::Status FileSink::Write(std::string_view data) {
  if (fd_ < 0) return absl::FailedPreconditionError(absl::StrCat(path_, " is closed"));
  while (!data.empty()) {
    const ssize_t n = ::write(fd_, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus(errno, "cannot write", path_);
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return absl::OkStatus();
}

absl::Status FileSink::Close() {
  if (fd_ < 0) return absl::OkStatus();
  const int result = ::close(std::exchange(fd_, -1));
  if (result != 0) return ErrnoStatus(errno, "cannot close", path_);
  return absl::OkStatus();
}

}  // namespace centella::gen_records

#include "tools/gen-records/file_sink.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "absl/strings/str_cat.h"
#include "common/storage/fd_io.h"

namespace centella::gen_records {

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
  return WriteFully(fd_, data, path_);
}

absl::Status FileSink::Close() {
  if (fd_ < 0) return absl::OkStatus();
  const int result = ::close(std::exchange(fd_, -1));
  if (result != 0) return ErrnoStatus(errno, "cannot close", path_);
  return absl::OkStatus();
}

}  // namespace centella::gen_records

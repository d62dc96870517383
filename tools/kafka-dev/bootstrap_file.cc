#include "tools/kafka-dev/bootstrap_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>

#include "absl/strings/str_cat.h"
#include "common/storage/fd_io.h"

namespace centella::kafka_dev {

absl::Status WriteBootstrapFile(const std::string& path, std::string_view bootstrap) {
  const std::string tmp = path + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return ErrnoStatus(errno, "cannot write bootstrap file", tmp);
  absl::Status s = WriteFully(fd, std::string(bootstrap) + "\n", tmp);
  if (::close(fd) != 0 && s.ok()) s = ErrnoStatus(errno, "cannot write bootstrap file", tmp);
  if (s.ok() && std::rename(tmp.c_str(), path.c_str()) != 0) {
    s = ErrnoStatus(errno, absl::StrCat("cannot rename ", tmp, " to bootstrap file"), path);
  }
  if (!s.ok()) ::unlink(tmp.c_str());
  return s;
}

}  // namespace centella::kafka_dev

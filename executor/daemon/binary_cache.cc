#include "executor/daemon/binary_cache.h"

#include "common/digest/content_hash.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <memory>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "common/logging/logger.h"

namespace centella {
namespace {

absl::Status ErrnoStatus(std::string_view what, const std::string& path) {
  return absl::InternalError(
      absl::StrCat(std::string(what), " ", path, ": ", std::strerror(errno)));
}

}  // namespace

BinaryCache::BinaryCache(std::string dir, ManagerClient* manager)
    : dir_(std::move(dir)), manager_(manager) {}

std::string BinaryCache::ContentHash(std::string_view bytes) {
  return ContentHashOf(bytes);
}

absl::StatusOr<std::string> BinaryCache::Get(const std::string& content_hash) {
  absl::StatusOr<std::string> hex = ContentHashHex(content_hash);
  if (!hex.ok()) return hex.status();
  std::string path = absl::StrCat(dir_, "/", *hex);
  absl::MutexLock lock(&mu_);
  if (::access(path.c_str(), X_OK) == 0) return path;
  return Fetch(content_hash, *hex, path);
}

absl::StatusOr<std::string> BinaryCache::Fetch(const std::string& content_hash,
                                               const std::string& hex, const std::string& path) {
  std::error_code ec;
  std::filesystem::create_directories(dir_, ec);
  if (ec) return absl::InternalError(absl::StrCat("cannot create ", dir_, ": ", ec.message()));
  std::string tmp = absl::StrCat(dir_, "/.", hex, ".tmp.", ::getpid());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0700);
  if (fd < 0) return ErrnoStatus("cannot create", tmp);
  ContentHasher sha;
  int64_t size = 0;
  absl::Status s = manager_->FetchBinary(content_hash, [&](std::string_view piece) {
    sha.Update(piece);
    size += static_cast<int64_t>(piece.size());
    while (!piece.empty()) {
      ssize_t n = ::write(fd, piece.data(), piece.size());
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return ErrnoStatus("cannot write", tmp);
      piece.remove_prefix(static_cast<size_t>(n));
    }
    return absl::OkStatus();
  });
  if (s.ok() && ::fchmod(fd, 0755) != 0) s = ErrnoStatus("cannot chmod", tmp);
  if (s.ok() && ::fsync(fd) != 0) s = ErrnoStatus("cannot sync", tmp);
  if (::close(fd) != 0 && s.ok()) s = ErrnoStatus("cannot close", tmp);
  if (s.ok()) {
    std::string actual = sha.Finish().substr(sizeof(kContentHashPrefix) - 1);
    if (actual != hex) {
      s = absl::DataLossError(absl::StrCat("binary ", content_hash, " fetched from the manager (",
                                           size, " bytes) hashes to sha256:", actual,
                                           "; refusing to run it"));
    }
  }
  if (s.ok() && ::rename(tmp.c_str(), path.c_str()) != 0) s = ErrnoStatus("cannot rename", tmp);
  if (!s.ok()) {
    ::unlink(tmp.c_str());
    return s;
  }
  GetLogger("executor-daemon")->info("cached binary {} ({} bytes) at {}", content_hash, size, path);
  return path;
}

}  // namespace centella

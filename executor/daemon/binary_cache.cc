#include "executor/daemon/binary_cache.h"

#include <fcntl.h>
#include <openssl/evp.h>
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

constexpr char kHashPrefix[] = "sha256:";
constexpr size_t kHexLength = 64;

struct EvpCtxDeleter {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};

// Incremental sha256, so a binary is hashed while it streams in, never held whole.
class Sha256 {
 public:
  Sha256() : ctx_(EVP_MD_CTX_new()) { EVP_DigestInit_ex(ctx_.get(), EVP_sha256(), nullptr); }
  void Update(std::string_view bytes) { EVP_DigestUpdate(ctx_.get(), bytes.data(), bytes.size()); }
  std::string HexDigest() {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    EVP_DigestFinal_ex(ctx_.get(), digest, &length);
    return absl::BytesToHexString(absl::string_view(reinterpret_cast<const char*>(digest), length));
  }

 private:
  std::unique_ptr<EVP_MD_CTX, EvpCtxDeleter> ctx_;
};

absl::Status ErrnoStatus(std::string_view what, const std::string& path) {
  return absl::InternalError(
      absl::StrCat(std::string(what), " ", path, ": ", std::strerror(errno)));
}

// The 64 lower-case hex digits of a "sha256:<hex>" hash. Checked strictly because the
// hex becomes a file name.
absl::StatusOr<std::string> HexOf(const std::string& content_hash) {
  std::string_view view(content_hash);
  if (view.substr(0, sizeof(kHashPrefix) - 1) != kHashPrefix ||
      view.size() != sizeof(kHashPrefix) - 1 + kHexLength) {
    return absl::InvalidArgumentError(absl::StrCat("binary hash \"", content_hash,
                                                   "\" is not of the form sha256:<64 hex digits>"));
  }
  std::string hex(view.substr(sizeof(kHashPrefix) - 1));
  for (char c : hex) {
    if (!absl::ascii_isxdigit(static_cast<unsigned char>(c))) {
      return absl::InvalidArgumentError(
          absl::StrCat("binary hash \"", content_hash, "\" has a non-hex digit"));
    }
  }
  return absl::AsciiStrToLower(hex);
}

}  // namespace

BinaryCache::BinaryCache(std::string dir, ManagerClient* manager)
    : dir_(std::move(dir)), manager_(manager) {}

std::string BinaryCache::ContentHash(std::string_view bytes) {
  Sha256 sha;
  sha.Update(bytes);
  return absl::StrCat(kHashPrefix, sha.HexDigest());
}

absl::StatusOr<std::string> BinaryCache::Get(const std::string& content_hash) {
  absl::StatusOr<std::string> hex = HexOf(content_hash);
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
  Sha256 sha;
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
    std::string actual = sha.HexDigest();
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

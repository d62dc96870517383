#include "cluster-manager/binary_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <random>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/logging/logger.h"
#include "common/status/status_macros.h"

namespace centella::cluster_manager {
namespace {

std::string ErrnoText() { return std::strerror(errno); }

// Hashes the whole file at `path`; NotFound if it does not exist.
absl::StatusOr<std::string> HashFile(const std::string& path, int64_t* size) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return absl::NotFoundError(absl::StrCat("no file ", path));
    return absl::InternalError(absl::StrCat("cannot open ", path, ": ", ErrnoText()));
  }
  ContentHasher hasher;
  std::vector<char> buffer(1 << 20);
  int64_t total = 0;
  while (true) {
    ssize_t n = ::read(fd, buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      std::string error = ErrnoText();
      ::close(fd);
      return absl::InternalError(absl::StrCat("cannot read ", path, ": ", error));
    }
    if (n == 0) break;
    hasher.Update(std::string_view(buffer.data(), static_cast<size_t>(n)));
    total += n;
  }
  ::close(fd);
  *size = total;
  return hasher.Finish();
}

}  // namespace

BinaryStore::Upload::Upload(BinaryStore* store, std::string hex, std::string declared_hash,
                            int64_t total_size, std::string temp_path, int fd)
    : store_(store),
      hex_(std::move(hex)),
      declared_hash_(std::move(declared_hash)),
      total_size_(total_size),
      temp_path_(std::move(temp_path)),
      fd_(fd) {}

BinaryStore::Upload::~Upload() {
  if (fd_ >= 0) ::close(fd_);
  if (!committed_) ::unlink(temp_path_.c_str());
}

absl::Status BinaryStore::Upload::Append(int64_t offset, std::string_view data) {
  if (offset != received_) {
    return absl::InvalidArgumentError(absl::StrCat(
        "upload of ", declared_hash_, ": chunk at offset ", offset, ", expected ", received_));
  }
  if (received_ + static_cast<int64_t>(data.size()) > total_size_) {
    return absl::InvalidArgumentError(
        absl::StrCat("upload of ", declared_hash_, ": more bytes than the declared ", total_size_));
  }
  size_t written = 0;
  while (written < data.size()) {
    ssize_t n = ::write(fd_, data.data() + written, data.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      return absl::InternalError(absl::StrCat("cannot write ", temp_path_, ": ", ErrnoText()));
    }
    written += static_cast<size_t>(n);
  }
  hasher_.Update(data);
  received_ += static_cast<int64_t>(data.size());
  return absl::OkStatus();
}

absl::Status BinaryStore::Upload::Commit() {
  if (received_ != total_size_) {
    return absl::InvalidArgumentError(absl::StrCat("upload of ", declared_hash_, " ended after ",
                                                   received_, " of ", total_size_, " bytes"));
  }
  const std::string actual = hasher_.Finish();
  if (actual != absl::StrCat(kContentHashPrefix, hex_)) {
    return absl::InvalidArgumentError(absl::StrCat("upload declared ", declared_hash_,
                                                   " but the received bytes hash to ", actual));
  }
  if (::fsync(fd_) != 0 || ::close(fd_) != 0) {
    fd_ = -1;
    return absl::InternalError(absl::StrCat("cannot sync ", temp_path_, ": ", ErrnoText()));
  }
  fd_ = -1;
  const std::string path = store_->PathOf(hex_);
  if (::rename(temp_path_.c_str(), path.c_str()) != 0) {
    return absl::InternalError(
        absl::StrCat("cannot rename ", temp_path_, " to ", path, ": ", ErrnoText()));
  }
  committed_ = true;
  store_->MarkVerified(hex_);
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<BinaryStore>> BinaryStore::Open(const std::string& dir) {
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  if (error) {
    return absl::InternalError(
        absl::StrCat("cannot create binary directory ", dir, ": ", error.message()));
  }
  std::string absolute = std::filesystem::absolute(dir, error).string();
  return std::unique_ptr<BinaryStore>(new BinaryStore(error ? dir : absolute, false));
}

absl::StatusOr<std::unique_ptr<BinaryStore>> BinaryStore::OpenTemporary() {
  const char* tmp = std::getenv("TMPDIR");
  std::string pattern =
      absl::StrCat(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp", "/centella-binaries-XXXXXX");
  if (::mkdtemp(pattern.data()) == nullptr) {
    return absl::InternalError(absl::StrCat("cannot create ", pattern, ": ", ErrnoText()));
  }
  return std::unique_ptr<BinaryStore>(new BinaryStore(pattern, true));
}

BinaryStore::~BinaryStore() {
  if (temporary_) {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
}

absl::StatusOr<std::unique_ptr<BinaryStore::Upload>> BinaryStore::BeginUpload(
    const std::string& content_hash, int64_t total_size) {
  ASSIGN_OR_RETURN(std::string hex, ContentHashHex(content_hash));
  if (total_size < 0) {
    return absl::InvalidArgumentError(absl::StrCat("negative size ", total_size));
  }
  thread_local std::mt19937_64 random(std::random_device{}());
  std::string temp = absl::StrCat(dir_, "/.upload-", hex, "-", random());
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0755);
  if (fd < 0) {
    return absl::InternalError(absl::StrCat("cannot create ", temp, ": ", ErrnoText()));
  }
  return std::unique_ptr<Upload>(
      new Upload(this, std::move(hex), content_hash, total_size, std::move(temp), fd));
}

void BinaryStore::MarkVerified(const std::string& hex) {
  absl::MutexLock lock(&mu_);
  verified_.insert(hex);
}

absl::StatusOr<int64_t> BinaryStore::Stat(const std::string& content_hash) {
  ASSIGN_OR_RETURN(std::string hex, ContentHashHex(content_hash));
  const std::string path = PathOf(hex);
  bool verified = false;
  {
    absl::MutexLock lock(&mu_);
    verified = verified_.contains(hex);
  }
  if (verified) {
    struct stat st;
    if (::stat(path.c_str(), &st) == 0) return static_cast<int64_t>(st.st_size);
    // Deleted behind our back: forget it and fall through to NotFound.
    absl::MutexLock lock(&mu_);
    verified_.erase(hex);
    return absl::NotFoundError(absl::StrCat("binary ", content_hash, " is not stored"));
  }
  int64_t size = 0;
  absl::StatusOr<std::string> actual = HashFile(path, &size);
  if (absl::IsNotFound(actual.status())) {
    return absl::NotFoundError(absl::StrCat("binary ", content_hash, " is not stored"));
  }
  if (!actual.ok()) return actual.status();
  if (*actual != absl::StrCat(kContentHashPrefix, hex)) {
    GetLogger("cluster-manager")
        ->error("binary file {} hashes to {}, not to its name; deleting it", path, *actual);
    ::unlink(path.c_str());
    return absl::NotFoundError(absl::StrCat("binary ", content_hash, " is not stored"));
  }
  MarkVerified(hex);
  return size;
}

absl::Status BinaryStore::Read(
    const std::string& content_hash, int64_t offset, int64_t max_chunk_bytes,
    absl::FunctionRef<bool(int64_t, std::string_view, int64_t, bool)> sink) {
  ASSIGN_OR_RETURN(int64_t total, Stat(content_hash));
  ASSIGN_OR_RETURN(std::string hex, ContentHashHex(content_hash));
  if (offset < 0 || offset > total) {
    return absl::OutOfRangeError(
        absl::StrCat("offset ", offset, " outside binary ", content_hash, " of ", total, " bytes"));
  }
  const std::string path = PathOf(hex);
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return absl::InternalError(absl::StrCat("cannot open ", path, ": ", ErrnoText()));
  std::vector<char> buffer(static_cast<size_t>(std::max<int64_t>(1, max_chunk_bytes)));
  absl::Status status;
  while (true) {
    size_t want = static_cast<size_t>(std::min<int64_t>(buffer.size(), total - offset));
    size_t got = 0;
    while (got < want) {
      ssize_t n = ::pread(fd, buffer.data() + got, want - got, offset + static_cast<int64_t>(got));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      got += static_cast<size_t>(n);
    }
    if (got != want) {
      status = absl::InternalError(absl::StrCat("short read of ", path));
      break;
    }
    const bool last = offset + static_cast<int64_t>(got) == total;
    if (!sink(offset, std::string_view(buffer.data(), got), total, last) || last) break;
    offset += static_cast<int64_t>(got);
  }
  ::close(fd);
  return status;
}

}  // namespace centella::cluster_manager

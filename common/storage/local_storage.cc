#include "common/storage/local_storage.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <random>
#include <system_error>

#include "absl/memory/memory.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "common/status/status_macros.h"
#include "common/storage/fd_io.h"
#include "common/storage/storage_path.h"

namespace centella {
namespace {

// Maps an errno to the canonical code a caller can act on, naming what failed on which path.
absl::Status ErrnoError(int error, absl::string_view action, absl::string_view path) {
  const std::string message = absl::StrCat(action, " ", path, ": ", std::strerror(error));
  switch (error) {
    case ENOENT:
    case ENOTDIR:  // A file where a directory was expected: the path cannot exist.
      return absl::NotFoundError(message);
    case EACCES:
    case EPERM:
    case EROFS:
      return absl::PermissionDeniedError(message);
    case EISDIR:
    case EEXIST:
    case ENOTEMPTY:
      return absl::FailedPreconditionError(message);
    case ENOSPC:
    case EDQUOT:
    case EMFILE:
    case ENFILE:
      return absl::ResourceExhaustedError(message);
    case EIO:
    case ESTALE:
    case ETIMEDOUT:
      // Typical of a shared mount that went away; worth retrying.
      return absl::UnavailableError(message);
    default:
      return absl::InternalError(message);
  }
}

// Owns a file descriptor; closes it on destruction unless Close() already did.
class ScopedFd {
 public:
  explicit ScopedFd(int fd) : fd_(fd) {}
  ScopedFd(const ScopedFd&) = delete;
  ScopedFd& operator=(const ScopedFd&) = delete;
  ~ScopedFd() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  // Closes now and reports the result: on NFS, close() is where a failed write shows up.
  int Close() {
    const int result = ::close(fd_);
    fd_ = -1;
    return result;
  }

 private:
  int fd_;
};

// "a/b/c" -> "a/b", "c" -> "", "/c" -> "/".
std::string Parent(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return "";
  return std::string(path.substr(0, std::max<size_t>(slash, path.front() == '/' ? 1 : 0)));
}

// Makes a rename or a new entry in `dir` durable: without this, a power loss can drop the
// directory entry even though the file's data was synced.
absl::Status SyncDirectory(const std::string& dir) {
  ScopedFd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd.valid()) return ErrnoError(errno, "cannot open directory", dir);
  if (::fsync(fd.get()) != 0) return ErrnoError(errno, "cannot fsync directory", dir);
  return absl::OkStatus();
}

// A random suffix keeps temporary names unique across threads, processes and machines that
// share the directory (pids alone repeat across machines).
std::string RandomSuffix() {
  thread_local std::mt19937_64 generator{std::random_device{}()};
  return absl::StrFormat("%016x", generator());
}

}  // namespace

absl::StatusOr<std::unique_ptr<LocalStorage>> LocalStorage::Open(std::string_view root_input) {
  const std::string root(root_input);
  if (root.empty()) return absl::InvalidArgumentError("storage root is empty");
  std::error_code error;
  std::filesystem::path path = std::filesystem::absolute(root, error);
  if (error) return ErrnoError(error.value(), "cannot resolve storage root", root);
  std::string normal = path.lexically_normal().string();
  while (normal.size() > 1 && normal.back() == '/') normal.pop_back();
  std::filesystem::create_directories(normal, error);
  if (error) return ErrnoError(error.value(), "cannot create storage root", normal);
  struct stat info;
  if (::stat(normal.c_str(), &info) != 0) return ErrnoError(errno, "cannot stat", normal);
  if (!S_ISDIR(info.st_mode)) {
    return absl::FailedPreconditionError(
        absl::StrCat("storage root ", normal, " is not a directory"));
  }
  return absl::WrapUnique(new LocalStorage(std::move(normal)));
}

absl::StatusOr<std::string> LocalStorage::FullPath(std::string_view path) const {
  ASSIGN_OR_RETURN(std::string relative, NormalizeStoragePath(path));
  if (relative.empty()) return root_;
  return absl::StrCat(root_ == "/" ? "" : root_, "/", relative);
}

absl::Status LocalStorage::MakeDirectories(const std::string& relative_dir) const {
  std::string current = root_;
  for (absl::string_view component : absl::StrSplit(relative_dir, '/', absl::SkipEmpty())) {
    const std::string parent = current;
    absl::StrAppend(&current, "/", component);
    if (::mkdir(current.c_str(), 0777) == 0) {
      RETURN_IF_ERROR(SyncDirectory(parent));
      continue;
    }
    if (errno != EEXIST) return ErrnoError(errno, "cannot create directory", current);
    struct stat info;
    if (::stat(current.c_str(), &info) != 0) return ErrnoError(errno, "cannot stat", current);
    if (!S_ISDIR(info.st_mode)) {
      return absl::FailedPreconditionError(
          absl::StrCat("cannot create directory ", current, ": a file is in the way"));
    }
  }
  return absl::OkStatus();
}

absl::Status LocalStorage::WriteAtomic(std::string_view path, std::string_view data) {
  ASSIGN_OR_RETURN(std::string relative, NormalizeStoragePath(path));
  if (relative.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot write to the storage root ", root_, " itself"));
  }
  RETURN_IF_ERROR(MakeDirectories(Parent(relative)));
  ASSIGN_OR_RETURN(const std::string target, FullPath(relative));
  const std::string dir = Parent(target);
  // Truncate long names so that prefix + name + suffix stays under NAME_MAX (255).
  const std::string name = relative.substr(relative.rfind('/') + 1, 200);

  std::string temp;
  int raw_fd = -1;
  for (int attempt = 0; raw_fd < 0; ++attempt) {
    temp = absl::StrCat(dir, "/", kStorageTempPrefix, name, ".", RandomSuffix());
    raw_fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (raw_fd < 0 && (errno != EEXIST || attempt == 10)) {
      return ErrnoError(errno, "cannot create temporary file", temp);
    }
  }
  ScopedFd fd(raw_fd);
  absl::Status status = WriteFully(fd.get(), std::string_view(data.data(), data.size()), temp);
  if (status.ok() && ::fsync(fd.get()) != 0) status = ErrnoError(errno, "cannot fsync", temp);
  if (status.ok() && fd.Close() != 0) status = ErrnoError(errno, "cannot close", temp);
  if (status.ok() && ::rename(temp.c_str(), target.c_str()) != 0) {
    status = ErrnoError(errno, absl::StrCat("cannot rename ", temp, " to"), target);
  }
  if (!status.ok()) {
    ::unlink(temp.c_str());  // Best effort; List hides it if this fails too.
    return status;
  }
  return SyncDirectory(dir);
}

absl::StatusOr<std::string> LocalStorage::Read(std::string_view path) const {
  ASSIGN_OR_RETURN(const std::string full, FullPath(path));
  ScopedFd fd(::open(full.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return ErrnoError(errno, "cannot open", full);
  struct stat info;
  if (::fstat(fd.get(), &info) != 0) return ErrnoError(errno, "cannot stat", full);
  if (S_ISDIR(info.st_mode)) {
    return absl::FailedPreconditionError(absl::StrCat("cannot read ", full, ": is a directory"));
  }
  std::string content;
  content.reserve(static_cast<size_t>(info.st_size));
  char buffer[64 * 1024];
  while (true) {
    const ssize_t n = ::read(fd.get(), buffer, sizeof(buffer));
    if (n == 0) break;
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoError(errno, "cannot read", full);
    }
    content.append(buffer, static_cast<size_t>(n));
  }
  return content;
}

absl::StatusOr<bool> LocalStorage::Exists(std::string_view path) const {
  ASSIGN_OR_RETURN(const std::string full, FullPath(path));
  struct stat info;
  if (::stat(full.c_str(), &info) == 0) return true;
  if (errno == ENOENT || errno == ENOTDIR) return false;
  return ErrnoError(errno, "cannot stat", full);
}

absl::StatusOr<std::vector<std::string>> LocalStorage::List(std::string_view dir) const {
  ASSIGN_OR_RETURN(const std::string full, FullPath(dir));
  struct stat info;
  if (::stat(full.c_str(), &info) != 0) return ErrnoError(errno, "cannot list", full);
  if (!S_ISDIR(info.st_mode)) {
    return absl::FailedPreconditionError(absl::StrCat("cannot list ", full, ": not a directory"));
  }
  std::unique_ptr<DIR, int (*)(DIR*)> handle(::opendir(full.c_str()), &::closedir);
  if (handle == nullptr) return ErrnoError(errno, "cannot list", full);
  std::vector<std::string> names;
  while (true) {
    errno = 0;
    const dirent* entry = ::readdir(handle.get());
    if (entry == nullptr) {
      if (errno != 0) return ErrnoError(errno, "cannot list", full);
      break;
    }
    const absl::string_view name = entry->d_name;
    if (name == "." || name == ".." || absl::StartsWith(name, kStorageTempPrefix)) continue;
    names.emplace_back(name);
  }
  std::sort(names.begin(), names.end());
  return names;
}

absl::Status LocalStorage::Remove(std::string_view path) {
  ASSIGN_OR_RETURN(std::string relative, NormalizeStoragePath(path));
  if (relative.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("refusing to remove the storage root ", root_, " itself"));
  }
  ASSIGN_OR_RETURN(const std::string full, FullPath(relative));
  struct stat info;
  if (::lstat(full.c_str(), &info) != 0) return ErrnoError(errno, "cannot remove", full);
  std::error_code error;
  std::filesystem::remove_all(full, error);
  if (error) return ErrnoError(error.value(), "cannot remove", full);
  return SyncDirectory(Parent(full));
}

}  // namespace centella

#include "common/storage/fake_storage.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/status/status_macros.h"
#include "common/storage/storage_path.h"

namespace centella {
namespace {

size_t Index(StorageOp op) { return static_cast<size_t>(op); }

// Every proper ancestor of `path`: "a/b/c" -> {"a", "a/b"}.
std::vector<std::string> Ancestors(absl::string_view path) {
  std::vector<std::string> ancestors;
  for (size_t slash = path.find('/'); slash != absl::string_view::npos;
       slash = path.find('/', slash + 1)) {
    ancestors.emplace_back(path.substr(0, slash));
  }
  return ancestors;
}

bool IsBelow(absl::string_view path, absl::string_view dir) {
  return dir.empty() ||
         (absl::StartsWith(path, dir) && path.size() > dir.size() && path[dir.size()] == '/');
}

}  // namespace

FakeStorage::FakeStorage(std::string root) : root_(std::move(root)) {}

std::string FakeStorage::Describe(absl::string_view relative) const {
  return relative.empty() ? root_ : absl::StrCat(root_, "/", relative);
}

absl::Status FakeStorage::Intercept(StorageOp op) const {
  ++calls_[Index(op)];
  Injection& injection = injections_[Index(op)];
  if (injection.remaining == 0) return absl::OkStatus();
  --injection.remaining;
  return injection.error;
}

void FakeStorage::FailNext(StorageOp op, int count, absl::Status error) {
  absl::MutexLock lock(&mu_);
  injections_[Index(op)] = Injection{count, std::move(error)};
}

int64_t FakeStorage::CallCount(StorageOp op) const {
  absl::MutexLock lock(&mu_);
  return calls_[Index(op)];
}

absl::Status FakeStorage::WriteAtomic(std::string_view path, std::string_view data) {
  absl::MutexLock lock(&mu_);
  RETURN_IF_ERROR(Intercept(StorageOp::kWrite));
  ASSIGN_OR_RETURN(std::string relative, NormalizeStoragePath(path));
  if (relative.empty()) {
    return absl::InvalidArgumentError(absl::StrCat("cannot write to the storage root ", root_));
  }
  const std::vector<std::string> ancestors = Ancestors(relative);
  for (const std::string& ancestor : ancestors) {
    if (files_.contains(ancestor)) {
      return absl::FailedPreconditionError(
          absl::StrCat("cannot create directory ", Describe(ancestor), ": a file is in the way"));
    }
  }
  if (dirs_.contains(relative)) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot write ", Describe(relative), ": is a directory"));
  }
  dirs_.insert(ancestors.begin(), ancestors.end());
  files_.insert_or_assign(std::move(relative), std::string(data));
  return absl::OkStatus();
}

absl::StatusOr<std::string> FakeStorage::Read(std::string_view path) const {
  absl::MutexLock lock(&mu_);
  RETURN_IF_ERROR(Intercept(StorageOp::kRead));
  ASSIGN_OR_RETURN(std::string relative, NormalizeStoragePath(path));
  if (auto it = files_.find(relative); it != files_.end()) return it->second;
  if (relative.empty() || dirs_.contains(relative)) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot read ", Describe(relative), ": is a directory"));
  }
  return absl::NotFoundError(absl::StrCat("cannot open ", Describe(relative), ": not found"));
}

absl::StatusOr<bool> FakeStorage::Exists(std::string_view path) const {
  absl::MutexLock lock(&mu_);
  RETURN_IF_ERROR(Intercept(StorageOp::kExists));
  ASSIGN_OR_RETURN(std::string relative, NormalizeStoragePath(path));
  return relative.empty() || files_.contains(relative) || dirs_.contains(relative);
}

absl::StatusOr<std::vector<std::string>> FakeStorage::List(std::string_view dir) const {
  absl::MutexLock lock(&mu_);
  RETURN_IF_ERROR(Intercept(StorageOp::kList));
  ASSIGN_OR_RETURN(std::string relative, NormalizeStoragePath(dir));
  if (files_.contains(relative)) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot list ", Describe(relative), ": not a directory"));
  }
  if (!relative.empty() && !dirs_.contains(relative)) {
    return absl::NotFoundError(absl::StrCat("cannot list ", Describe(relative), ": not found"));
  }
  const size_t skip = relative.empty() ? 0 : relative.size() + 1;
  std::set<std::string> names;  // Sorted and unique.
  auto add_child = [&](const std::string& path) {
    if (!IsBelow(path, relative)) return;
    const absl::string_view rest = absl::string_view(path).substr(skip);
    names.emplace(rest.substr(0, rest.find('/')));
  };
  for (const auto& [path, content] : files_) add_child(path);
  for (const std::string& path : dirs_) add_child(path);
  return std::vector<std::string>(names.begin(), names.end());
}

absl::Status FakeStorage::Remove(std::string_view path) {
  absl::MutexLock lock(&mu_);
  RETURN_IF_ERROR(Intercept(StorageOp::kRemove));
  ASSIGN_OR_RETURN(std::string relative, NormalizeStoragePath(path));
  if (relative.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("refusing to remove the storage root ", root_, " itself"));
  }
  if (files_.erase(relative) > 0) return absl::OkStatus();
  if (dirs_.erase(relative) == 0) {
    return absl::NotFoundError(absl::StrCat("cannot remove ", Describe(relative), ": not found"));
  }
  std::erase_if(files_, [&](const auto& entry) { return IsBelow(entry.first, relative); });
  std::erase_if(dirs_, [&](const std::string& dir) { return IsBelow(dir, relative); });
  return absl::OkStatus();
}

}  // namespace centella

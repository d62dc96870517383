// Storage: a directory tree that survives a process — the checkpoint directory or the
// cluster manager's recovery directory, which every node mounts at the same place.
//
// Paths are relative to root() and use '/'. Absolute paths and ".." components are
// InvalidArgument (a path can never escape the root); "." components and repeated slashes
// are ignored. The empty path names the root itself (valid for List and Exists only).
//
// Durability contract: after WriteAtomic returns OK the file is on stable storage with the
// complete data, and readers see either the old content or the new content, never a part.
// A writer that crashes mid-write leaves at most a hidden temporary file, which List, Read
// and Exists never show.
//
// Errors name the full path (root + relative path) and, for OS failures, the errno text.
// Missing files and directories are NotFound.
//
// Thread safety: implementations are safe to call from any thread. Concurrent WriteAtomic
// calls to the same path do not corrupt it: the last rename wins.
#ifndef CENTELLA_COMMON_STORAGE_STORAGE_H_
#define CENTELLA_COMMON_STORAGE_STORAGE_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace centella {

class Storage {
 public:
  virtual ~Storage() = default;

  // Replaces the file at `path` with `data` atomically and durably, creating missing parent
  // directories. FailedPrecondition if `path` or a parent is in the way (a directory where
  // the file should go, a file where a directory should go).
  virtual absl::Status WriteAtomic(std::string_view path, std::string_view data) = 0;

  // The whole content of the file at `path`. FailedPrecondition if it is a directory.
  virtual absl::StatusOr<std::string> Read(std::string_view path) const = 0;

  // Whether a file or directory exists at `path`.
  virtual absl::StatusOr<bool> Exists(std::string_view path) const = 0;

  // Names (not paths) of the files and directories directly inside `dir`, sorted bytewise.
  // NotFound if `dir` does not exist; FailedPrecondition if it is a file.
  virtual absl::StatusOr<std::vector<std::string>> List(std::string_view dir) const = 0;

  // Removes the file at `path`, or the directory at `path` with everything below it.
  // NotFound if nothing is there; InvalidArgument for the root itself.
  virtual absl::Status Remove(std::string_view path) = 0;

  // Where this storage lives: a directory for LocalStorage, a label for fakes.
  virtual const std::string& root() const = 0;
};

}  // namespace centella

#endif  // CENTELLA_COMMON_STORAGE_STORAGE_H_

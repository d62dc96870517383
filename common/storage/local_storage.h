// LocalStorage: Storage over a directory of the local file system (which may be an NFS or
// other shared mount).
//
// WriteAtomic writes a uniquely named temporary file (kStorageTempPrefix + name + random
// suffix) in the target directory, fsyncs it, renames it over the target and fsyncs the
// directory; directories it creates are fsynced into their parents too. A crash leaves at
// most a temporary file, hidden from List. Temporary files of crashed writers are not
// collected, because another node may still be writing one; a deployment can sweep files
// with kStorageTempPrefix older than any write could take.
//
// Thread safety: stateless apart from the root path; safe from any number of threads and
// processes.
#ifndef CENTELLA_COMMON_STORAGE_LOCAL_STORAGE_H_
#define CENTELLA_COMMON_STORAGE_LOCAL_STORAGE_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "common/storage/storage.h"

namespace centella {

class LocalStorage final : public Storage {
 public:
  // Opens the directory `root`, creating it (and its parents) if missing. The root is kept
  // as an absolute path. Errors name `root` and the errno text; FailedPrecondition if it
  // exists but is not a directory.
  static absl::StatusOr<std::unique_ptr<LocalStorage>> Open(std::string_view root);

  absl::Status WriteAtomic(std::string_view path, std::string_view data) override;
  absl::StatusOr<std::string> Read(std::string_view path) const override;
  absl::StatusOr<bool> Exists(std::string_view path) const override;
  absl::StatusOr<std::vector<std::string>> List(std::string_view dir) const override;
  absl::Status Remove(std::string_view path) override;
  const std::string& root() const override { return root_; }

 private:
  explicit LocalStorage(std::string root) : root_(std::move(root)) {}

  // root_ + "/" + normalized `path`, or InvalidArgument.
  absl::StatusOr<std::string> FullPath(std::string_view path) const;

  // Creates every missing directory from root_ down to `relative_dir`, fsyncing each new
  // entry into its parent.
  absl::Status MakeDirectories(const std::string& relative_dir) const;

  const std::string root_;
};

}  // namespace centella

#endif  // CENTELLA_COMMON_STORAGE_LOCAL_STORAGE_H_

// FakeStorage: an in-memory Storage for tests, with fault injection.
//
//   FakeStorage storage;
//   storage.FailNext(StorageOp::kWrite, 2);   // the next two writes fail, changing nothing
//   EXPECT_FALSE(storage.WriteAtomic("offsets/7", "...").ok());
//
// It follows the Storage contract of LocalStorage (same path rules, same error codes,
// directories created implicitly by writes and listed like files), so code tested against
// it behaves the same on disk. An injected write failure leaves the previous content in
// place, as a crash before the rename would.
//
// Thread safety: all methods are safe from any thread (one internal mutex).
#ifndef CENTELLA_COMMON_STORAGE_FAKE_STORAGE_H_
#define CENTELLA_COMMON_STORAGE_FAKE_STORAGE_H_

#include <array>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "common/storage/storage.h"

namespace centella {

// The Storage operations a test can make fail or count.
enum class StorageOp { kWrite, kRead, kExists, kList, kRemove };

class FakeStorage final : public Storage {
 public:
  // `root` only labels error messages.
  explicit FakeStorage(std::string root = "fake://storage");

  absl::Status WriteAtomic(std::string_view path, std::string_view data) override;
  absl::StatusOr<std::string> Read(std::string_view path) const override;
  absl::StatusOr<bool> Exists(std::string_view path) const override;
  absl::StatusOr<std::vector<std::string>> List(std::string_view dir) const override;
  absl::Status Remove(std::string_view path) override;
  const std::string& root() const override { return root_; }

  // Makes the next `count` calls of `op` return `error` without any effect, replacing
  // earlier injections for `op`. The default error is Unavailable, like a lost mount.
  void FailNext(StorageOp op, int count,
                absl::Status error = absl::UnavailableError("injected storage failure"))
      ABSL_LOCKS_EXCLUDED(mu_);

  // How many times `op` has been called, including failed calls.
  int64_t CallCount(StorageOp op) const ABSL_LOCKS_EXCLUDED(mu_);

 private:
  struct Injection {
    int remaining = 0;
    absl::Status error;
  };

  // Counts a call of `op` and returns the injected error for it, if any.
  absl::Status Intercept(StorageOp op) const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  std::string Describe(absl::string_view relative) const;

  const std::string root_;
  mutable absl::Mutex mu_;
  // Normalized relative path -> content. Directories are kept apart in dirs_ (the root,
  // "", is implicit) so that an empty directory left by Remove of its last file still lists.
  std::map<std::string, std::string> files_ ABSL_GUARDED_BY(mu_);
  std::set<std::string> dirs_ ABSL_GUARDED_BY(mu_);
  mutable std::array<Injection, 5> injections_ ABSL_GUARDED_BY(mu_);
  mutable std::array<int64_t, 5> calls_ ABSL_GUARDED_BY(mu_) = {};
};

}  // namespace centella

#endif  // CENTELLA_COMMON_STORAGE_FAKE_STORAGE_H_

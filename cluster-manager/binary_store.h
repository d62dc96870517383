// BinaryStore: job binaries by content hash, as uploaded by centella-submit and fetched by
// executor daemons (UploadBinary / StatBinary / FetchBinary).
//
// Layout: <dir>/<64 hex digits>, one file per binary; uploads stream into a hidden
// temporary file in the same directory and are renamed into place only after the SHA-256
// of the received bytes equals the declared hash. A file under its final name is
// re-verified once per process before it is first served, so that a hash this process did
// not compute is never trusted (files left by an earlier run, or altered on disk).
//
// Thread safety: every method may be called from any thread; concurrent uploads of the
// same binary are harmless (each writes its own temporary file; the rename is atomic).
#ifndef CENTELLA_CLUSTER_MANAGER_BINARY_STORE_H_
#define CENTELLA_CLUSTER_MANAGER_BINARY_STORE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_set.h"
#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "common/digest/content_hash.h"

namespace centella::cluster_manager {

class BinaryStore {
 public:
  // One upload in progress. Destroying it without Commit() discards the bytes.
  class Upload {
   public:
    ~Upload();
    // Appends the bytes at `offset`, which must equal the number of bytes received so far
    // (InvalidArgument otherwise, or when more than the declared size arrives).
    absl::Status Append(int64_t offset, std::string_view data);
    // Verifies size and hash and moves the file into place. InvalidArgument on a
    // mismatch (the bytes are discarded), Internal on an I/O failure.
    absl::Status Commit();

   private:
    friend class BinaryStore;
    Upload(BinaryStore* store, std::string hex, std::string declared_hash, int64_t total_size,
           std::string temp_path, int fd);
    BinaryStore* store_;
    std::string hex_;
    std::string declared_hash_;
    int64_t total_size_;
    std::string temp_path_;
    int fd_;
    int64_t received_ = 0;
    ContentHasher hasher_;
    bool committed_ = false;
  };

  // Stores binaries in `dir`, created if missing. Internal names the directory on failure.
  static absl::StatusOr<std::unique_ptr<BinaryStore>> Open(const std::string& dir);
  // Stores binaries in a fresh private directory under $TMPDIR (or /tmp), deleted with
  // the store: for managers without a recovery directory.
  static absl::StatusOr<std::unique_ptr<BinaryStore>> OpenTemporary();
  ~BinaryStore();

  const std::string& dir() const { return dir_; }

  // Starts receiving the binary `content_hash` ("sha256:<hex>") of `total_size` bytes.
  // InvalidArgument on a malformed hash or negative size.
  absl::StatusOr<std::unique_ptr<Upload>> BeginUpload(const std::string& content_hash,
                                                      int64_t total_size);

  // Size in bytes of a stored, verified binary; NotFound if absent (or corrupt, in which
  // case the file is deleted and an error logged). InvalidArgument on a malformed hash.
  absl::StatusOr<int64_t> Stat(const std::string& content_hash);

  // Streams the binary from `offset` in chunks of at most `max_chunk_bytes`, calling
  // `sink(offset, data, total_size, last)` for each; a sink returning false stops early
  // (the reader went away). NotFound as for Stat; OutOfRange for an offset past the end.
  absl::Status Read(
      const std::string& content_hash, int64_t offset, int64_t max_chunk_bytes,
      absl::FunctionRef<bool(int64_t offset, std::string_view data, int64_t total, bool last)>
          sink);

 private:
  BinaryStore(std::string dir, bool temporary) : dir_(std::move(dir)), temporary_(temporary) {}
  std::string PathOf(const std::string& hex) const { return dir_ + "/" + hex; }
  void MarkVerified(const std::string& hex) ABSL_LOCKS_EXCLUDED(mu_);

  const std::string dir_;
  const bool temporary_;
  absl::Mutex mu_;
  // Hex digests whose files this process has hashed (or written) itself.
  absl::flat_hash_set<std::string> verified_ ABSL_GUARDED_BY(mu_);
};

}  // namespace centella::cluster_manager

#endif  // CENTELLA_CLUSTER_MANAGER_BINARY_STORE_H_

// Content hashes of job binaries: "sha256:<64 lowercase hex>". Executors, daemons and
// the manager name a binary by the hash of its bytes, so a binary is fetched once per
// machine and can never be confused with another build.
#ifndef CENTELLA_COMMON_DIGEST_CONTENT_HASH_H_
#define CENTELLA_COMMON_DIGEST_CONTENT_HASH_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace centella {

// Incremental hashing, for data that arrives in chunks.
class ContentHasher {
 public:
  ContentHasher();
  ~ContentHasher();
  ContentHasher(const ContentHasher&) = delete;
  ContentHasher& operator=(const ContentHasher&) = delete;
  void Update(std::string_view bytes);
  // "sha256:<hex>"; the hasher must not be used afterwards.
  std::string Finish();

 private:
  void* ctx_;  // EVP_MD_CTX*, kept out of this header
};

std::string ContentHashOf(std::string_view bytes);
// NotFound / PermissionDenied naming the path.
absl::StatusOr<std::string> ContentHashOfFile(const std::string& path);
// True for "sha256:" followed by 64 lowercase hex digits.
bool IsValidContentHash(std::string_view hash);
// The 64 hex digits of "sha256:<hex>" (lowercased), e.g. to name a cached file;
// InvalidArgument quoting `hash` and the expected form otherwise.
absl::StatusOr<std::string> ContentHashHex(std::string_view hash);

inline constexpr char kContentHashPrefix[] = "sha256:";

}  // namespace centella

#endif  // CENTELLA_COMMON_DIGEST_CONTENT_HASH_H_

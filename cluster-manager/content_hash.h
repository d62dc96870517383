// Content hashes of job binaries: "sha256:<64 lowercase hex digits>" (docs/cluster.md).
//
// Sha256Hasher computes the digest incrementally so that an upload can be verified while
// it streams, without holding the whole binary in memory.
//
// Thread safety: ParseContentHash/FormatContentHash are pure; a Sha256Hasher is used by
// one thread at a time.
#ifndef CENTELLA_CLUSTER_MANAGER_CONTENT_HASH_H_
#define CENTELLA_CLUSTER_MANAGER_CONTENT_HASH_H_

#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace centella::cluster_manager {

inline constexpr char kContentHashPrefix[] = "sha256:";

// The 64 hex digits of a well-formed "sha256:<hex>" (lowercased), or InvalidArgument
// naming the text and the expected form.
absl::StatusOr<std::string> ParseContentHash(std::string_view content_hash);

class Sha256Hasher {
 public:
  Sha256Hasher();
  ~Sha256Hasher();
  Sha256Hasher(const Sha256Hasher&) = delete;
  Sha256Hasher& operator=(const Sha256Hasher&) = delete;

  void Update(std::string_view bytes);
  // "sha256:<hex>" of everything passed to Update. Call once.
  std::string Finish();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// "sha256:<hex>" of `bytes` in one call.
std::string ContentHashOf(std::string_view bytes);

}  // namespace centella::cluster_manager

#endif  // CENTELLA_CLUSTER_MANAGER_CONTENT_HASH_H_

#include "cluster-manager/content_hash.h"

#include <openssl/evp.h>

#include <cctype>

#include "absl/strings/str_cat.h"

namespace centella::cluster_manager {

absl::StatusOr<std::string> ParseContentHash(std::string_view content_hash) {
  const std::string_view prefix = kContentHashPrefix;
  std::string hex;
  if (content_hash.substr(0, prefix.size()) == prefix) {
    hex = std::string(content_hash.substr(prefix.size()));
  }
  bool ok = hex.size() == 64;
  for (char& c : hex) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    ok = ok && std::isxdigit(static_cast<unsigned char>(c));
  }
  if (!ok) {
    return absl::InvalidArgumentError(
        absl::StrCat("bad content hash \"", std::string(content_hash),
                     "\": expected \"sha256:\" followed by 64 hex digits"));
  }
  return hex;
}

// EVP rather than the deprecated SHA256_Init family: OpenSSL 3 warns on the latter.
struct Sha256Hasher::State {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  ~State() { EVP_MD_CTX_free(ctx); }
};

Sha256Hasher::Sha256Hasher() : state_(std::make_unique<State>()) {
  EVP_DigestInit_ex(state_->ctx, EVP_sha256(), nullptr);
}

Sha256Hasher::~Sha256Hasher() = default;

void Sha256Hasher::Update(std::string_view bytes) {
  EVP_DigestUpdate(state_->ctx, bytes.data(), bytes.size());
}

std::string Sha256Hasher::Finish() {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_DigestFinal_ex(state_->ctx, digest, &length);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = kContentHashPrefix;
  for (unsigned int i = 0; i < length; ++i) {
    out.push_back(kHex[digest[i] >> 4]);
    out.push_back(kHex[digest[i] & 0xf]);
  }
  return out;
}

std::string ContentHashOf(std::string_view bytes) {
  Sha256Hasher hasher;
  hasher.Update(bytes);
  return hasher.Finish();
}

}  // namespace centella::cluster_manager

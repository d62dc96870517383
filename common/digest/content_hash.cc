#include "common/digest/content_hash.h"

#include <openssl/evp.h>

#include <cerrno>
#include <cstring>
#include <fstream>

#include "absl/strings/str_cat.h"

namespace centella {

ContentHasher::ContentHasher() : ctx_(EVP_MD_CTX_new()) {
  EVP_DigestInit_ex(static_cast<EVP_MD_CTX*>(ctx_), EVP_sha256(), nullptr);
}

ContentHasher::~ContentHasher() { EVP_MD_CTX_free(static_cast<EVP_MD_CTX*>(ctx_)); }

void ContentHasher::Update(std::string_view bytes) {
  EVP_DigestUpdate(static_cast<EVP_MD_CTX*>(ctx_), bytes.data(), bytes.size());
}

std::string ContentHasher::Finish() {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_DigestFinal_ex(static_cast<EVP_MD_CTX*>(ctx_), digest, &n);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "sha256:";
  for (unsigned int i = 0; i < n; ++i) {
    out.push_back(kHex[digest[i] >> 4]);
    out.push_back(kHex[digest[i] & 15]);
  }
  return out;
}

std::string ContentHashOf(std::string_view bytes) {
  ContentHasher h;
  h.Update(bytes);
  return h.Finish();
}

absl::StatusOr<std::string> ContentHashOfFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    int err = errno;
    std::string msg = absl::StrCat("cannot read ", path, ": ", std::strerror(err));
    return err == ENOENT ? absl::NotFoundError(msg) : absl::PermissionDeniedError(msg);
  }
  ContentHasher h;
  std::string buf(1 << 20, '\0');
  while (in) {
    in.read(buf.data(), buf.size());
    h.Update(std::string_view(buf.data(), static_cast<size_t>(in.gcount())));
  }
  return h.Finish();
}

bool IsValidContentHash(std::string_view hash) {
  if (hash.size() != 7 + 64 || hash.substr(0, 7) != "sha256:") return false;
  for (char c : hash.substr(7)) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

absl::StatusOr<std::string> ContentHashHex(std::string_view hash) {
  std::string hex;
  if (hash.size() == 7 + 64 && hash.substr(0, 7) == "sha256:") hex = std::string(hash.substr(7));
  bool ok = hex.size() == 64;
  for (char& c : hex) {
    if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
    ok = ok && ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
  }
  if (!ok) {
    return absl::InvalidArgumentError(absl::StrCat(
        "bad content hash \"", std::string(hash), "\": expected sha256: and 64 hex digits"));
  }
  return hex;
}

}  // namespace centella

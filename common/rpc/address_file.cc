#include "common/rpc/address_file.h"

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "absl/strings/str_cat.h"

namespace centella {

absl::Status WriteAddressFile(const std::string& path, const ProcessAddresses& addresses) {
  if (addresses.rpc.empty()) {
    return absl::InvalidArgumentError(absl::StrCat("no gRPC address for address file ", path));
  }
  // Same directory as `path`, so that the rename stays within one file system and is
  // atomic; the pid keeps two processes given the same path from sharing a temporary.
  const std::string tmp = absl::StrCat(path, ".tmp.", ::getpid());
  std::string contents = absl::StrCat(addresses.rpc, "\n");
  if (!addresses.ui.empty()) absl::StrAppend(&contents, addresses.ui, "\n");
  std::FILE* f = std::fopen(tmp.c_str(), "w");
  if (f == nullptr) {
    return absl::PermissionDeniedError(absl::StrCat("cannot write address file ", path));
  }
  const bool written = std::fwrite(contents.data(), 1, contents.size(), f) == contents.size();
  if (std::fclose(f) != 0 || !written || std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    return absl::PermissionDeniedError(absl::StrCat("cannot write address file ", path));
  }
  return absl::OkStatus();
}

absl::Status RemoveStaleAddressFile(const std::string& path) {
  std::error_code ec;
  std::filesystem::remove(path, ec);
  if (ec) {
    return absl::PermissionDeniedError(
        absl::StrCat("cannot remove the stale address file ", path, ": ", ec.message()));
  }
  return absl::OkStatus();
}

absl::StatusOr<ProcessAddresses> ReadAddressFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("no address file ", path));
  ProcessAddresses addresses;
  if (!std::getline(in, addresses.rpc) || addresses.rpc.empty()) {
    return absl::InvalidArgumentError(absl::StrCat("no gRPC address in ", path));
  }
  std::getline(in, addresses.ui);
  return addresses;
}

}  // namespace centella

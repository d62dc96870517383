// AddressFile: where a daemon tells scripts and tests that it is up (`--address-file`,
// docs/cluster.md, "Address file").
//
//   127.0.0.1:7077        line 1: the advertised gRPC host:port (RpcServer::address())
//   127.0.0.1:8080        line 2: the status UI host:port; absent with --ui-port -1
//
// The owner writes it once EVERY server of the process listens, as the last step of its
// start, so a reader that sees the file can connect to all of them. The write is atomic (a
// temporary file in the same directory, then rename): a reader sees no file or the whole
// file, never a part. RemoveStaleAddressFile at the beginning of the start makes sure a
// process that then fails leaves no file behind, not even a previous run's.
//
// Readers that want only the gRPC address take line 1 (`head -n1`).
// Thread safety: plain functions over the file system.
#ifndef CENTELLA_COMMON_RPC_ADDRESS_FILE_H_
#define CENTELLA_COMMON_RPC_ADDRESS_FILE_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace centella {

struct ProcessAddresses {
  // "host:port" of the gRPC server. Never empty in a written file.
  std::string rpc;
  // "host:port" of the status UI; empty when the process has none.
  std::string ui;
};

// Replaces `path` atomically with the addresses. InvalidArgument when `addresses.rpc` is
// empty; PermissionDenied naming the path when it cannot be written (no temporary file is
// left behind).
absl::Status WriteAddressFile(const std::string& path, const ProcessAddresses& addresses);

// Deletes `path` if it exists. PermissionDenied when it exists and cannot be deleted.
absl::Status RemoveStaleAddressFile(const std::string& path);

// Reads a file written by WriteAddressFile. NotFound when there is none (yet);
// InvalidArgument when line 1 is missing.
absl::StatusOr<ProcessAddresses> ReadAddressFile(const std::string& path);

}  // namespace centella

#endif  // CENTELLA_COMMON_RPC_ADDRESS_FILE_H_

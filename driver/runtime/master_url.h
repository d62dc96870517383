// MasterUrl: where a job runs, parsed from --master.
//   local         one task thread in the driver process
//   local[N]      N task threads
//   local[*]      one task thread per CPU core
//   centella://host:port   a standalone cluster manager
#ifndef CENTELLA_DRIVER_RUNTIME_MASTER_URL_H_
#define CENTELLA_DRIVER_RUNTIME_MASTER_URL_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace centella {

struct MasterUrl {
  enum class Kind { kLocal, kCluster };
  Kind kind = Kind::kLocal;
  int threads = 1;   // kLocal
  std::string host;  // kCluster
  int port = 0;      // kCluster
  std::string text;  // as given
};

// InvalidArgument quoting `text` and listing the accepted forms when it is malformed.
absl::StatusOr<MasterUrl> ParseMasterUrl(std::string_view text);

}  // namespace centella

#endif  // CENTELLA_DRIVER_RUNTIME_MASTER_URL_H_

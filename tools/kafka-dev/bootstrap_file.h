// The bootstrap file of centella-kafka-dev: how a test or script that started the tool
// learns where the cluster listens.
//
//   RETURN_IF_ERROR(WriteBootstrapFile("/tmp/kafka.bootstrap", cluster->bootstrap()));
//
// The file holds the bootstrap list and a newline ("127.0.0.1:40123,127.0.0.1:40125\n").
// It is written to PATH.tmp and renamed onto PATH, so a reader polling for PATH never sees
// a partial address: once PATH exists it is complete. It is not fsynced: it describes a
// live process on this machine, and after a crash it would be stale anyway.
#ifndef CENTELLA_TOOLS_KAFKA_DEV_BOOTSTRAP_FILE_H_
#define CENTELLA_TOOLS_KAFKA_DEV_BOOTSTRAP_FILE_H_

#include <string>
#include <string_view>

#include "absl/status/status.h"

namespace centella::kafka_dev {

// Replaces `path` with `bootstrap` + "\n" as described above. On failure the error names
// the file and the errno text, and PATH.tmp is removed; PATH is left as it was.
absl::Status WriteBootstrapFile(const std::string& path, std::string_view bootstrap);

}  // namespace centella::kafka_dev

#endif  // CENTELLA_TOOLS_KAFKA_DEV_BOOTSTRAP_FILE_H_

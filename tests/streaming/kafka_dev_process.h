// KafkaDevProcess: a centella-kafka-dev started by a test (librdkafka's mock cluster in a
// process of its own), and kcat to produce into it as any outside client would.
#ifndef CENTELLA_TESTS_STREAMING_KAFKA_DEV_PROCESS_H_
#define CENTELLA_TESTS_STREAMING_KAFKA_DEV_PROCESS_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "tests/cluster/child_process.h"

namespace centella {

class KafkaDevProcess {
 public:
  // Starts build/bin/centella-kafka-dev with `topics` ("NAME:PARTITIONS") and waits (up to
  // 20 s) for its bootstrap file in `dir`.
  static absl::StatusOr<std::unique_ptr<KafkaDevProcess>> Start(
      const std::string& build_dir, const std::string& dir, const std::vector<std::string>& topics);

  const std::string& bootstrap() const { return bootstrap_; }
  // Produces one message per element of `messages` (no newline inside) to `topic` with
  // kcat; the partitions are kcat's choice. Returns when kcat has delivered them all.
  absl::Status Produce(const std::string& topic, const std::vector<std::string>& messages);

 private:
  std::unique_ptr<ChildProcess> process_;
  std::string dir_;
  std::string bootstrap_;
  int batches_ = 0;
};

}  // namespace centella

#endif  // CENTELLA_TESTS_STREAMING_KAFKA_DEV_PROCESS_H_

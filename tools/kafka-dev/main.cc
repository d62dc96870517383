// centella-kafka-dev: a throwaway Kafka cluster (librdkafka's mock brokers) in one process,
// for developing and testing streaming jobs without a real Kafka.
//
//   centella-kafka-dev --topic events:3 [--topic ...] [--brokers N] [--bootstrap-file FILE]
//
// Once every topic exists it writes the bootstrap list to FILE (atomically) and then
// prints it as one line on stdout, so waiting for either is enough to start using the
// cluster. It runs until SIGTERM or SIGINT, then stops the brokers and exits 0; the data
// is gone and FILE is left in place (whoever chose FILE removes it; a FILE left by an
// earlier run is removed at start).
//
// Exit codes: 0 after a signal, 1 if the cluster cannot start, 2 for bad flags or an
// unwritable bootstrap file, with a one-line message on stderr.
#include <pthread.h>
#include <signal.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/logging/logger.h"
#include "tools/kafka-dev/bootstrap_file.h"
#include "tools/kafka-dev/kafka_dev_cluster.h"
#include "tools/kafka-dev/topic_spec.h"

namespace {

constexpr char kName[] = "centella-kafka-dev";

int Fail(int code, absl::string_view message) {
  std::fprintf(stderr, "%s: %.*s\n", kName, static_cast<int>(message.size()), message.data());
  return code;
}

}  // namespace

int main(int argc, char** argv) {
  using centella::kafka_dev::KafkaDevCluster;
  using centella::kafka_dev::KafkaDevOptions;

  CLI::App app{
      "Runs librdkafka's mock Kafka cluster on 127.0.0.1 with the given topics until SIGTERM "
      "or SIGINT. Prints the bootstrap servers on stdout once the topics exist."};
  app.name(kName);
  std::vector<std::string> topic_flags;
  KafkaDevOptions options;
  std::string bootstrap_file;
  app.add_option("--topic", topic_flags, "A topic to create, NAME:PARTITIONS (repeatable)")
      ->required()
      ->type_name("NAME:PARTITIONS");
  app.add_option("--brokers", options.brokers, "Number of brokers")
      ->capture_default_str()
      ->check(CLI::Range(1, KafkaDevCluster::kMaxBrokers));
  app.add_option("--bootstrap-file", bootstrap_file,
                 "Also write the bootstrap servers to this file (via FILE.tmp and a rename)");
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    // One exit code for every kind of bad input, whatever CLI11's own code is.
    return Fail(2, e.what());
  }
  for (const std::string& flag : topic_flags) {
    absl::StatusOr<centella::kafka_dev::TopicSpec> topic =
        centella::kafka_dev::ParseTopicSpec(flag);
    if (!topic.ok()) return Fail(2, topic.status().message());
    options.topics.push_back(*std::move(topic));
  }

  // Blocked before librdkafka starts its threads, which inherit the mask: the signals then
  // stay pending for sigwait below instead of killing the process from a broker thread.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  if (const int err = pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr); err != 0) {
    return Fail(1, std::string("cannot block SIGTERM/SIGINT: ") + std::strerror(err));
  }
  // Whoever reads stdout may stop reading; the cluster stays useful through the file.
  ::signal(SIGPIPE, SIG_IGN);

  if (!bootstrap_file.empty()) {
    // A file left by an earlier run would point whoever waits for it at a dead address.
    std::error_code ec;
    std::filesystem::remove(bootstrap_file, ec);
  }
  absl::StatusOr<std::unique_ptr<KafkaDevCluster>> cluster = KafkaDevCluster::Start(options);
  if (!cluster.ok()) {
    return Fail(absl::IsInvalidArgument(cluster.status()) ? 2 : 1, cluster.status().message());
  }
  const std::string& bootstrap = (*cluster)->bootstrap();
  if (!bootstrap_file.empty()) {
    if (absl::Status s = centella::kafka_dev::WriteBootstrapFile(bootstrap_file, bootstrap);
        !s.ok()) {
      return Fail(2, s.message());
    }
  }
  std::printf("%s\n", bootstrap.c_str());
  std::fflush(stdout);
  centella::GetLogger("kafka-dev")
      ->info("{} broker(s) at {} with {} topic(s); stop with SIGTERM or SIGINT", options.brokers,
             bootstrap, options.topics.size());

  int signal_number = 0;
  if (const int err = sigwait(&stop_signals, &signal_number); err != 0) {
    return Fail(1, std::string("sigwait failed: ") + std::strerror(err));
  }
  centella::GetLogger("kafka-dev")->info("{}: stopping", strsignal(signal_number));
  cluster->reset();
  return 0;
}

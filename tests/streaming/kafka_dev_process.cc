#include "tests/streaming/kafka_dev_process.h"

#include <filesystem>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "tests/run_command.h"

namespace centella {

absl::StatusOr<std::unique_ptr<KafkaDevProcess>> KafkaDevProcess::Start(
    const std::string& build_dir, const std::string& dir, const std::vector<std::string>& topics) {
  auto kafka = std::unique_ptr<KafkaDevProcess>(new KafkaDevProcess());
  kafka->dir_ = dir;
  const std::string file = dir + "/kafka-bootstrap";
  std::vector<std::string> argv{build_dir + "/bin/centella-kafka-dev", "--bootstrap-file", file};
  for (const std::string& t : topics) {
    argv.push_back("--topic");
    argv.push_back(t);
  }
  auto process = ChildProcess::Start(argv, {}, dir + "/kafka-dev.log");
  if (!process.ok()) return process.status();
  kafka->process_ = *std::move(process);
  const absl::Time give_up = absl::Now() + absl::Seconds(20);
  while (!std::filesystem::exists(file)) {
    if (absl::Now() > give_up || !kafka->process_->running()) {
      return absl::UnavailableError(
          absl::StrCat("centella-kafka-dev did not start: ", kafka->process_->Log()));
    }
    absl::SleepFor(absl::Milliseconds(10));
  }
  std::ifstream in(file);
  std::getline(in, kafka->bootstrap_);
  return kafka;
}

absl::Status KafkaDevProcess::Produce(const std::string& topic,
                                      const std::vector<std::string>& messages) {
  const std::string file = absl::StrCat(dir_, "/produce-", batches_++, ".txt");
  {
    std::ofstream out(file);
    for (const std::string& m : messages) out << m << '\n';
  }
  CommandResult r = RunCommand(
      absl::StrCat("timeout 30 kcat -P -b ", bootstrap_, " -t ", topic, " -l ", file, " 2>&1"));
  if (r.exit_code != 0) {
    return absl::UnavailableError(absl::StrCat("kcat failed (", r.exit_code, "): ", r.output));
  }
  return absl::OkStatus();
}

}  // namespace centella

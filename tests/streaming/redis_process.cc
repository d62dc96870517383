#include "tests/streaming/redis_process.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "tests/cluster/local_cluster.h"
#include "tests/run_command.h"

namespace centella {

absl::StatusOr<std::unique_ptr<RedisProcess>> RedisProcess::Start(const std::string& dir) {
  auto redis = std::unique_ptr<RedisProcess>(new RedisProcess());
  redis->dir_ = dir;
  if (ProgramPath("redis-server").empty()) {
    return absl::UnavailableError("no redis-server on the PATH (./dev setup installs it)");
  }
  redis->port_ = UnusedPortOutsideEphemeralRange();
  if (absl::Status s = redis->Launch(); !s.ok()) return s;
  return redis;
}

absl::Status RedisProcess::Launch() {
  auto server =
      ChildProcess::Start({ProgramPath("redis-server"), "--port", absl::StrCat(port_), "--bind",
                           "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir_},
                          {}, dir_ + "/redis.log");
  if (!server.ok()) return server.status();
  server_ = *std::move(server);
  const absl::Time give_up = absl::Now() + absl::Seconds(20);
  while (RunCommand(absl::StrCat("redis-cli -p ", port_, " PING 2>&1")).output.find("PONG") ==
         std::string::npos) {
    if (absl::Now() > give_up || !server_->running()) {
      return absl::UnavailableError(absl::StrCat("redis-server did not start: ", server_->Log()));
    }
    absl::SleepFor(absl::Milliseconds(20));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::map<std::string, std::string>> RedisProcess::Values(
    const std::string& pattern) const {
  CommandResult keys =
      RunCommand(absl::StrCat("redis-cli -p ", port_, " --scan --pattern '", pattern, "' 2>&1"));
  if (keys.exit_code != 0) return absl::InternalError(absl::StrCat("redis-cli: ", keys.output));
  std::map<std::string, std::string> out;
  for (absl::string_view key : absl::StrSplit(keys.output, '\n', absl::SkipEmpty())) {
    CommandResult value =
        RunCommand(absl::StrCat("redis-cli -p ", port_, " --raw GET '", key, "' 2>&1"));
    std::string v = value.output;
    while (!v.empty() && v.back() == '\n') v.pop_back();
    out[std::string(key)] = v;
  }
  return out;
}

}  // namespace centella

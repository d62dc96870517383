#include "executor/process/executor_process_options.h"

#include <cstdlib>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace centella {
namespace {

absl::StatusOr<std::string> Required(const char* name) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') {
    return absl::InvalidArgumentError(absl::StrCat("executor environment lacks $", name));
  }
  return std::string(v);
}

std::string Optional(const char* name) {
  const char* v = std::getenv(name);
  return v == nullptr ? "" : v;
}

}  // namespace

bool IsExecutorProcess() { return Optional(kRoleEnvVar) == "executor"; }

absl::StatusOr<ExecutorProcessOptions> ExecutorProcessOptions::FromEnvironment() {
  ExecutorProcessOptions o;
  for (auto [field, name] : {std::pair{&o.app_id, "CENTELLA_APP_ID"},
                             {&o.executor_id, "CENTELLA_EXECUTOR_ID"},
                             {&o.driver_address, "CENTELLA_DRIVER_ADDRESS"},
                             {&o.daemon_address, "CENTELLA_DAEMON_ADDRESS"},
                             {&o.host, "CENTELLA_HOST"},
                             {&o.shuffle_dir, "CENTELLA_SHUFFLE_DIR"}}) {
    absl::StatusOr<std::string> v = Required(name);
    if (!v.ok()) return v.status();
    *field = *std::move(v);
  }
  o.app_name = Optional("CENTELLA_APP_NAME");
  std::string cores = Optional("CENTELLA_EXECUTOR_CORES");
  if (!absl::SimpleAtoi(cores, &o.cores) || o.cores < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("executor environment: bad $CENTELLA_EXECUTOR_CORES \"", cores, "\""));
  }
  std::string memory = Optional("CENTELLA_EXECUTOR_MEMORY");
  if (!memory.empty() && !absl::SimpleAtoi(memory, &o.memory_bytes)) {
    return absl::InvalidArgumentError(
        absl::StrCat("executor environment: bad $CENTELLA_EXECUTOR_MEMORY \"", memory, "\""));
  }
  o.secret_file = Optional("CENTELLA_SECRET_FILE");
  o.insecure = Optional("CENTELLA_INSECURE") == "1";
  std::string conf = Optional("CENTELLA_CONF");
  if (!conf.empty()) {
    absl::StatusOr<Conf> c = Conf::Deserialize(conf);
    if (!c.ok()) return c.status();
    o.conf = *std::move(c);
  }
  return o;
}

}  // namespace centella

#include "executor/daemon/process_environment.h"

#include <cstdlib>
#include <map>

#include "absl/strings/str_cat.h"
#include "common/auth/shared_secret.h"
#include "common/config/conf.h"
#include "common/status/status_macros.h"

namespace centella {
namespace {

constexpr const char* kPassedOn[] = {"PATH",
                                     "HOME",
                                     "USER",
                                     "LANG",
                                     "LC_ALL",
                                     "TZ",
                                     "TMPDIR",
                                     "LD_LIBRARY_PATH",
                                     "CENTELLA_LOG_LEVEL"};

using EnvMap = std::map<std::string, std::string>;

EnvMap BaseEnvironment(const google::protobuf::Map<std::string, std::string>& extra) {
  EnvMap env;
  for (const char* name : kPassedOn) {
    if (const char* value = std::getenv(name); value != nullptr) env[name] = value;
  }
  for (const auto& [key, value] : extra) env[key] = value;
  return env;
}

absl::StatusOr<std::string> SerializedConf(
    const google::protobuf::Map<std::string, std::string>& entries) {
  Conf conf;
  for (const auto& [key, value] : entries) RETURN_IF_ERROR(conf.Set(key, value));
  return conf.Serialize();
}

void SetAuthentication(const DaemonIdentity& daemon, EnvMap* env) {
  env->erase(kSecretFileEnvVar);
  env->erase("CENTELLA_INSECURE");
  if (daemon.insecure) {
    (*env)["CENTELLA_INSECURE"] = "1";
  } else {
    (*env)[kSecretFileEnvVar] = daemon.secret_file;
  }
}

std::vector<std::string> Flatten(const EnvMap& env) {
  std::vector<std::string> out;
  out.reserve(env.size());
  for (const auto& [key, value] : env) out.push_back(absl::StrCat(key, "=", value));
  return out;
}

}  // namespace

absl::StatusOr<std::vector<std::string>> ExecutorEnvironment(
    const v1::LaunchExecutorRequest& request, const DaemonIdentity& daemon,
    const std::string& shuffle_dir) {
  EnvMap env = BaseEnvironment(request.env());
  ASSIGN_OR_RETURN(env[kConfEnvVar], SerializedConf(request.conf()));
  env["CENTELLA_ROLE"] = "executor";
  env["CENTELLA_APP_ID"] = request.app_id();
  env["CENTELLA_EXECUTOR_ID"] = request.executor_id();
  env["CENTELLA_APP_NAME"] = request.app_name();
  env["CENTELLA_DRIVER_ADDRESS"] = request.driver_address();
  env["CENTELLA_DAEMON_ADDRESS"] = daemon.address;
  env["CENTELLA_HOST"] = daemon.host;
  env["CENTELLA_EXECUTOR_CORES"] = absl::StrCat(request.resources().cores());
  env["CENTELLA_EXECUTOR_MEMORY"] = absl::StrCat(request.resources().memory_bytes());
  env["CENTELLA_SHUFFLE_DIR"] = shuffle_dir;
  SetAuthentication(daemon, &env);
  return Flatten(env);
}

absl::StatusOr<std::vector<std::string>> DriverEnvironment(const v1::LaunchDriverRequest& request,
                                                           const DaemonIdentity& daemon) {
  const v1::DriverDescription& description = request.description();
  EnvMap env = BaseEnvironment(description.env());
  ASSIGN_OR_RETURN(env[kConfEnvVar], SerializedConf(description.conf()));
  env["CENTELLA_ROLE"] = "driver";
  env["CENTELLA_DEPLOY_MODE"] = "cluster";
  env["CENTELLA_DRIVER_ID"] = request.driver_id();
  env["CENTELLA_APP_NAME"] = description.name();
  env["CENTELLA_MASTER"] = absl::StrCat("centella://", request.manager_address());
  env["CENTELLA_HOST"] = daemon.host;
  env["CENTELLA_DAEMON_ADDRESS"] = daemon.address;
  SetAuthentication(daemon, &env);
  return Flatten(env);
}

}  // namespace centella

#include "tools/submit/submit_options.h"

#include <filesystem>

#include "CLI/CLI.hpp"
#include "absl/strings/str_cat.h"
#include "common/config/byte_size.h"
#include "common/status/status_macros.h"

namespace centella {

absl::StatusOr<SubmitOptions> ParseSubmitOptions(int argc, const char* const* argv) {
  CLI::App app{"centella-submit: run a Centella job", "centella-submit"};
  app.prefix_command();  // options end at PROGRAM; the rest goes to the job untouched
  std::string master = "local[*]";
  std::string deploy_mode = "client";
  std::string name;
  std::vector<std::string> confs;
  std::string properties_file;
  int executor_cores = 0;
  std::string executor_memory;
  int total_cores = 0;
  bool supervise = false;
  app.add_option("--master", master, "local, local[N], local[*] or centella://host:port");
  app.add_option("--deploy-mode", deploy_mode, "client (driver here) or cluster");
  app.add_option("--name", name, "application name (default: the program's file name)");
  app.add_option("--conf", confs, "a setting key=value (repeatable)")
      ->expected(1)
      ->allow_extra_args(false)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  app.add_option("--properties-file", properties_file, "a file of settings");
  app.add_option("--executor-cores", executor_cores, "cores per executor");
  app.add_option("--executor-memory", executor_memory, "memory per executor, e.g. 2g");
  app.add_option("--total-executor-cores", total_cores, "cores for the whole application");
  app.add_flag("--supervise", supervise, "restart a cluster-mode driver that fails");
  std::string secret_file;
  bool insecure = false;
  app.add_option("--secret-file", secret_file,
                 "the cluster's shared secret (default: $CENTELLA_SECRET_FILE)");
  app.add_flag("--insecure", insecure, "talk to the cluster without a shared secret");
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    return absl::CancelledError(app.help());
  } catch (const CLI::ParseError& e) {
    return absl::InvalidArgumentError(e.what());
  }

  SubmitOptions options;
  ASSIGN_OR_RETURN(options.master, ParseMasterUrl(master));
  if (deploy_mode != "client" && deploy_mode != "cluster") {
    return absl::InvalidArgumentError(absl::StrCat("invalid --deploy-mode \"", deploy_mode,
                                                   "\": expected client or cluster"));
  }
  if (deploy_mode == "cluster" && options.master.kind == MasterUrl::Kind::kLocal) {
    return absl::InvalidArgumentError(
        "--deploy-mode cluster needs a cluster master (centella://host:port), not " + master);
  }
  if (supervise && deploy_mode != "cluster") {
    return absl::InvalidArgumentError("--supervise applies only to --deploy-mode cluster");
  }
  options.deploy_mode = deploy_mode;
  options.insecure = insecure;
  if (!secret_file.empty()) {
    options.secret_file = std::filesystem::absolute(secret_file).string();
  }
  options.supervise = supervise;
  if (!properties_file.empty()) RETURN_IF_ERROR(options.conf.LoadPropertiesFile(properties_file));
  for (const std::string& c : confs) RETURN_IF_ERROR(options.conf.SetFromArg(c));
  if (executor_cores < 0 || total_cores < 0) {
    return absl::InvalidArgumentError("core counts must be positive");
  }
  if (executor_cores > 0) {
    RETURN_IF_ERROR(options.conf.Set("centella.executor.cores", std::to_string(executor_cores)));
  }
  if (total_cores > 0) {
    RETURN_IF_ERROR(options.conf.Set("centella.cores.max", std::to_string(total_cores)));
  }
  if (!executor_memory.empty()) {
    absl::StatusOr<ByteSize> size = ParseByteSize(executor_memory);
    if (!size.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("invalid --executor-memory \"",
                                                     executor_memory, "\": ",
                                                     size.status().message()));
    }
    RETURN_IF_ERROR(options.conf.Set("centella.executor.memory", executor_memory));
  }

  std::vector<std::string> rest = app.remaining();
  if (rest.empty()) {
    return absl::InvalidArgumentError("no PROGRAM given (usage: centella-submit [options] "
                                      "PROGRAM [ARGS...]; --help lists the options)");
  }
  if (rest[0] == "status" || rest[0] == "kill" || rest[0] == "list") {
    options.command = rest[0];
    if (options.master.kind != MasterUrl::Kind::kCluster) {
      return absl::InvalidArgumentError(absl::StrCat(
          rest[0], " needs a cluster master: --master centella://host:port"));
    }
    size_t want = options.command == "list" ? 1 : 2;
    if (rest.size() != want) {
      return absl::InvalidArgumentError(
          options.command == "list" ? "list takes no arguments"
                                    : absl::StrCat(rest[0], " takes one driver id"));
    }
    if (want == 2) options.command_arg = rest[1];
    return options;
  }
  if (rest[0].size() > 1 && rest[0][0] == '-') {
    return absl::InvalidArgumentError(absl::StrCat("unknown option ", rest[0],
                                                   " (--help lists the options)"));
  }
  options.program = rest[0];
  options.program_args.assign(rest.begin() + 1, rest.end());
  options.app_name =
      name.empty() ? std::filesystem::path(options.program).filename().string() : name;
  return options;
}

}  // namespace centella

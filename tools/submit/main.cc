// centella-submit: runs a Centella job.
//
// In client mode (any master) the driver runs right here: centella-submit validates the options,
// then replaces itself (execv) with the job, passing master, name and configuration
// through the environment Context::FromEnvironment reads. With --deploy-mode cluster it
// uploads the program and asks the cluster manager to run the driver on a daemon; status,
// kill and list query the manager.
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "common/auth/shared_secret.h"
#include "common/config/conf.h"
#include "tools/submit/cluster_commands.h"
#include "tools/submit/submit_options.h"

int main(int argc, char** argv) {
  absl::StatusOr<centella::SubmitOptions> options = centella::ParseSubmitOptions(argc, argv);
  if (!options.ok()) {
    if (options.status().code() == absl::StatusCode::kCancelled) {
      std::printf("%s", std::string(options.status().message()).c_str());
      return 0;
    }
    std::fprintf(stderr, "centella-submit: %s\n", std::string(options.status().message()).c_str());
    return 2;
  }
  if (options->command != "run" || options->deploy_mode == "cluster") {
    // Talks to the cluster manager and returns; the driver (if any) runs on the cluster.
    absl::StatusOr<centella::SharedSecret> secret =
        centella::SharedSecret::Load(options->secret_file, options->insecure, "submit");
    absl::Status s = secret.status();
    if (s.ok()) {
      if (options->command == "status") {
        s = centella::PrintDriverStatus(*options, *secret);
      } else if (options->command == "kill") {
        s = centella::KillClusterDriver(*options, *secret);
      } else if (options->command == "list") {
        s = centella::ListApplications(*options, *secret);
      } else {
        s = centella::SubmitClusterDriver(*options, *secret);
      }
    }
    if (!s.ok()) {
      std::fprintf(stderr, "centella-submit: %s\n", std::string(s.message()).c_str());
      return 1;
    }
    return 0;
  }
  if (::access(options->program.c_str(), X_OK) != 0) {
    std::fprintf(stderr, "centella-submit: cannot run program %s: %s\n",
                 options->program.c_str(), std::strerror(errno));
    return 2;
  }
  ::setenv("CENTELLA_MASTER", options->master.text.c_str(), 1);
  ::setenv("CENTELLA_APP_NAME", options->app_name.c_str(), 1);
  ::setenv(centella::kConfEnvVar, options->conf.Serialize().c_str(), 1);
  if (!options->secret_file.empty()) {
    ::setenv("CENTELLA_SECRET_FILE", options->secret_file.c_str(), 1);
  }
  if (options->insecure) ::setenv("CENTELLA_INSECURE", "1", 1);

  std::vector<char*> args;
  args.push_back(options->program.data());
  for (std::string& a : options->program_args) args.push_back(a.data());
  args.push_back(nullptr);
  ::execv(options->program.c_str(), args.data());
  std::fprintf(stderr, "centella-submit: cannot run program %s: %s\n", options->program.c_str(),
               std::strerror(errno));
  return 2;
}

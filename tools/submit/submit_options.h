// SubmitOptions: what `centella-submit` was asked to do, parsed and validated.
//
//   centella-submit [--master URL] [--deploy-mode client|cluster] [--name NAME]
//                   [--conf k=v]... [--properties-file FILE] [--executor-cores N]
//                   [--executor-memory SIZE] [--total-executor-cores N] [--supervise]
//                   [--secret-file FILE] [--insecure]
//                   PROGRAM [ARGS...]
//   centella-submit --master centella://HOST:PORT status|kill DRIVER_ID
//   centella-submit --master centella://HOST:PORT list
// Options stop at PROGRAM; everything after it belongs to the job.
#ifndef CENTELLA_TOOLS_SUBMIT_SUBMIT_OPTIONS_H_
#define CENTELLA_TOOLS_SUBMIT_SUBMIT_OPTIONS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/config/conf.h"
#include "driver/runtime/master_url.h"

namespace centella {

struct SubmitOptions {
  MasterUrl master;
  std::string deploy_mode = "client";
  std::string app_name;  // default: the program's file name
  bool supervise = false;
  std::string secret_file;  // absolute; empty = $CENTELLA_SECRET_FILE
  bool insecure = false;
  Conf conf;  // properties file, then --conf, then the resource flags
  // "run" (the default: PROGRAM [ARGS]), or "status"/"kill" (with a driver id) or "list"
  // against a cluster manager.
  std::string command = "run";
  std::string command_arg;
  std::string program;
  std::vector<std::string> program_args;
};

// Parses argv (argv[0] is centella-submit itself). InvalidArgument with a one-line
// message naming the offending option or value; `--help` yields a Cancelled status
// whose message is the usage text.
absl::StatusOr<SubmitOptions> ParseSubmitOptions(int argc, const char* const* argv);

}  // namespace centella

#endif  // CENTELLA_TOOLS_SUBMIT_SUBMIT_OPTIONS_H_

// What centella-submit does against a standalone cluster manager besides client mode:
// submit a driver to run on the cluster (--deploy-mode cluster), and the status, kill
// and list commands. Each prints its result on stdout; errors name the manager.
#ifndef CENTELLA_TOOLS_SUBMIT_CLUSTER_COMMANDS_H_
#define CENTELLA_TOOLS_SUBMIT_CLUSTER_COMMANDS_H_

#include <string>

#include "absl/status/status.h"
#include "common/auth/shared_secret.h"
#include "tools/submit/submit_options.h"

namespace centella {

// Uploads the program and asks the manager to run it as a driver on a daemon (restarted
// on failure with --supervise). Prints the driver id.
absl::Status SubmitClusterDriver(const SubmitOptions& options, const SharedSecret& secret);

// `status DRIVER_ID`, `kill DRIVER_ID`, `list`.
absl::Status PrintDriverStatus(const SubmitOptions& options, const SharedSecret& secret);
absl::Status KillClusterDriver(const SubmitOptions& options, const SharedSecret& secret);
absl::Status ListApplications(const SubmitOptions& options, const SharedSecret& secret);

}  // namespace centella

#endif  // CENTELLA_TOOLS_SUBMIT_CLUSTER_COMMANDS_H_

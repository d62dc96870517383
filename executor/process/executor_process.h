// The executor process of one application on one machine: started by the executor
// daemon as the application's own binary (so every operator of the job is in its
// registry), it serves the Executor service, registers with the driver, runs tasks on
// its granted cores, and ends when the driver stops it or disappears.
#ifndef CENTELLA_EXECUTOR_PROCESS_EXECUTOR_PROCESS_H_
#define CENTELLA_EXECUTOR_PROCESS_EXECUTOR_PROCESS_H_

#include "absl/status/status.h"
#include "executor/process/executor_process_options.h"

namespace centella {

// Runs until the driver sends StopExecutor (OK) or is unreachable for longer than
// options.driver_timeout (Unavailable). Errors in setting up (bad secret, cannot listen,
// driver refuses registration) are returned at once.
absl::Status RunExecutorProcess(const ExecutorProcessOptions& options);

// The entry point Context::FromEnvironment calls when CENTELLA_ROLE=executor: runs the
// executor and terminates the process with its outcome (0 on a clean stop).
[[noreturn]] void RunExecutorProcessAndExit();

}  // namespace centella

#endif  // CENTELLA_EXECUTOR_PROCESS_EXECUTOR_PROCESS_H_

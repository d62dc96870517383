// Executor mode for every job binary, before the job's own main().
//
// A job is linked with -Wl,--wrap=main (centella_add_job, and the centella::centella
// target for out-of-tree jobs), so the C runtime calls __wrap_main. When an executor
// daemon started this binary as an executor (CENTELLA_ROLE=executor) it runs the executor
// and exits; otherwise the job's main() runs as written. This happens after static
// initialisation, so every operator of the job is already registered — and it does not
// depend on what the job's main() does first (parse its arguments, print usage, ...).
#include "executor/process/executor_process.h"
#include "executor/process/executor_process_options.h"

extern "C" int __real_main(int argc, char** argv);

extern "C" int __wrap_main(int argc, char** argv) {
  if (centella::IsExecutorProcess()) centella::RunExecutorProcessAndExit();
  return __real_main(argc, argv);
}

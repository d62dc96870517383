// ContextOptions: what a Context is created with (Context::Create). Jobs started by
// centella-submit get them from the environment (Context::FromEnvironment).
#ifndef CENTELLA_DRIVER_API_CONTEXT_OPTIONS_H_
#define CENTELLA_DRIVER_API_CONTEXT_OPTIONS_H_

#include <string>

#include "common/config/conf.h"

namespace centella {

class SchedulerListener;

struct ContextOptions {
  std::string master = "local[*]";
  std::string app_name = "centella-app";
  Conf conf;
  // Optional observer of jobs, stages and tasks; must outlive the context. It hears
  // everything whether or not the console progress bar is drawn.
  SchedulerListener* listener = nullptr;
};

}  // namespace centella

#endif  // CENTELLA_DRIVER_API_CONTEXT_OPTIONS_H_

// The one header a Centella job includes.
#ifndef CENTELLA_DRIVER_API_CENTELLA_H_
#define CENTELLA_DRIVER_API_CENTELLA_H_

#include "common/serde/serde.h"
#include "common/status/status_macros.h"
#include "driver/api/accumulator.h"
#include "driver/api/broadcast.h"
#include "driver/api/context.h"
#include "driver/api/rdd.h"
#include "driver/api/text_tokens.h"
#include "executor/task/task_context.h"

#endif  // CENTELLA_DRIVER_API_CENTELLA_H_

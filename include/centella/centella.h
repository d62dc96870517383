// The one header a Centella job includes: Context, Rdd and its operators, accumulators,
// broadcast variables, record serialization (CENTELLA_FIELDS) and the status macros.
//
// In the installed SDK this is <prefix>/include/centella/centella.h; the headers it
// includes live beside it under include/centella/ and are not a stable interface of
// their own: include this one.
#ifndef CENTELLA_CENTELLA_H_
#define CENTELLA_CENTELLA_H_

#include "common/serde/serde.h"
#include "common/status/status_macros.h"
#include "driver/api/accumulator.h"
#include "driver/api/broadcast.h"
#include "driver/api/context.h"
#include "driver/api/rdd.h"
#include "driver/api/text_tokens.h"
#include "engine/task/task_context.h"

#endif  // CENTELLA_CENTELLA_H_

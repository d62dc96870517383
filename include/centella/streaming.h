// The one header a streaming job includes (it includes centella/centella.h):
// StreamingContext, DStream, the inputs, the sinks and the listener (docs/streaming.md).
#ifndef CENTELLA_STREAMING_H_
#define CENTELLA_STREAMING_H_

#include "centella/centella.h"
#include "driver/streaming/dstream.h"
#include "driver/streaming/kafka_direct_dstream.h"
#include "driver/streaming/postgres_sink.h"
#include "driver/streaming/queue_input_dstream.h"
#include "driver/streaming/redis_sink.h"
#include "driver/streaming/streaming_context.h"
#include "driver/streaming/streaming_listener.h"

#endif  // CENTELLA_STREAMING_H_

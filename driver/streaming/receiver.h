// Receiver<T>: a custom input of a stream (Spark's Receiver) — anything that pushes
// records as they arrive (a socket, a message bus without offsets, a sensor).
//
// The streaming context starts it when the stream starts and stops it when the stream
// stops; in between the receiver calls `store` with every record, from any thread. Each
// batch takes what was stored since the previous one (receiver_input_dstream.h). With a
// stream checkpoint the records a batch took are written to it before the batch runs, so a
// restart re-runs that batch with the same records; records stored but not yet taken by a
// batch when the driver dies are lost — a receiver's source cannot be asked for them again.
//
// Receivers run on the driver.
#ifndef CENTELLA_DRIVER_STREAMING_RECEIVER_H_
#define CENTELLA_DRIVER_STREAMING_RECEIVER_H_

#include <functional>
#include <string>

#include "absl/status/status.h"

namespace centella {

template <class T>
class Receiver {
 public:
  using Store = std::function<void(T record)>;
  virtual ~Receiver() = default;
  // Stable across runs of the same program ("socket:localhost:9999"): the input's id in
  // the checkpoint and in BatchInfo.
  virtual std::string id() const = 0;
  // Begins receiving in the background. An error here fails the stream's start.
  virtual absl::Status Start(Store store) = 0;
  // Stops receiving and returns once `store` is no longer called.
  virtual void Stop() = 0;
};

}  // namespace centella

#endif  // CENTELLA_DRIVER_STREAMING_RECEIVER_H_

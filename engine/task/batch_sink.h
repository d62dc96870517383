// BatchSink<T>: the erased boundary between lineage nodes.
//
// Records cross a node boundary in batches (one virtual call per batch, not per record);
// inside a stage, narrow operators are fused at compile time into the loop that drains
// each batch. A producer may reuse the storage of `batch` after Consume returns, and a
// consumer may move records out of it.
#ifndef CENTELLA_ENGINE_TASK_BATCH_SINK_H_
#define CENTELLA_ENGINE_TASK_BATCH_SINK_H_

#include <cstddef>
#include <span>

namespace centella {

inline constexpr size_t kBatchSize = 1024;

template <class T>
class BatchSink {
 public:
  virtual ~BatchSink() = default;
  // Returns false when the consumer needs no more records (e.g. take(n) is satisfied);
  // the producer then stops early and returns OK.
  virtual bool Consume(std::span<T> batch) = 0;
};

}  // namespace centella

#endif  // CENTELLA_ENGINE_TASK_BATCH_SINK_H_

// RddQueue<T> and QueueInputDStream<T>: a stream fed by RDDs pushed from the driver
// (Spark's queueStream), for tests and for demos without an external source.
//
// Each batch takes the oldest queued RDD (one_at_a_time) or the union of all queued ones;
// with none queued the batch gets an empty RDD. Pushing is thread-safe and may happen
// while the stream runs.
#ifndef CENTELLA_DRIVER_STREAMING_QUEUE_INPUT_DSTREAM_H_
#define CENTELLA_DRIVER_STREAMING_QUEUE_INPUT_DSTREAM_H_

#include <deque>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "driver/streaming/dstream_node.h"

namespace centella {

template <class T>
class RddQueue {
 public:
  void push(Rdd<T> rdd) {
    absl::MutexLock lock(&mu_);
    queue_.push_back(std::move(rdd));
  }
  size_t size() const {
    absl::MutexLock lock(&mu_);
    return queue_.size();
  }
  // The oldest RDD, or all of them (oldest first); empty when none is queued.
  std::vector<Rdd<T>> Take(bool all) {
    absl::MutexLock lock(&mu_);
    std::vector<Rdd<T>> out;
    while (!queue_.empty() && (all || out.empty())) {
      out.push_back(std::move(queue_.front()));
      queue_.pop_front();
    }
    return out;
  }

 private:
  mutable absl::Mutex mu_;
  std::deque<Rdd<T>> queue_ ABSL_GUARDED_BY(mu_);
};

template <class T>
class QueueInputDStream final : public DStreamNode<T> {
 public:
  QueueInputDStream(Context* ctx, absl::Duration batch_interval, std::shared_ptr<RddQueue<T>> queue,
                    bool one_at_a_time)
      : DStreamNode<T>("queue_stream", batch_interval, {}),
        ctx_(ctx),
        queue_(std::move(queue)),
        one_at_a_time_(one_at_a_time) {}

 protected:
  absl::StatusOr<std::optional<Rdd<T>>> Compute(absl::Time) override {
    std::vector<Rdd<T>> taken = queue_->Take(!one_at_a_time_);
    if (taken.empty()) return std::optional<Rdd<T>>(ctx_->parallelize(std::vector<T>{}, 1));
    Rdd<T> batch = taken.front();
    for (size_t i = 1; i < taken.size(); ++i) batch = batch.union_(taken[i]);
    return std::optional<Rdd<T>>(std::move(batch));
  }

 private:
  Context* ctx_;
  std::shared_ptr<RddQueue<T>> queue_;
  bool one_at_a_time_;
};

}  // namespace centella

#endif  // CENTELLA_DRIVER_STREAMING_QUEUE_INPUT_DSTREAM_H_

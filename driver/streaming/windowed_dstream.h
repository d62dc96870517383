// WindowedDStream<T>: every `slide`, the union of the parent's RDDs of the last `length`
// (batch times in (t - length, t]), as Spark's window(). Both durations are whole
// multiples of the parent's slide (StreamingContext checks them before start).
#ifndef CENTELLA_DRIVER_STREAMING_WINDOWED_DSTREAM_H_
#define CENTELLA_DRIVER_STREAMING_WINDOWED_DSTREAM_H_

#include <memory>
#include <optional>
#include <vector>

#include "common/status/status_macros.h"
#include "driver/streaming/dstream_node.h"

namespace centella {

template <class T>
class WindowedDStream final : public DStreamNode<T> {
 public:
  WindowedDStream(Context* ctx, std::shared_ptr<DStreamNode<T>> parent, absl::Duration length,
                  absl::Duration slide)
      : DStreamNode<T>("window", slide, {parent}),
        ctx_(ctx),
        parent_(std::move(parent)),
        length_(length) {
    parent_->RememberAtLeast(length);
  }

 protected:
  absl::StatusOr<std::optional<Rdd<T>>> Compute(absl::Time t) override {
    std::optional<Rdd<T>> window;
    for (absl::Time s = t - length_ + parent_->slide(); s <= t; s += parent_->slide()) {
      if (s <= parent_->zero_time()) continue;  // before the stream began
      ASSIGN_OR_RETURN(std::optional<Rdd<T>> rdd, parent_->GetOrCompute(s));
      if (!rdd) continue;
      window = window ? Rdd<T>(window->union_(*rdd)) : *rdd;
    }
    if (!window) window = Rdd<T>(ctx_->parallelize(std::vector<T>{}, 1));
    return window;
  }

 private:
  Context* ctx_;
  std::shared_ptr<DStreamNode<T>> parent_;
  absl::Duration length_;
};

}  // namespace centella

#endif  // CENTELLA_DRIVER_STREAMING_WINDOWED_DSTREAM_H_

// DerivedDStream<U>: a node whose RDD of each batch is a function of its parents' RDDs of
// the same batch — what map, filter, reduce_by_key, union, join and transform make.
//
// The function runs on the driver when the batch is generated and only builds lineage
// (it calls RDD transformations); the functions it passes to them are what executors run.
#ifndef CENTELLA_DRIVER_STREAMING_DERIVED_DSTREAM_H_
#define CENTELLA_DRIVER_STREAMING_DERIVED_DSTREAM_H_

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "driver/streaming/dstream_node.h"

namespace centella {

template <class U>
class DerivedDStream final : public DStreamNode<U> {
 public:
  // `derive(t)` returns the RDD of batch t (nullopt: none at t, e.g. a parent window
  // between its slides).
  using Derive = std::function<absl::StatusOr<std::optional<Rdd<U>>>(absl::Time t)>;

  DerivedDStream(std::string name, absl::Duration slide,
                 std::vector<std::shared_ptr<DStreamNodeBase>> parents, Derive derive)
      : DStreamNode<U>(std::move(name), slide, std::move(parents)), derive_(std::move(derive)) {}

 protected:
  absl::StatusOr<std::optional<Rdd<U>>> Compute(absl::Time t) override { return derive_(t); }

 private:
  Derive derive_;
};

}  // namespace centella

#endif  // CENTELLA_DRIVER_STREAMING_DERIVED_DSTREAM_H_

// DStreamNode<T>: one node of a stream graph — what gives the RDD of each batch.
//
// A DStream (driver/streaming/dstream.h) is a handle on a node; nodes form a DAG from the
// inputs to the output operations. Every batch interval the streaming context asks each
// output's node for the RDD of batch time t, which asks its parents, and so on: a node
// computes its RDD of t at most once and keeps it while a window downstream may still
// read it (remember()), then drops it, so the shuffles and blocks behind it are released
// (ContextCleaner).
//
// A node with a slide longer than the batch interval (a window) has an RDD only at batch
// times that are a whole number of slides after the stream's zero time; at other times
// it has none (nullopt), and outputs on it do nothing.
//
// Thread safety: none. Nodes are built before StreamingContext::start() and then used by
// the context's batch thread only.
#ifndef CENTELLA_DRIVER_STREAMING_DSTREAM_NODE_H_
#define CENTELLA_DRIVER_STREAMING_DSTREAM_NODE_H_

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <typeinfo>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "driver/api/rdd.h"

namespace centella {

class DStreamNodeBase {
 public:
  DStreamNodeBase(std::string name, absl::Duration slide,
                  std::vector<std::shared_ptr<DStreamNodeBase>> parents)
      : name_(std::move(name)), slide_(slide), parents_(std::move(parents)) {}
  virtual ~DStreamNodeBase() = default;
  DStreamNodeBase(const DStreamNodeBase&) = delete;
  DStreamNodeBase& operator=(const DStreamNodeBase&) = delete;

  // The operator that made it ("map", "window", "queue_stream"), for messages.
  const std::string& name() const { return name_; }
  // How often it has an RDD: the batch interval, or a window's slide.
  absl::Duration slide() const { return slide_; }
  const std::vector<std::shared_ptr<DStreamNodeBase>>& parents() const { return parents_; }

  // Keeps RDDs of at least the last `d` (a window of length d reads them); never less
  // than one slide.
  void RememberAtLeast(absl::Duration d) { remember_ = std::max(remember_, d); }
  absl::Duration remember() const { return std::max(remember_, slide_); }

  // Called by the context when the stream starts (an error fails start()) and when it
  // stops: inputs that receive records in the background begin and end there.
  virtual absl::Status Start() { return absl::OkStatus(); }
  virtual void Stop() {}

  // Drops the RDDs of batch times at or before `t`.
  virtual void ForgetUpTo(absl::Time t) = 0;
  // The record type, for the checkpoint's fingerprint of the graph.
  virtual std::string record_type() const = 0;
  // RDDs held now (for tests: a stream that runs for hours holds a bounded number).
  virtual int held() const = 0;

  // Set by the context at start(): the time batch times count from.
  void set_zero_time(absl::Time zero) { zero_time_ = zero; }
  absl::Time zero_time() const { return zero_time_; }
  // Whether this node has an RDD at batch time `t`.
  bool IsSlideTime(absl::Time t) const {
    return t > zero_time_ && (t - zero_time_) % slide_ == absl::ZeroDuration();
  }

 private:
  std::string name_;
  absl::Duration slide_;
  std::vector<std::shared_ptr<DStreamNodeBase>> parents_;
  absl::Duration remember_ = absl::ZeroDuration();
  absl::Time zero_time_ = absl::UnixEpoch();
};

template <class T>
class DStreamNode : public DStreamNodeBase {
 public:
  using DStreamNodeBase::DStreamNodeBase;

  // The RDD of batch time `t`: computed on first use, then the same RDD (so two outputs
  // or a window reading the same batch share its lineage, and its cache). nullopt when
  // `t` is not one of this node's slide times. An error of Compute is returned as is.
  absl::StatusOr<std::optional<Rdd<T>>> GetOrCompute(absl::Time t) {
    if (!IsSlideTime(t)) return std::optional<Rdd<T>>();
    auto it = generated_.find(t);
    if (it != generated_.end()) return it->second;
    absl::StatusOr<std::optional<Rdd<T>>> rdd = Compute(t);
    if (!rdd.ok()) return rdd.status();
    generated_.emplace(t, *rdd);
    return *rdd;
  }

  void ForgetUpTo(absl::Time t) override {
    generated_.erase(generated_.begin(), generated_.upper_bound(t));
  }
  int held() const override { return static_cast<int>(generated_.size()); }
  std::string record_type() const override { return typeid(T).name(); }

 protected:
  // The RDD of slide time `t` (called at most once per t).
  virtual absl::StatusOr<std::optional<Rdd<T>>> Compute(absl::Time t) = 0;

 private:
  std::map<absl::Time, std::optional<Rdd<T>>> generated_;
};

}  // namespace centella

#endif  // CENTELLA_DRIVER_STREAMING_DSTREAM_NODE_H_

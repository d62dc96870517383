// KeyedStateNode<State>: what every stateful stream node shares — an RDD of state records
// per batch, carried from one batch to the next, kept short and restorable
// (update_state_by_key, event-time windows).
//
// The state of batch t is computed by the subclass from Previous(t) (the state of batch
// t - slide, the one restored after a restart, or empty) and handed to Keep(t, next),
// which caches it, so the next batch reads it instead of recomputing the chain, and
// every `checkpoint_every` batches checkpoints it (StreamingContext::RddCheckpointDir),
// which cuts its lineage: a stream that runs for days neither keeps every batch's
// shuffle nor recomputes them after a lost executor. Cached states and checkpoint files
// older than the last two go.
//
// As a StreamState it snapshots the state after each batch into the stream checkpoint
// and restores it on restart.
#ifndef CENTELLA_DRIVER_STREAMING_KEYED_STATE_NODE_H_
#define CENTELLA_DRIVER_STREAMING_KEYED_STATE_NODE_H_

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/serde/byte_reader.h"
#include "common/serde/serde.h"
#include "common/status/status_macros.h"
#include "driver/streaming/dstream_node.h"
#include "driver/streaming/stream_state.h"

namespace centella {

// A state snapshot's record in a commit entry.
struct StateSnapshot {
  std::string dir;
  int32_t partitions = 0;
  CENTELLA_FIELDS(dir, partitions)
};

// What a stateful node needs from the streaming context (built by DStream).
template <class State>
struct StateStorage {
  // Writes an RDD's checkpoint (under the stream's RDD checkpoint directory) and returns
  // the RDD reading it back.
  std::function<absl::StatusOr<Rdd<State>>(const Rdd<State>& rdd)> checkpoint;
  // Deletes the checkpoint files of an RDD once no batch can read them.
  std::function<void(int rdd_id)> remove_checkpoint;
  // The RDD of a snapshot's files.
  std::function<Rdd<State>(const std::string& dir, int partitions)> load;
};

template <class State>
class KeyedStateNode : public DStreamNode<State>, public StreamState {
 public:
  // `slide`: how often the state moves on (default: every batch of the parent).
  KeyedStateNode(std::string name, Context* ctx, std::shared_ptr<DStreamNodeBase> parent,
                 int num_partitions, int checkpoint_every, StateStorage<State> storage,
                 absl::Duration slide = absl::ZeroDuration())
      : DStreamNode<State>(std::move(name), slide > absl::ZeroDuration() ? slide : parent->slide(),
                           {parent}),
        ctx_(ctx),
        num_partitions_(num_partitions),
        checkpoint_every_(std::max(1, checkpoint_every)),
        storage_(std::move(storage)) {
    // The previous batch's state is what the next one starts from.
    this->RememberAtLeast(2 * this->slide());
  }

  void ForgetUpTo(absl::Time t) override {
    for (auto it = cached_.begin(); it != cached_.end() && it->first <= t;) {
      (void)it->second.unpersist();
      it = cached_.erase(it);
    }
    DStreamNode<State>::ForgetUpTo(t);
  }

  absl::StatusOr<std::string> Snapshot(absl::Time t, const std::string& dir) override {
    auto it = cached_.find(t);
    if (it == cached_.end()) return std::string();
    ASSIGN_OR_RETURN(Rdd<State> written, it->second.checkpoint_to(dir));
    (void)written;
    return SerializeToString(StateSnapshot{dir, static_cast<int32_t>(it->second.num_partitions())});
  }
  absl::Status Restore(std::string_view record) override {
    StateSnapshot snapshot;
    ByteReader r(record);
    if (!Deserialize(r, &snapshot) || !r.done()) {
      return absl::DataLossError("a state snapshot record in the checkpoint does not decode");
    }
    restored_ = storage_.load(snapshot.dir, snapshot.partitions);
    return absl::OkStatus();
  }

 protected:
  // Partitions of the state (the user's number, else the default parallelism).
  int partitions() const {
    return num_partitions_ > 0 ? num_partitions_ : ctx_->default_parallelism();
  }
  // An empty RDD of records of type R (a batch or a state with nothing in it).
  template <class R>
  Rdd<R> Empty() const {
    return Rdd<R>(ctx_->parallelize(std::vector<R>{}, 1));
  }

  // The state batch `t` starts from.
  absl::StatusOr<Rdd<State>> Previous(absl::Time t) {
    std::optional<Rdd<State>> previous;
    const absl::Time before = t - this->slide();
    if (this->IsSlideTime(before)) {
      ASSIGN_OR_RETURN(previous, this->GetOrCompute(before));
    }
    if (!previous && restored_) {
      // The first batch after a restart starts from the last committed batch's state.
      previous = std::move(restored_);
      restored_.reset();
    }
    if (!previous) return Empty<State>();
    return *std::move(previous);
  }

  // The usual step of a stateful node: the previous state cogrouped with the parent's
  // batch `t` (an empty one when the parent has none then), through the flat_map
  // function make_step() returns — called once the parent's batch is computed, so that
  // it may depend on what computing it observed (the watermark) — then kept.
  template <class Input, class MakeStep>
  absl::StatusOr<std::optional<Rdd<State>>> CogroupWithBatch(absl::Time t,
                                                             DStreamNode<Input>& parent,
                                                             MakeStep make_step) {
    ASSIGN_OR_RETURN(Rdd<State> previous, Previous(t));
    ASSIGN_OR_RETURN(std::optional<Rdd<Input>> batch, parent.GetOrCompute(t));
    if (!batch) batch = Empty<Input>();
    Rdd<State> next = previous.cogroup(*batch, partitions()).flat_map(make_step());
    ASSIGN_OR_RETURN(next, Keep(t, std::move(next)));
    return std::optional<Rdd<State>>(std::move(next));
  }

  // Batch `t`'s state: cached, and checkpointed every `checkpoint_every` batches.
  absl::StatusOr<Rdd<State>> Keep(absl::Time t, Rdd<State> next) {
    next = next.cache();
    if (++batches_ % checkpoint_every_ == 0) {
      ASSIGN_OR_RETURN(Rdd<State> written, storage_.checkpoint(next));
      (void)next.unpersist();
      const int rdd_id = next.AsNode()->rdd_id();
      next = written.cache();
      checkpoints_.push_back(rdd_id);
      // The state before the previous checkpoint can no longer be read by any batch.
      while (checkpoints_.size() > 2) {
        storage_.remove_checkpoint(checkpoints_.front());
        checkpoints_.pop_front();
      }
    }
    cached_.emplace(t, next);
    return next;
  }

  Context* const ctx_;

 private:
  const int num_partitions_;
  const int checkpoint_every_;
  StateStorage<State> storage_;
  std::optional<Rdd<State>> restored_;
  int64_t batches_ = 0;
  std::map<absl::Time, Rdd<State>> cached_;
  std::deque<int> checkpoints_;  // rdd ids whose checkpoint files exist, oldest first
};

}  // namespace centella

#endif  // CENTELLA_DRIVER_STREAMING_KEYED_STATE_NODE_H_

// StateDStream: update_state_by_key — a state per key carried from batch to batch (Spark's
// updateStateByKey).
//
// The state of batch t is an RDD of (key, state): the cogroup of the state of batch t - 1
// with the batch's new (key, value) records, through update(new values, previous state)
// for every key that has either; nullopt drops the key. Each state RDD is cached, so the
// next batch reads it instead of recomputing the chain; every `checkpoint_every` batches
// it is written with checkpoint() (centella.checkpoint.dir), which cuts its lineage, so a
// stream that runs for days neither keeps every batch's shuffle nor recomputes them after
// a lost executor. Cached states and checkpoint files older than the last two go.
#ifndef CENTELLA_DRIVER_STREAMING_STATE_DSTREAM_H_
#define CENTELLA_DRIVER_STREAMING_STATE_DSTREAM_H_

#include <deque>
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
#include "engine/plan/shippable_function.h"

namespace centella {

// One key's step: its previous state (at most one) and its new values in, its next
// state (or nothing) out. Shipped to executors with the user's function inside.
template <class K, class V, class S, class F>
struct StateStep {
  F update;
  std::vector<std::pair<K, S>> operator()(
      std::pair<K, std::pair<std::vector<S>, std::vector<V>>> kv) const {
    auto& [states, values] = kv.second;
    std::optional<S> previous;
    if (!states.empty()) previous = std::move(states.front());
    std::optional<S> next = update(static_cast<const std::vector<V>&>(values), std::move(previous));
    if (!next) return {};
    return {std::pair<K, S>(std::move(kv.first), std::move(*next))};
  }
};

// A function object with CENTELLA_FIELDS travels through Serde; a plain lambda makes the
// step trivially copyable, which ships byte for byte.
template <class K, class V, class S, class F>
struct Serde<StateStep<K, V, S, F>, std::enable_if_t<kIsSerializable<F>>> {
  static void Write(ByteWriter& w, const StateStep<K, V, S, F>& s) { Serde<F>::Write(w, s.update); }
  static bool Read(ByteReader& r, StateStep<K, V, S, F>* s) {
    return Serde<F>::Read(r, &s->update);
  }
};

// A state snapshot's record in a commit entry.
struct StateSnapshot {
  std::string dir;
  int32_t partitions = 0;
  CENTELLA_FIELDS(dir, partitions)
};

template <class K, class V, class S, class F>
class StateDStream final : public DStreamNode<std::pair<K, S>>, public StreamState {
 public:
  using State = std::pair<K, S>;
  // Makes the RDD of a snapshot's files (StreamingContext::RddOf of a CheckpointNode).
  using Load = std::function<Rdd<State>(const std::string& dir, int partitions)>;

  StateDStream(Context* ctx, std::shared_ptr<DStreamNode<std::pair<K, V>>> parent, F update,
               int num_partitions, int checkpoint_every,
               std::function<void(int rdd_id)> remove_checkpoint, Load load)
      : DStreamNode<State>("update_state_by_key", parent->slide(), {parent}),
        ctx_(ctx),
        parent_(std::move(parent)),
        update_(std::move(update)),
        num_partitions_(num_partitions),
        checkpoint_every_(checkpoint_every),
        remove_checkpoint_(std::move(remove_checkpoint)),
        load_(std::move(load)) {
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
    restored_ = load_(snapshot.dir, snapshot.partitions);
    return absl::OkStatus();
  }

 protected:
  absl::StatusOr<std::optional<Rdd<State>>> Compute(absl::Time t) override {
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
    if (!previous) previous = Rdd<State>(ctx_->parallelize(std::vector<State>{}, 1));
    using Input = std::pair<K, V>;
    ASSIGN_OR_RETURN(std::optional<Rdd<Input>> batch, parent_->GetOrCompute(t));
    if (!batch) batch = Rdd<Input>(ctx_->parallelize(std::vector<Input>{}, 1));
    const int n = num_partitions_ > 0 ? num_partitions_ : ctx_->default_parallelism();
    Rdd<State> next = previous->cogroup(*batch, n).flat_map(StateStep<K, V, S, F>{update_}).cache();
    if (++batches_ % checkpoint_every_ == 0) {
      ASSIGN_OR_RETURN(Rdd<State> written, next.checkpoint());
      (void)next.unpersist();
      const int rdd_id = next.AsNode()->rdd_id();
      next = written.cache();
      checkpoints_.push_back(rdd_id);
      // The state before the previous checkpoint can no longer be read by any batch.
      while (checkpoints_.size() > 2) {
        remove_checkpoint_(checkpoints_.front());
        checkpoints_.pop_front();
      }
    }
    cached_.emplace(t, next);
    return std::optional<Rdd<State>>(next);
  }

 private:
  Context* ctx_;
  std::shared_ptr<DStreamNode<std::pair<K, V>>> parent_;
  F update_;
  int num_partitions_;
  int checkpoint_every_;
  std::function<void(int)> remove_checkpoint_;
  Load load_;
  std::optional<Rdd<State>> restored_;
  int64_t batches_ = 0;
  std::map<absl::Time, Rdd<State>> cached_;
  std::deque<int> checkpoints_;  // rdd ids whose checkpoint files exist, oldest first
};

}  // namespace centella

#endif  // CENTELLA_DRIVER_STREAMING_STATE_DSTREAM_H_

// StateDStream: update_state_by_key — a state per key carried from batch to batch (Spark's
// updateStateByKey).
//
// The state of batch t is an RDD of (key, state): the cogroup of the state of batch t - 1
// with the batch's new (key, value) records, through update(new values, previous state)
// for every key that has either; nullopt drops the key. Caching, checkpoints and
// snapshots: keyed_state_node.h.
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
#include "driver/streaming/keyed_state_node.h"
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

template <class K, class V, class S, class F>
class StateDStream final : public KeyedStateNode<std::pair<K, S>> {
 public:
  using State = std::pair<K, S>;

  StateDStream(Context* ctx, std::shared_ptr<DStreamNode<std::pair<K, V>>> parent, F update,
               int num_partitions, int checkpoint_every, StateStorage<State> storage)
      : KeyedStateNode<State>("update_state_by_key", ctx, parent, num_partitions, checkpoint_every,
                              std::move(storage)),
        parent_(std::move(parent)),
        update_(std::move(update)) {}

 protected:
  absl::StatusOr<std::optional<Rdd<State>>> Compute(absl::Time t) override {
    return this->CogroupWithBatch(t, *parent_, [this] { return StateStep<K, V, S, F>{update_}; });
  }

 private:
  std::shared_ptr<DStreamNode<std::pair<K, V>>> parent_;
  F update_;
};

}  // namespace centella

#endif  // CENTELLA_DRIVER_STREAMING_STATE_DSTREAM_H_

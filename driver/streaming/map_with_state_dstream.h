// MapWithStateDStream: map_with_state — a state per key that a function reads and changes
// record by record, emitting one output per call, with keys that time out (Spark's
// mapWithState with StateSpec.timeout).
//
// For every record (key, value) of a batch, f(key, std::optional<V>(value), state) runs
// with the key's State<S> (exists/get/update/remove) and returns an output. A key whose
// state was last updated `timeout` or more before the batch time (0: never) and that gets
// no record in the batch is called once more with value nullopt and
// state.is_timing_out() true, then its state is removed. The stream's RDD of a batch is
// the outputs of that batch's calls.
//
// The state RDD (caching, checkpoints, snapshots in the stream checkpoint) is a
// KeyedStateNode; each entry carries the key's state, the batch time it was last updated
// and the outputs of the batch that made it.
#ifndef CENTELLA_DRIVER_STREAMING_MAP_WITH_STATE_DSTREAM_H_
#define CENTELLA_DRIVER_STREAMING_MAP_WITH_STATE_DSTREAM_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "common/serde/serde.h"
#include "common/status/status_macros.h"
#include "driver/streaming/keyed_state_node.h"
#include "engine/plan/shippable_function.h"

namespace centella {

// A key's state as the mapping function sees it.
template <class S>
class State {
 public:
  explicit State(std::optional<S> value, bool timing_out = false)
      : value_(std::move(value)), timing_out_(timing_out) {}
  bool exists() const { return value_.has_value(); }
  // The state; only when exists().
  const S& get() const { return *value_; }
  // Sets the state (not while timing out: the key is being removed).
  void update(S value) {
    if (!timing_out_) value_ = std::move(value);
  }
  void remove() { value_.reset(); }
  bool is_timing_out() const { return timing_out_; }
  std::optional<S>& value() { return value_; }

 private:
  std::optional<S> value_;
  bool timing_out_;
};

// A key's entry in the state RDD.
template <class S, class Out>
struct MapWithStateEntry {
  std::optional<S> state;
  int64_t updated_ms = 0;    // batch time of the last update
  std::vector<Out> emitted;  // the outputs of the batch that made this entry
  CENTELLA_FIELDS(state, updated_ms, emitted)
};

// One key's step. Shipped to executors with the user's function inside.
template <class K, class V, class S, class Out, class F>
struct MapWithStateStep {
  F f;
  int64_t now_ms = 0;
  int64_t timeout_ms = 0;  // 0: no timeout

  using Entry = MapWithStateEntry<S, Out>;
  std::vector<std::pair<K, Entry>> operator()(
      std::pair<K, std::pair<std::vector<Entry>, std::vector<V>>> kv) const {
    const K& key = kv.first;
    auto& [previous, values] = kv.second;
    Entry next;
    std::optional<S> old;
    int64_t updated = 0;
    if (!previous.empty()) {
      old = std::move(previous.front().state);
      updated = previous.front().updated_ms;
    }
    if (!values.empty()) {
      State<S> state(std::move(old));
      for (V& v : values) next.emitted.push_back(f(key, std::optional<V>(std::move(v)), state));
      next.state = std::move(state.value());
      next.updated_ms = now_ms;
    } else if (old && timeout_ms > 0 && now_ms - updated >= timeout_ms) {
      State<S> state(std::move(old), /*timing_out=*/true);
      next.emitted.push_back(f(key, std::optional<V>(), state));
    } else {
      next.state = std::move(old);
      next.updated_ms = updated;
    }
    if (!next.state && next.emitted.empty()) return {};
    return {std::pair<K, Entry>(key, std::move(next))};
  }
};

template <class K, class V, class S, class Out, class F>
struct Serde<MapWithStateStep<K, V, S, Out, F>, std::enable_if_t<kIsSerializable<F>>> {
  static void Write(ByteWriter& w, const MapWithStateStep<K, V, S, Out, F>& s) {
    Serialize(w, s.f);
    Serialize(w, s.now_ms);
    Serialize(w, s.timeout_ms);
  }
  static bool Read(ByteReader& r, MapWithStateStep<K, V, S, Out, F>* s) {
    return Deserialize(r, &s->f) && Deserialize(r, &s->now_ms) && Deserialize(r, &s->timeout_ms);
  }
};

// The outputs of an entry. Trivially copyable: shipped as bytes.
template <class K, class S, class Out>
struct EmittedOutputs {
  std::vector<Out> operator()(const std::pair<K, MapWithStateEntry<S, Out>>& e) const {
    return e.second.emitted;
  }
};

template <class K, class V, class S, class Out, class F>
class MapWithStateDStream final : public KeyedStateNode<std::pair<K, MapWithStateEntry<S, Out>>> {
 public:
  using Entry = MapWithStateEntry<S, Out>;
  using StateRecord = std::pair<K, Entry>;

  MapWithStateDStream(Context* ctx, std::shared_ptr<DStreamNode<std::pair<K, V>>> parent, F f,
                      absl::Duration timeout, int num_partitions, int checkpoint_every,
                      StateStorage<StateRecord> storage)
      : KeyedStateNode<StateRecord>("map_with_state", ctx, parent, num_partitions, checkpoint_every,
                                    std::move(storage)),
        parent_(std::move(parent)),
        f_(std::move(f)),
        timeout_ms_(absl::ToInt64Milliseconds(timeout)) {}

 protected:
  absl::StatusOr<std::optional<Rdd<StateRecord>>> Compute(absl::Time t) override {
    return this->CogroupWithBatch(t, *parent_, [&] {
      return MapWithStateStep<K, V, S, Out, F>{f_, absl::ToUnixMillis(t), timeout_ms_};
    });
  }

 private:
  std::shared_ptr<DStreamNode<std::pair<K, V>>> parent_;
  F f_;
  int64_t timeout_ms_;
};

}  // namespace centella

#endif  // CENTELLA_DRIVER_STREAMING_MAP_WITH_STATE_DSTREAM_H_

// DStream<T>: a stream of RDDs, one per batch (Spark's DStream). Operators return new
// DStreams and run nothing; output operations (foreach_rdd, print) make every batch run
// jobs once the StreamingContext is started.
//
// Functions given to map, filter, flat_map, map_partitions and reduce_by_key are shipped
// to executors exactly as the RDD operators ship them (capture plain values only; see
// shippable_function.h). Functions given to transform and foreach_rdd run on the driver.
//
// Windows: `length` and `slide` are whole multiples of the batch interval (checked by
// start()); a windowed stream has an RDD every `slide`, holding the records of the last
// `length`.
#ifndef CENTELLA_DRIVER_STREAMING_DSTREAM_H_
#define CENTELLA_DRIVER_STREAMING_DSTREAM_H_

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/status/status_macros.h"
#include "driver/api/rdd.h"
#include "driver/streaming/derived_dstream.h"
#include "driver/streaming/dstream_node.h"
#include "driver/streaming/map_with_state_dstream.h"
#include "driver/streaming/queue_input_dstream.h"
#include "driver/streaming/receiver_input_dstream.h"
#include "driver/streaming/reduced_window_dstream.h"
#include "driver/streaming/state_dstream.h"
#include "driver/streaming/stream_sink.h"
#include "driver/streaming/streaming_context.h"
#include "driver/streaming/windowed_dstream.h"
#include "engine/rdd/checkpoint_node.h"
#include "engine/rdd/text_format.h"

namespace centella {

template <class T, class E>
class EventTimeDStream;

template <class T>
class DStream {
 public:
  using Record = T;

  DStream(StreamingContext* ssc, std::shared_ptr<DStreamNode<T>> node)
      : ssc_(ssc), node_(std::move(node)) {}

  // ---- per-batch transformations ----

  // f(T) -> U
  template <class F>
  auto map(F f) const {
    return Derive("map", [f](const Rdd<T>& rdd) { return rdd.map(f); });
  }
  // f(const T&) -> bool
  template <class F>
  DStream<T> filter(F f) const {
    return Derive("filter", [f](const Rdd<T>& rdd) { return rdd.filter(f); });
  }
  // f(T) -> a range of U
  template <class F>
  auto flat_map(F f) const {
    return Derive("flat_map", [f](const Rdd<T>& rdd) { return rdd.flat_map(f); });
  }
  // f(std::vector<T>&&) -> std::vector<U>, once per partition of each batch
  template <class F>
  auto map_partitions(F f) const {
    return Derive("map_partitions", [f](const Rdd<T>& rdd) { return rdd.map_partitions(f); });
  }
  // For streams of (K, V): each batch's values of a key combined with f(V, V) -> V.
  template <class F>
  auto reduce_by_key(F f, int num_partitions = 0) const {
    return Derive("reduce_by_key", [f, num_partitions](const Rdd<T>& rdd) {
      return rdd.reduce_by_key(f, num_partitions);
    });
  }
  // (record, how many times it occurs in the batch)
  auto count_by_value(int num_partitions = 0) const {
    return map(CountOne{}).reduce_by_key(Sum{}, num_partitions);
  }
  // One record per batch: how many records the batch has (0 for an empty one).
  DStream<int64_t> count() const {
    Context* ctx = &ssc_->context();
    return map(ZeroOne{}).transform([ctx](const Rdd<std::pair<int, int64_t>>& ones, absl::Time) {
      // A zero of its own, so that an empty batch counts 0 rather than nothing.
      auto zero = ctx->parallelize(std::vector<std::pair<int, int64_t>>{{0, 0}}, 1);
      return Rdd<int64_t>(ones.union_(zero).reduce_by_key(Sum{}, 1).map(SecondOf{}));
    });
  }
  // The records of both streams, batch by batch.
  DStream<T> union_(const DStream<T>& other) const {
    auto self = node_;
    auto that = other.node_;
    return Make<T>("union", {self, that}, node_->slide(),
                   [self, that](absl::Time t) -> absl::StatusOr<std::optional<Rdd<T>>> {
                     ASSIGN_OR_RETURN(std::optional<Rdd<T>> a, self->GetOrCompute(t));
                     ASSIGN_OR_RETURN(std::optional<Rdd<T>> b, that->GetOrCompute(t));
                     if (!a || !b) return a ? a : b;
                     return std::optional<Rdd<T>>(a->union_(*b));
                   });
  }
  // For streams of (K, V) and (K, W): each batch's inner join, (K, (V, W)).
  template <class Other>
  auto join(const Other& other, int num_partitions = 0) const {
    using K = typename T::first_type;
    using V = typename T::second_type;
    using W = typename Other::Record::second_type;
    using Out = std::pair<K, std::pair<V, W>>;
    auto self = node_;
    auto that = other.node();
    return Make<Out>(
        "join", {self, that}, node_->slide(),
        [self, that, num_partitions](absl::Time t) -> absl::StatusOr<std::optional<Rdd<Out>>> {
          ASSIGN_OR_RETURN(std::optional<Rdd<T>> a, self->GetOrCompute(t));
          ASSIGN_OR_RETURN(auto b, that->GetOrCompute(t));
          if (!a || !b) return std::optional<Rdd<Out>>();
          return std::optional<Rdd<Out>>(Rdd<Out>(a->join(*b, num_partitions)));
        });
  }
  // fn(const Rdd<T>&, batch time) -> Rdd<U>, on the driver, for what the RDD API has and
  // DStream does not (a join with a static RDD, a sort, a sample).
  template <class Fn>
  auto transform(Fn fn) const {
    using Out = typename std::invoke_result_t<Fn, const Rdd<T>&, absl::Time>::Record;
    auto self = node_;
    return Make<Out>("transform", {self}, node_->slide(),
                     [self, fn](absl::Time t) -> absl::StatusOr<std::optional<Rdd<Out>>> {
                       ASSIGN_OR_RETURN(std::optional<Rdd<T>> in, self->GetOrCompute(t));
                       if (!in) return std::optional<Rdd<Out>>();
                       return std::optional<Rdd<Out>>(Rdd<Out>(fn(*in, t)));
                     });
  }

  // ---- state ----

  // For streams of (K, V): a state of type S per key, carried across batches.
  // update(const std::vector<V>& new_values, std::optional<S> state) -> std::optional<S>
  // runs every batch for every key that has new values or a state (nullopt drops the
  // key); the stream's RDD of each batch is every key's state after it. The function is
  // shipped like map's. Needs an RDD checkpoint directory (centella.checkpoint.dir or the
  // stream checkpoint, StreamingContext::RddCheckpointDir): every `checkpoint_every` batches
  // the state is checkpointed there so that its lineage stays short.
  //   auto totals = words.update_state_by_key<int64_t>(AddUp{});
  template <class S, class F>
  auto update_state_by_key(F update, int num_partitions = 0, int checkpoint_every = 10) const {
    using K = typename T::first_type;
    using V = typename T::second_type;
    static_assert(kIsShippable<F>, CENTELLA_SHIPPABLE_MESSAGE);
    static_assert(
        std::is_invocable_r_v<std::optional<S>, const F&, const std::vector<V>&, std::optional<S>>,
        "update_state_by_key<S>(f): f(const std::vector<V>&, std::optional<S>) must "
        "return std::optional<S>");
    ssc_->RequireRddCheckpointDir("update_state_by_key");
    auto node = std::make_shared<StateDStream<K, V, S, F>>(
        &ssc_->context(), node_, std::move(update), num_partitions, checkpoint_every,
        ssc_->StateStorageFor<std::pair<K, S>>());
    ssc_->AddNode(node);
    return DStream<std::pair<K, S>>(ssc_, std::move(node));
  }

  // For streams of (K, V): a state of type S per key that f reads and changes record by
  // record, emitting one output per call (map_with_state_dstream.h):
  //   f(const K& key, std::optional<V> value, State<S>& state) -> Out
  // Keys whose state was not updated for `timeout` (0: never) are called once with value
  // nullopt and state.is_timing_out(), then removed. Needs an RDD checkpoint directory,
  // as update_state_by_key does; the state is snapshotted with the stream checkpoint.
  template <class S, class F>
  auto map_with_state(F f, absl::Duration timeout = absl::ZeroDuration(), int num_partitions = 0,
                      int checkpoint_every = 10) const {
    using K = typename T::first_type;
    using V = typename T::second_type;
    static_assert(kIsShippable<F>, CENTELLA_SHIPPABLE_MESSAGE);
    static_assert(std::is_invocable_v<const F&, const K&, std::optional<V>, State<S>&>,
                  "map_with_state<S>(f): f(const K&, std::optional<V>, State<S>&) must return "
                  "the output of the call");
    using Out = std::decay_t<std::invoke_result_t<const F&, const K&, std::optional<V>, State<S>&>>;
    using Record = std::pair<K, MapWithStateEntry<S, Out>>;
    ssc_->RequireRddCheckpointDir("map_with_state");
    if (timeout < absl::ZeroDuration()) {
      ssc_->AddGraphError(absl::InvalidArgumentError(
          absl::StrCat("map_with_state: the timeout must not be negative, not ",
                       absl::FormatDuration(timeout))));
    }
    auto node = std::make_shared<MapWithStateDStream<K, V, S, Out, F>>(
        &ssc_->context(), node_, std::move(f), timeout, num_partitions, checkpoint_every,
        ssc_->StateStorageFor<Record>());
    ssc_->AddNode(node);
    return DStream<Record>(ssc_, std::move(node)).flat_map(EmittedOutputs<K, S, Out>{});
  }

  // ---- event time ----

  // The stream's records with an event time, event_time_of(const T&) -> absl::Time (or
  // an integer of ms since the epoch), and a watermark trailing the largest event time
  // seen by `max_delay`: records at or below it are late, dropped and counted (under
  // `name`, default: the inputs the stream reads). Windows over event time are on the
  // result (event_time_dstream.h; the rules: watermark_tracker.h).
  template <class E>
  EventTimeDStream<T, E> with_watermark(E event_time_of, absl::Duration max_delay,
                                        std::string name = "") const;

  // ---- windows ----

  // Every `slide` (default: every batch), the records of the last `length`.
  DStream<T> window(absl::Duration length, absl::Duration slide = absl::ZeroDuration()) const {
    if (slide == absl::ZeroDuration()) slide = ssc_->batch_interval();
    CheckWindow("window", length, slide);
    auto node = std::make_shared<WindowedDStream<T>>(&ssc_->context(), node_, length, slide);
    ssc_->AddNode(node);
    return DStream<T>(ssc_, std::move(node));
  }
  // For streams of (K, V): window(length, slide).reduce_by_key(f).
  template <class F>
  auto reduce_by_key_and_window(F f, absl::Duration length,
                                absl::Duration slide = absl::ZeroDuration(),
                                int num_partitions = 0) const {
    return window(length, slide).reduce_by_key(f, num_partitions);
  }
  // The same, incrementally (reduced_window_dstream.h): each slide adds the batches
  // entering the window with f and takes the ones leaving it out with `inverse`, which
  // must undo f (inverse(f(a, b), b) == a). Keys whose records have all left the window
  // are dropped. Needs an RDD checkpoint directory; refuses a stream checkpoint (a
  // restart could not take out the batches from before it).
  template <class F, class G>
  requires(!std::is_same_v<G, absl::Duration>) auto reduce_by_key_and_window(
      F f, G inverse, absl::Duration length, absl::Duration slide, int num_partitions = 0) const {
    using K = typename T::first_type;
    using V = typename T::second_type;
    using State = std::pair<K, WindowedValue<V>>;
    static_assert(kIsShippable<F> && kIsShippable<G>, CENTELLA_SHIPPABLE_MESSAGE);
    CheckWindow("reduce_by_key_and_window", length, slide);
    ssc_->RequireRddCheckpointDir("reduce_by_key_and_window with an inverse");
    if (ssc_->has_stream_checkpoint()) {
      ssc_->AddGraphError(absl::FailedPreconditionError(
          "reduce_by_key_and_window with an inverse function cannot resume from a stream "
          "checkpoint (the batches leaving the window after a restart are gone): drop the "
          "inverse or the checkpoint"));
    }
    auto node = std::make_shared<ReducedWindowDStream<K, V, F, G>>(
        &ssc_->context(), node_, std::move(f), std::move(inverse), length, slide, num_partitions,
        ssc_->StateStorageFor<State>());
    ssc_->AddNode(node);
    return DStream<State>(ssc_, std::move(node)).map(WindowedValueOf<K, V>{});
  }
  // How many records the last `length` held, every `slide`.
  DStream<int64_t> count_by_window(absl::Duration length,
                                   absl::Duration slide = absl::ZeroDuration()) const {
    return window(length, slide).count();
  }

  // ---- output operations ----

  // fn(const Rdd<T>&, batch time) -> absl::Status runs on the driver for every batch (of
  // every slide, for a window) and may run any action; an error fails the batch.
  template <class Fn>
  void foreach_rdd(Fn fn) const {
    static_assert(std::is_invocable_r_v<absl::Status, Fn, const Rdd<T>&, absl::Time>,
                  "foreach_rdd(fn): fn(const Rdd<T>&, absl::Time) must return absl::Status");
    foreach_batch([fn](const Rdd<T>& rdd, const BatchRef& batch) { return fn(rdd, batch.time); });
  }
  // The same with the batch's id as well: a sink that stores its output under the batch
  // id (a directory per batch, a row recording the last batch written) makes a batch that
  // runs again after a restart — with the same id and the same input — write nothing
  // twice.
  template <class Fn>
  void foreach_batch(Fn fn) const {
    static_assert(std::is_invocable_r_v<absl::Status, Fn, const Rdd<T>&, const BatchRef&>,
                  "foreach_batch(fn): fn(const Rdd<T>&, const BatchRef&) must return absl::Status");
    auto self = node_;
    ssc_->AddOutput(
        [self, fn](const BatchRef& batch) -> absl::StatusOr<StreamingContext::PreparedOutput> {
          ASSIGN_OR_RETURN(std::optional<Rdd<T>> rdd, self->GetOrCompute(batch.time));
          if (!rdd) return StreamingContext::PreparedOutput();
          return StreamingContext::PreparedOutput(
              [fn, rdd = *std::move(rdd), batch] { return fn(rdd, batch); });
        });
  }
  // A file sink that writes every batch exactly once: batch N's records go to
  // `dir`/batch-N/part-* (save_as_text_file: all or nothing, with _SUCCESS). A batch that
  // runs again after a restart finds its directory complete and writes nothing, or half
  // written (the driver died inside it) and writes it anew.
  void save_as_text_files(const std::string& dir) const {
    const std::string root = std::filesystem::absolute(dir).lexically_normal().string();
    foreach_batch([root](const Rdd<T>& rdd, const BatchRef& batch) -> absl::Status {
      const std::filesystem::path out =
          std::filesystem::path(root) / absl::StrCat("batch-", batch.id);
      std::error_code ec;
      if (std::filesystem::exists(out / "_SUCCESS", ec)) return absl::OkStatus();
      std::filesystem::remove_all(out, ec);
      if (ec) {
        return absl::InternalError(
            absl::StrCat("cannot remove the unfinished output ", out.string(), ": ", ec.message()));
      }
      std::filesystem::create_directories(root, ec);
      return rdd.save_as_text_file(out.string());
    });
  }
  // For streams of (K, V): every batch's records into `sink` (stream_sink.h) — key and
  // value as text, the way save_as_text_file prints them — collected on the driver and
  // written under the batch's id, tried `retry.attempts` times before the batch fails.
  // A key that comes twice in a batch keeps its last value.
  void write_to(std::shared_ptr<StreamSink> sink, SinkRetry retry = {}) const {
    foreach_batch(
        [sink = std::move(sink), retry](const Rdd<T>& rdd, const BatchRef& batch) -> absl::Status {
          ASSIGN_OR_RETURN(std::vector<T> records, rdd.collect());
          std::vector<SinkRow> rows;
          absl::flat_hash_map<std::string, size_t> index;
          for (const T& kv : records) {
            SinkRow row;
            AppendText(&row.key, kv.first);
            AppendText(&row.value, kv.second);
            auto [it, fresh] = index.emplace(row.key, rows.size());
            if (fresh) {
              rows.push_back(std::move(row));
            } else {
              rows[it->second] = std::move(row);
            }
          }
          absl::Duration wait = retry.backoff;
          for (int attempt = 1;; ++attempt) {
            absl::Status written = sink->WriteBatch(batch, rows);
            if (written.ok() || attempt >= std::max(1, retry.attempts)) {
              if (!written.ok()) {
                return absl::Status(written.code(),
                                    absl::StrCat("writing to ", sink->name(), " failed ", attempt,
                                                 " times: ", written.message()));
              }
              return written;
            }
            absl::SleepFor(wait);
            wait *= 2;
          }
        });
  }
  // Prints the first `n` records of every batch on stdout under a header with the batch
  // time, as Spark's print() does ("..." when there are more).
  void print(int n = 10) const {
    foreach_rdd([n](const Rdd<T>& rdd, absl::Time t) -> absl::Status {
      ASSIGN_OR_RETURN(std::vector<T> first, rdd.take(n + 1));
      std::string out =
          absl::StrCat("-------------------------------------------\nTime: ", absl::ToUnixMillis(t),
                       " ms\n-------------------------------------------\n");
      for (int i = 0; i < static_cast<int>(first.size()) && i < n; ++i) {
        AppendText(&out, first[i]);
        out.push_back('\n');
      }
      if (static_cast<int>(first.size()) > n) out += "...\n";
      out.push_back('\n');
      std::fwrite(out.data(), 1, out.size(), stdout);
      std::fflush(stdout);
      return absl::OkStatus();
    });
  }

  StreamingContext& context() const { return *ssc_; }
  // The graph node (for operators and tests).
  const std::shared_ptr<DStreamNode<T>>& node() const { return node_; }

 private:
  template <class U>
  friend class DStream;

  struct CountOne {
    std::pair<T, int64_t> operator()(T x) const { return {std::move(x), 1}; }
  };
  struct Sum {
    int64_t operator()(int64_t a, int64_t b) const { return a + b; }
  };
  struct ZeroOne {
    std::pair<int, int64_t> operator()(const T&) const { return {0, 1}; }
  };
  struct SecondOf {
    int64_t operator()(const std::pair<int, int64_t>& kv) const { return kv.second; }
  };

  // A node of the same slide whose RDD is op(parent's RDD) at every batch.
  template <class Op>
  auto Derive(std::string name, Op op) const {
    using Out = typename std::invoke_result_t<Op, const Rdd<T>&>::Record;
    auto self = node_;
    return Make<Out>(std::move(name), {self}, node_->slide(),
                     [self, op](absl::Time t) -> absl::StatusOr<std::optional<Rdd<Out>>> {
                       ASSIGN_OR_RETURN(std::optional<Rdd<T>> in, self->GetOrCompute(t));
                       if (!in) return std::optional<Rdd<Out>>();
                       return std::optional<Rdd<Out>>(Rdd<Out>(op(*in)));
                     });
  }

  template <class U>
  DStream<U> Make(std::string name, std::vector<std::shared_ptr<DStreamNodeBase>> parents,
                  absl::Duration slide, typename DerivedDStream<U>::Derive derive) const {
    auto node = std::make_shared<DerivedDStream<U>>(std::move(name), slide, std::move(parents),
                                                    std::move(derive));
    ssc_->AddNode(node);
    return DStream<U>(ssc_, std::move(node));
  }

  void CheckWindow(const char* op, absl::Duration length, absl::Duration slide) const {
    const absl::Duration unit = node_->slide();
    auto whole = [unit](absl::Duration d) {
      return d > absl::ZeroDuration() && d % unit == absl::ZeroDuration();
    };
    if (!whole(length) || !whole(slide)) {
      ssc_->AddGraphError(absl::InvalidArgumentError(absl::StrCat(
          op, "(length ", absl::FormatDuration(length), ", slide ", absl::FormatDuration(slide),
          "): both must be positive whole multiples of the stream's slide, ",
          absl::FormatDuration(unit))));
    }
  }

  StreamingContext* ssc_;
  std::shared_ptr<DStreamNode<T>> node_;
};

template <class T>
Rdd<T, Pipeline<T>> StreamingContext::RddOf(std::shared_ptr<Node<T>> node, int num_partitions) {
  ctx_->runtime().InitNode(*node, num_partitions);
  return Rdd<T>(ctx_, std::move(node));
}

template <class State>
StateStorage<State> StreamingContext::StateStorageFor() {
  return StateStorage<State>{
      [this](const Rdd<State>& rdd) -> absl::StatusOr<Rdd<State>> {
        ASSIGN_OR_RETURN(std::string root, RddCheckpointDir());
        ASSIGN_OR_RETURN(auto written,
                         rdd.checkpoint_to(absl::StrCat(root, "/rdd-", rdd.AsNode()->rdd_id())));
        return Rdd<State>(std::move(written));
      },
      [this](int rdd_id) { RemoveRddCheckpoint(rdd_id); },
      [this](const std::string& dir, int partitions) {
        return Rdd<State>(RddOf<State>(std::make_shared<CheckpointNode<State>>(dir), partitions));
      }};
}

template <class T>
DStream<T> StreamingContext::receiver_stream(std::shared_ptr<Receiver<T>> receiver) {
  auto node = std::make_shared<ReceiverInputDStream<T>>(ctx_, interval_, std::move(receiver));
  AddNode(node);
  return DStream<T>(this, std::move(node));
}

template <class T>
DStream<T> StreamingContext::queue_stream(std::shared_ptr<RddQueue<T>> queue, bool one_at_a_time) {
  auto node =
      std::make_shared<QueueInputDStream<T>>(ctx_, interval_, std::move(queue), one_at_a_time);
  AddNode(node);
  return DStream<T>(this, std::move(node));
}

}  // namespace centella

#include "driver/streaming/event_time_dstream.h"

#endif  // CENTELLA_DRIVER_STREAMING_DSTREAM_H_

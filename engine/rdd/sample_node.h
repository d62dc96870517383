// SampleNode<Pipe>: a random sample of a partition's records (Spark's sample()).
//
// Without replacement each record is kept with probability `fraction` (Bernoulli); with
// replacement each record appears k times, k drawn from Poisson(fraction). The generator
// is seeded from (seed, partition), so a recomputed partition yields the same sample and
// the whole sample is the same in every run with the same seed.
#ifndef CENTELLA_ENGINE_RDD_SAMPLE_NODE_H_
#define CENTELLA_ENGINE_RDD_SAMPLE_NODE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/serde/serde.h"
#include "common/serde/stable_hash.h"
#include "engine/plan/operator_registry.h"
#include "engine/rdd/plan_state.h"
#include "engine/rdd/run_pipeline.h"
#include "engine/rdd/sample_random.h"
#include "engine/task/node.h"

namespace centella {

template <class Pipe>
class SampleNode final : public RegisteredPlanObject<SampleNode<Pipe>, Node<typename Pipe::Out>> {
 public:
  using T = typename Pipe::Out;
  SampleNode(Pipe pipe, bool with_replacement, double fraction, uint64_t seed)
      : pipe_(std::move(pipe)),
        with_replacement_(with_replacement),
        fraction_(fraction),
        seed_(seed) {}

  std::string_view op_name() const override { return "sample"; }
  void SerializeState(std::string* out) const override {
    ByteWriter w(out);
    pipe_.Write(w);
    Serialize(w, with_replacement_);
    Serialize(w, fraction_);
    Serialize(w, seed_);
  }
  static absl::StatusOr<std::unique_ptr<PlanObject>> FromState(std::string_view state) {
    return ReadPlanState(state, [](ByteReader& r) -> std::unique_ptr<PlanObject> {
      std::optional<Pipe> pipe = Pipe::Read(r);
      if (!pipe) return nullptr;
      bool with_replacement = false;
      double fraction = 0;
      uint64_t seed = 0;
      if (!Deserialize(r, &with_replacement) || !Deserialize(r, &fraction) ||
          !Deserialize(r, &seed)) {
        return nullptr;
      }
      return std::make_unique<SampleNode>(std::move(*pipe), with_replacement, fraction, seed);
    });
  }

  absl::Status Compute(TaskContext& ctx, int partition, BatchSink<T>& out) const override {
    SampleRandom random(StableHash(std::pair<uint64_t, int>(seed_, partition)));
    std::vector<T> buffer;
    buffer.reserve(kBatchSize);
    bool stop = false;
    auto sink = [&](auto&& x) {
      if (stop) return;
      int copies = with_replacement_ ? random.Poisson(fraction_) : random.Uniform() < fraction_;
      for (int i = 0; i < copies; ++i) {
        if (i + 1 == copies) {
          buffer.emplace_back(std::forward<decltype(x)>(x));
        } else {
          buffer.emplace_back(x);
        }
      }
      if (buffer.size() >= kBatchSize) stop = !FlushBatch(buffer, out);
    };
    absl::Status s =
        RunPipeline(ctx, *this->parents().at(0), partition, pipe_, sink, [&] { return stop; });
    if (!s.ok()) return s;
    if (!stop && !buffer.empty()) FlushBatch(buffer, out);
    return absl::OkStatus();
  }

 private:
  Pipe pipe_;
  bool with_replacement_;
  double fraction_;
  uint64_t seed_;
};

}  // namespace centella

#endif  // CENTELLA_ENGINE_RDD_SAMPLE_NODE_H_

// ShuffleMapRunner<Pipe, Agg, Part>: the end of a map stage. Runs the stage's pipeline,
// combines per key when the aggregation allows (map-side combine), splits the records into
// one block per reduce partition with the partitioner (hash by default) and writes them as
// this task's map output.
//
// The combine table and the blocks are accounted against the task's memory. When refused
// more, the table is written out into the blocks (map-side combining is only an
// optimization: the reduce side combines again) and the blocks are appended to a spill
// file as one segment each; the final map output concatenates each block's segments.
#ifndef CENTELLA_ENGINE_RDD_SHUFFLE_MAP_RUNNER_H_
#define CENTELLA_ENGINE_RDD_SHUFFLE_MAP_RUNNER_H_

#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "common/serde/serde.h"
#include "common/serde/stable_hash.h"
#include "engine/memory/memory_manager.h"
#include "engine/memory/spill_file.h"
#include "engine/plan/operator_registry.h"
#include "engine/rdd/aggregation.h"
#include "engine/rdd/combine_table.h"
#include "engine/rdd/partitioner.h"
#include "engine/rdd/plan_state.h"
#include "engine/rdd/run_pipeline.h"
#include "engine/task/stage_runner.h"

namespace centella {

template <class Pipe, class Agg, class Part = HashPartitioner>
class ShuffleMapRunner final
    : public RegisteredPlanObject<ShuffleMapRunner<Pipe, Agg, Part>, StageRunner> {
 public:
  using K = typename Agg::Key;
  using V = typename Agg::Value;
  static_assert(std::is_same_v<typename Pipe::Out, std::pair<K, V>>);

  ShuffleMapRunner(Pipe pipe, Agg agg, int shuffle_id, Part part)
      : pipe_(std::move(pipe)),
        agg_(std::move(agg)),
        shuffle_id_(shuffle_id),
        part_(std::move(part)) {}

  void SerializeState(std::string* out) const override {
    ByteWriter w(out);
    pipe_.Write(w);
    agg_.Write(w);
    w.PutVarint(shuffle_id_);
    part_.Write(w);
  }
  static absl::StatusOr<std::unique_ptr<PlanObject>> FromState(std::string_view state) {
    return ReadPlanState(state, [](ByteReader& r) -> std::unique_ptr<PlanObject> {
      std::optional<Pipe> pipe = Pipe::Read(r);
      if (!pipe) return nullptr;
      std::optional<Agg> agg = Agg::Read(r);
      uint64_t shuffle_id = 0;
      if (!agg || !r.GetVarint(&shuffle_id)) return nullptr;
      std::optional<Part> part = Part::Read(r);
      if (!part) return nullptr;
      return std::make_unique<ShuffleMapRunner>(std::move(*pipe), std::move(*agg),
                                                static_cast<int>(shuffle_id), std::move(*part));
    });
  }

  absl::StatusOr<TaskOutcome> Run(TaskContext& ctx, const NodeBase& root) const override {
    const int num_reduce = part_.num_partitions();
    std::vector<std::string> blocks(num_reduce);
    int64_t buffered = 0;  // bytes in `blocks`
    int64_t written = 0;
    std::optional<int> bad_partition;  // the first out-of-range answer of a custom partitioner
    auto write = [&](const K& k, const auto& v) {
      int p = part_(k);
      if (p < 0 || p >= num_reduce) [[unlikely]] {
        if (!bad_partition) bad_partition = p;
        return;
      }
      std::string& block = blocks[p];
      const size_t before = block.size();
      ByteWriter w(&block);
      Serialize(w, k);
      Serialize(w, v);
      buffered += static_cast<int64_t>(block.size() - before);
      ++written;
    };

    MemoryReservation reservation(&ctx.memory());
    std::unique_ptr<SpillFile> spill;
    std::vector<std::vector<std::pair<uint64_t, uint64_t>>> segments(num_reduce);
    absl::Status spill_status;
    auto spill_blocks = [&]() -> absl::Status {
      if (!spill) {
        absl::StatusOr<std::unique_ptr<SpillFile>> file = ctx.CreateSpillFile();
        if (!file.ok()) return file.status();
        spill = *std::move(file);
      }
      for (int r = 0; r < num_reduce; ++r) {
        if (blocks[r].empty()) continue;
        absl::StatusOr<uint64_t> offset = spill->AppendRaw(blocks[r]);
        if (!offset.ok()) return offset.status();
        segments[r].emplace_back(*offset, blocks[r].size());
        std::string().swap(blocks[r]);
      }
      ctx.RecordSpill(buffered);
      buffered = 0;
      return absl::OkStatus();
    };

    absl::Status s;
    if constexpr (Agg::kMapSideCombine) {
      CombineTable<Agg> combined(&agg_);
      auto drain = [&]() {
        for (auto& [k, c] : combined.Finish()) write(k, c);
        combined.Clear();
      };
      auto sink = [&](auto&& kv) {
        if constexpr (std::is_const_v<std::remove_reference_t<decltype(kv)>>) {
          combined.AddValue(K(kv.first), V(kv.second));
        } else {
          combined.AddValue(std::move(kv.first), std::move(kv.second));
        }
        const int64_t bytes = combined.EstimatedBytes() + buffered;
        if (bytes > reservation.held() && !reservation.Ensure(bytes) && spill_status.ok()) {
          drain();
          spill_status = spill_blocks();
        }
      };
      s = RunPipeline(ctx, root, ctx.partition(), pipe_, sink, [&] { return !spill_status.ok(); });
      if (!s.ok()) return s;
      drain();
    } else {
      auto sink = [&](auto&& kv) {
        write(kv.first, kv.second);
        if (buffered > reservation.held() && !reservation.Ensure(buffered) && spill_status.ok()) {
          spill_status = spill_blocks();
        }
      };
      s = RunPipeline(ctx, root, ctx.partition(), pipe_, sink, [&] { return !spill_status.ok(); });
      if (!s.ok()) return s;
    }
    if (!spill_status.ok()) return spill_status;
    if (bad_partition) {
      return absl::InvalidArgumentError(absl::StrCat(
          "the partitioner returned partition ", *bad_partition, " for a shuffle into ", num_reduce,
          " partitions (valid: 0..", num_reduce - 1, ")"));
    }
    ctx.metrics().set_shuffle_records_written(written);
    absl::StatusOr<std::vector<uint64_t>> sizes;
    if (!spill) {
      sizes = ctx.WriteShuffle(shuffle_id_, blocks);
    } else {
      s = spill->FinishWriting();
      if (!s.ok()) return s;
      sizes = ctx.WriteShuffle(shuffle_id_, num_reduce, [&](int r, std::string* raw) {
        for (const auto& [offset, length] : segments[r]) {
          absl::Status read = spill->ReadRaw(offset, length, raw);
          if (!read.ok()) return read;
        }
        raw->append(blocks[r]);
        std::string().swap(blocks[r]);
        return absl::OkStatus();
      });
    }
    if (!sizes.ok()) return sizes.status();
    TaskOutcome outcome;
    outcome.block_sizes = std::move(*sizes);
    return outcome;
  }

 private:
  Pipe pipe_;
  Agg agg_;
  int shuffle_id_;
  Part part_;
};

}  // namespace centella

#endif  // CENTELLA_ENGINE_RDD_SHUFFLE_MAP_RUNNER_H_

// SortedRuns<Record, Less>: external merge sort for operators that outgrow their memory.
//
// An operator sorts what it holds, hands it to Spill() (one run on disk, the memory freed),
// goes on, and at the end merges every run with its sorted in-memory remainder in one
// pass: Merge() yields all records in `Less` order, holding one record per run in memory.
// Records travel through Serde. Equal records come out run by run, in the order they
// were spilled (the in-memory remainder last).
#ifndef CENTELLA_ENGINE_TASK_SORTED_RUNS_H_
#define CENTELLA_ENGINE_TASK_SORTED_RUNS_H_

#include <algorithm>
#include <memory>
#include <queue>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/serde/serde.h"
#include "engine/memory/spill_file.h"
#include "engine/task/task_context.h"

namespace centella {

template <class Record, class Less>
class SortedRuns {
 public:
  SortedRuns(TaskContext* ctx, Less less) : ctx_(ctx), less_(std::move(less)) {}

  bool empty() const { return runs_.empty(); }
  int num_runs() const { return static_cast<int>(runs_.size()); }

  // Writes `sorted` (in Less order) as a new run and empties it.
  absl::Status Spill(std::vector<Record>& sorted) {
    absl::StatusOr<std::unique_ptr<SpillFile>> file = ctx_->CreateSpillFile();
    if (!file.ok()) return file.status();
    std::string bytes;
    for (const Record& r : sorted) {
      bytes.clear();
      ByteWriter w(&bytes);
      Serialize(w, r);
      absl::Status s = (*file)->Append(bytes);
      if (!s.ok()) return s;
    }
    absl::Status s = (*file)->FinishWriting();
    if (!s.ok()) return s;
    ctx_->RecordSpill(static_cast<int64_t>((*file)->bytes_written()));
    std::vector<Record>().swap(sorted);
    runs_.push_back(std::move(*file));
    return absl::OkStatus();
  }

  // Calls emit(Record&&) for every spilled record and every record of `sorted` (in Less
  // order), in Less order; emit returns false to stop early.
  template <class Emit>
  absl::Status Merge(std::vector<Record>& sorted, Emit emit) {
    const int memory_source = static_cast<int>(runs_.size());
    std::vector<Record> heads(runs_.size() + 1);
    size_t memory_pos = 0;
    // Loads the next record of `source` into heads[source]; false when it is exhausted.
    auto advance = [&](int source) -> absl::StatusOr<bool> {
      if (source == memory_source) {
        if (memory_pos == sorted.size()) return false;
        heads[source] = std::move(sorted[memory_pos++]);
        return true;
      }
      std::string_view bytes;
      absl::StatusOr<bool> more = runs_[source]->Next(&bytes);
      if (!more.ok() || !*more) return more;
      ByteReader r(bytes);
      if (!Deserialize(r, &heads[source]) || !r.done()) {
        return absl::DataLossError(
            absl::StrCat("spill file ", runs_[source]->path(), " holds a malformed record"));
      }
      return true;
    };
    // Min-heap of sources by their head; ties by source index keep spill order.
    auto greater = [&](int a, int b) {
      if (less_(heads[a], heads[b])) return false;
      if (less_(heads[b], heads[a])) return true;
      return a > b;
    };
    std::priority_queue<int, std::vector<int>, decltype(greater)> heap(greater);
    for (int source = 0; source <= memory_source; ++source) {
      absl::StatusOr<bool> has = advance(source);
      if (!has.ok()) return has.status();
      if (*has) heap.push(source);
    }
    while (!heap.empty()) {
      const int source = heap.top();
      heap.pop();
      if (!emit(std::move(heads[source]))) return absl::OkStatus();
      absl::StatusOr<bool> has = advance(source);
      if (!has.ok()) return has.status();
      if (*has) heap.push(source);
    }
    runs_.clear();  // deletes the files
    return absl::OkStatus();
  }

 private:
  TaskContext* ctx_;
  Less less_;
  std::vector<std::unique_ptr<SpillFile>> runs_;
};

}  // namespace centella

#endif  // CENTELLA_ENGINE_TASK_SORTED_RUNS_H_

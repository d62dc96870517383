// Sort records: the input of the sort benchmark (bench/sort), shaped like TeraSort's
// 100-byte records but as text lines.
//
// Every record is exactly 100 bytes:
//
//   KKKKKKKKKK<TAB>NNNNNNNNNNNN<SPACE>FFF...F<LF>
//   key (10)        record number (12)  filler (75)
//
// - key: 10 printable ASCII bytes '!'..'~' (no space, no TAB), uniform, except that
//   `duplicate_per_mille` records in 1000 take one of kHotKeys fixed keys instead, so the
//   input has ties and a sort must say how it orders them;
// - record number: the record's 0-based position in the file, zero-padded decimal, which
//   makes every line distinct and shows where equal keys came from;
// - filler: 75 bytes of [A-Za-z0-9.-].
//
// Determinism: the output is a pure function of the options; only `target_bytes` decides
// where it ends, so a smaller file is a prefix of a larger one with the same seed.
#ifndef CENTELLA_TOOLS_GEN_RECORDS_SORT_RECORDS_H_
#define CENTELLA_TOOLS_GEN_RECORDS_SORT_RECORDS_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "tools/gen-records/chunked_output.h"
#include "tools/gen-records/table_stats.h"

namespace centella::gen_records {

struct SortRecordOptions {
  // Generation stops after the first whole record that brings the size to >= this.
  uint64_t target_bytes = 0;
  uint64_t seed = 0;
  // Records in 1000 that reuse one of the kHotKeys keys; 0..1000.
  int duplicate_per_mille = 10;
};

inline constexpr int kSortRecordBytes = 100;
inline constexpr int kSortKeyBytes = 10;
inline constexpr int kHotKeys = 1000;

// Generates the records into `sink`. InvalidArgument for out-of-range options; a sink
// error is returned as is.
absl::StatusOr<TableStats> GenerateSortRecords(const SortRecordOptions& options, ChunkSink sink);

}  // namespace centella::gen_records

#endif  // CENTELLA_TOOLS_GEN_RECORDS_SORT_RECORDS_H_

// ShuffleStore: the map-output files of one machine, in one directory.
//
// Each map task attempt writes one data file and one index file:
//   <root>/shuffle_<shuffle>/<map>_<attempt>.data   stored blocks, one per reduce partition
//   <root>/shuffle_<shuffle>/<map>_<attempt>.index  header + one entry per block
// Index format (little-endian): magic "CTLSHIX1", u32 block count, then per block
//   u64 offset, u64 stored length, u64 raw length, u64 XXH3 checksum, u64 codec.
// Both files are written under temporary names and renamed, the index last: a map output
// exists exactly when its index does, so a crash mid-write leaves nothing readable.
//
// Thread-safe: distinct map attempts write distinct files; reads only open files.
#ifndef CENTELLA_ENGINE_SHUFFLE_SHUFFLE_STORE_H_
#define CENTELLA_ENGINE_SHUFFLE_SHUFFLE_STORE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "engine/shuffle/shuffle_block_codec.h"

namespace centella {

// One entry of a map output's index: where a reduce block lies in the data file and how to
// verify and decode it.
struct ShuffleBlockEntry {
  uint64_t offset = 0;         // in the data file
  uint64_t stored_length = 0;  // bytes on disk (compressed)
  uint64_t raw_length = 0;     // bytes once decoded
  uint64_t checksum = 0;       // BlockChecksum of the stored bytes
  BlockCodec codec = BlockCodec::kNone;
};

class ShuffleStore {
 public:
  ShuffleStore(std::string root_dir, BlockCodec codec);

  // Writes one map attempt's blocks (raw_blocks[r] = serialized records for reduce r) and
  // returns the stored size of each block.
  absl::StatusOr<std::vector<uint64_t>> WriteMapOutput(int shuffle_id, int map_id, int attempt,
                                                       const std::vector<std::string>& raw_blocks);
  // The same with blocks produced one at a time, in order: `produce(r, &raw)` fills block r
  // (raw arrives empty). Only one raw and one stored block are in memory at once, so a map
  // task that spilled its output writes it without reading it all back.
  absl::StatusOr<std::vector<uint64_t>> WriteMapOutput(
      int shuffle_id, int map_id, int attempt, int num_blocks,
      absl::FunctionRef<absl::Status(int reduce_id, std::string* raw)> produce);

  // Reads, verifies and decodes one block. NotFound if the map output does not exist,
  // DataLoss if it is corrupt.
  absl::Status ReadBlock(int shuffle_id, int map_id, int attempt, int reduce_id,
                         std::string* out) const;

  // The index of one map attempt, one entry per reduce block. NotFound if the map output
  // does not exist, DataLoss if the index is malformed, Internal for other I/O errors.
  absl::StatusOr<std::vector<ShuffleBlockEntry>> ReadIndex(int shuffle_id, int map_id,
                                                           int attempt) const;

  // Reads bytes [from, from + length) of a block as stored (still encoded, checksum not
  // verified: the reader of the whole block does that) into `out`, replacing its contents.
  // The range must lie inside the block. For servers that stream stored blocks in chunks.
  // DataLoss if the data file is missing or shorter than the index says.
  absl::Status ReadStoredRange(int shuffle_id, int map_id, int attempt,
                               const ShuffleBlockEntry& entry, uint64_t from, uint64_t length,
                               std::string* out) const;

  // Deletes every file of a shuffle.
  absl::Status RemoveShuffle(int shuffle_id);

  std::string DataPath(int shuffle_id, int map_id, int attempt) const;
  std::string IndexPath(int shuffle_id, int map_id, int attempt) const;
  const std::string& root() const { return root_; }

 private:
  std::string root_;
  BlockCodec codec_;
};

}  // namespace centella

#endif  // CENTELLA_ENGINE_SHUFFLE_SHUFFLE_STORE_H_

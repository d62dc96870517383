// How a shuffle block is stored: optionally compressed, always checksummed.
//
// The checksum (XXH3-64) covers the stored bytes, so corruption on disk or on the wire is
// caught before decompression; a mismatch is a fetch failure, never silent bad data.
#ifndef CENTELLA_ENGINE_SHUFFLE_SHUFFLE_BLOCK_CODEC_H_
#define CENTELLA_ENGINE_SHUFFLE_SHUFFLE_BLOCK_CODEC_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace centella {

// lz4 (the default) is the fastest; zstd (level 1) stores about a third less for about
// twice the CPU time, for networks slower than the disks.
enum class BlockCodec : uint8_t { kNone = 0, kLz4 = 1, kZstd = 2 };
inline constexpr uint64_t kMaxBlockCodec = 2;

absl::StatusOr<BlockCodec> ParseBlockCodec(std::string_view name);  // "none" | "lz4" | "zstd"

uint64_t BlockChecksum(std::string_view stored);

// Appends the stored form of `raw` to `out` and returns the codec actually used: a block
// that does not shrink (or is too large for lz4) is stored as is.
BlockCodec EncodeBlock(BlockCodec codec, std::string_view raw, std::string* out);

// Decodes a stored block of known raw length into `out` (replacing its contents).
absl::Status DecodeBlock(BlockCodec codec, std::string_view stored, uint64_t raw_length,
                         std::string* out);

}  // namespace centella

#endif  // CENTELLA_ENGINE_SHUFFLE_SHUFFLE_BLOCK_CODEC_H_

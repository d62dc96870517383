#include "executor/shuffle/shuffle_block_codec.h"

#include <lz4.h>
#include <xxhash.h>

#include "absl/strings/str_cat.h"

namespace centella {

absl::StatusOr<BlockCodec> ParseBlockCodec(std::string_view name) {
  if (name == "none") return BlockCodec::kNone;
  if (name == "lz4") return BlockCodec::kLz4;
  return absl::InvalidArgumentError(
      absl::StrCat("unknown shuffle codec \"", std::string(name), "\": expected none or lz4"));
}

uint64_t BlockChecksum(std::string_view stored) {
  return XXH3_64bits(stored.data(), stored.size());
}

BlockCodec EncodeBlock(BlockCodec codec, std::string_view raw, std::string* out) {
  if (codec == BlockCodec::kNone || raw.empty() || raw.size() > LZ4_MAX_INPUT_SIZE) {
    out->append(raw);
    return BlockCodec::kNone;
  }
  size_t start = out->size();
  int bound = LZ4_compressBound(static_cast<int>(raw.size()));
  out->resize(start + bound);
  int n = LZ4_compress_default(raw.data(), out->data() + start, static_cast<int>(raw.size()),
                               bound);
  if (n <= 0 || static_cast<size_t>(n) >= raw.size()) {
    out->resize(start);
    out->append(raw);
    return BlockCodec::kNone;
  }
  out->resize(start + n);
  return BlockCodec::kLz4;
}

absl::Status DecodeBlock(BlockCodec codec, std::string_view stored, uint64_t raw_length,
                         std::string* out) {
  if (codec == BlockCodec::kNone || raw_length == 0) {
    if (stored.size() != raw_length) {
      return absl::DataLossError(absl::StrCat("stored block is ", stored.size(),
                                              " bytes, index says ", raw_length));
    }
    out->assign(stored.data(), stored.size());
    return absl::OkStatus();
  }
  out->resize(raw_length);
  int n = LZ4_decompress_safe(stored.data(), out->data(), static_cast<int>(stored.size()),
                              static_cast<int>(raw_length));
  if (n < 0 || static_cast<uint64_t>(n) != raw_length) {
    return absl::DataLossError("lz4 block does not decompress to its recorded length");
  }
  return absl::OkStatus();
}

}  // namespace centella

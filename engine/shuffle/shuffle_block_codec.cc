#include "engine/shuffle/shuffle_block_codec.h"

#include <lz4.h>
#include <xxhash.h>
#include <zstd.h>

#include "absl/strings/str_cat.h"

namespace centella {

absl::StatusOr<BlockCodec> ParseBlockCodec(std::string_view name) {
  if (name == "none") return BlockCodec::kNone;
  if (name == "lz4") return BlockCodec::kLz4;
  if (name == "zstd") return BlockCodec::kZstd;
  return absl::InvalidArgumentError(absl::StrCat("unknown shuffle codec \"", std::string(name),
                                                 "\": expected none, lz4 or zstd"));
}

uint64_t BlockChecksum(std::string_view stored) {
  return XXH3_64bits(stored.data(), stored.size());
}

BlockCodec EncodeBlock(BlockCodec codec, std::string_view raw, std::string* out) {
  if (codec == BlockCodec::kNone || raw.empty() ||
      (codec == BlockCodec::kLz4 && raw.size() > LZ4_MAX_INPUT_SIZE)) {
    out->append(raw);
    return BlockCodec::kNone;
  }
  size_t start = out->size();
  if (codec == BlockCodec::kZstd) {
    const size_t bound = ZSTD_compressBound(raw.size());
    out->resize(start + bound);
    const size_t n = ZSTD_compress(out->data() + start, bound, raw.data(), raw.size(), 1);
    if (ZSTD_isError(n) || n >= raw.size()) {
      out->resize(start);
      out->append(raw);
      return BlockCodec::kNone;
    }
    out->resize(start + n);
    return BlockCodec::kZstd;
  }
  int bound = LZ4_compressBound(static_cast<int>(raw.size()));
  out->resize(start + bound);
  int n =
      LZ4_compress_default(raw.data(), out->data() + start, static_cast<int>(raw.size()), bound);
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
      return absl::DataLossError(
          absl::StrCat("stored block is ", stored.size(), " bytes, index says ", raw_length));
    }
    out->assign(stored.data(), stored.size());
    return absl::OkStatus();
  }
  out->resize(raw_length);
  if (codec == BlockCodec::kZstd) {
    const size_t n = ZSTD_decompress(out->data(), raw_length, stored.data(), stored.size());
    if (ZSTD_isError(n) || n != raw_length) {
      return absl::DataLossError("zstd block does not decompress to its recorded length");
    }
    return absl::OkStatus();
  }
  int n = LZ4_decompress_safe(stored.data(), out->data(), static_cast<int>(stored.size()),
                              static_cast<int>(raw_length));
  if (n < 0 || static_cast<uint64_t>(n) != raw_length) {
    return absl::DataLossError("lz4 block does not decompress to its recorded length");
  }
  return absl::OkStatus();
}

}  // namespace centella

#include "engine/io/zstd_input_stream.h"

#include "common/status/status_macros.h"

namespace centella {

ZstdInputStream::ZstdInputStream(std::unique_ptr<InputStream> source, std::string name)
    : DecompressingInputStream(std::move(source), "zstd", std::move(name), ZSTD_DStreamInSize()),
      dctx_(ZSTD_createDCtx()) {}

ZstdInputStream::~ZstdInputStream() { ZSTD_freeDCtx(dctx_); }

absl::StatusOr<size_t> ZstdInputStream::Read(char* buffer, size_t size) {
  if (dctx_ == nullptr) return CannotStart();
  ZSTD_outBuffer out{buffer, size, 0};
  while (out.pos == 0) {
    if (in_buffer_.pos == in_buffer_.size && !source_done()) {
      ASSIGN_OR_RETURN(absl::Span<char> in, Refill());
      in_buffer_ = ZSTD_inBuffer{in.data(), in.size(), 0};
    }
    const bool input_left = in_buffer_.pos < in_buffer_.size;
    // Without input, only a frame in progress can still produce bytes (ones it decoded
    // but had no room to return); otherwise the stream ended cleanly between frames.
    if (!input_left && source_done() && !in_frame_) break;
    size_t rc = ZSTD_decompressStream(dctx_, &out, &in_buffer_);
    if (ZSTD_isError(rc)) return Corrupt(ZSTD_getErrorName(rc));
    // 0: the frame is complete and all of it has been returned.
    in_frame_ = rc != 0;
    if (!input_left && source_done() && out.pos == 0) {
      return Truncated("it ends inside a frame");
    }
  }
  return out.pos;
}

}  // namespace centella

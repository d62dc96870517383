#include "engine/io/zstd_input_stream.h"

#include "absl/strings/str_cat.h"
#include "common/status/status_macros.h"

namespace centella {

ZstdInputStream::ZstdInputStream(std::unique_ptr<InputStream> source, std::string name)
    : source_(std::move(source)),
      name_(std::move(name)),
      in_(ZSTD_DStreamInSize(), '\0'),
      dctx_(ZSTD_createDCtx()) {}

ZstdInputStream::~ZstdInputStream() { ZSTD_freeDCtx(dctx_); }

absl::StatusOr<size_t> ZstdInputStream::Read(char* buffer, size_t size) {
  if (dctx_ == nullptr) {
    return absl::ResourceExhaustedError(
        absl::StrCat("cannot start a zstd decoder for input file ", name_));
  }
  ZSTD_outBuffer out{buffer, size, 0};
  while (out.pos == 0) {
    if (in_buffer_.pos == in_buffer_.size && !source_done_) {
      ASSIGN_OR_RETURN(size_t n, source_->Read(in_.data(), in_.size()));
      source_done_ = n == 0;
      in_buffer_ = ZSTD_inBuffer{in_.data(), n, 0};
    }
    const bool input_left = in_buffer_.pos < in_buffer_.size;
    // Without input, only a frame in progress can still produce bytes (ones it decoded
    // but had no room to return); otherwise the stream ended cleanly between frames.
    if (!input_left && source_done_ && !in_frame_) break;
    size_t rc = ZSTD_decompressStream(dctx_, &out, &in_buffer_);
    if (ZSTD_isError(rc)) {
      return absl::DataLossError(
          absl::StrCat("corrupt zstd input file ", name_, ": ", ZSTD_getErrorName(rc)));
    }
    // 0: the frame is complete and all of it has been returned.
    in_frame_ = rc != 0;
    if (!input_left && source_done_ && out.pos == 0) {
      return absl::DataLossError(
          absl::StrCat("truncated zstd input file ", name_, ": it ends inside a frame"));
    }
  }
  return out.pos;
}

}  // namespace centella

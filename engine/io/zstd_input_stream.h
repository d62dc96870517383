// ZstdInputStream: the decompressed bytes of a Zstandard stream, read through libzstd.
//
// Several frames one after another decode to their concatenation (skippable frames are
// skipped), as `zstd -d` does. An input without any byte is an empty stream. Errors are
// DataLoss naming `name`: "corrupt" for bytes libzstd rejects, "truncated" when the
// input ends inside a frame.
#ifndef CENTELLA_ENGINE_IO_ZSTD_INPUT_STREAM_H_
#define CENTELLA_ENGINE_IO_ZSTD_INPUT_STREAM_H_

#include <zstd.h>

#include <memory>
#include <string>

#include "engine/io/decompressing_input_stream.h"

namespace centella {

class ZstdInputStream final : public DecompressingInputStream {
 public:
  // Decompresses `source`; `name` (the file's path) is used in error messages.
  ZstdInputStream(std::unique_ptr<InputStream> source, std::string name);
  ~ZstdInputStream() override;

  absl::StatusOr<size_t> Read(char* buffer, size_t size) override;

 private:
  ZSTD_inBuffer in_buffer_{nullptr, 0, 0};  // points into the base's current chunk
  ZSTD_DCtx* dctx_;
  // Inside a frame, or holding decoded bytes not yet returned: the stream may not end.
  bool in_frame_ = false;
};

}  // namespace centella

#endif  // CENTELLA_ENGINE_IO_ZSTD_INPUT_STREAM_H_

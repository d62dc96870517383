// GzipInputStream: the decompressed bytes of a gzip stream (RFC 1952), read through zlib.
//
// Several gzip members one after another (what `cat a.gz b.gz` or pigz produce) decode to
// their concatenation, as `gzip -d` does. An input without any byte is an empty stream.
// Errors are DataLoss naming `name`: "corrupt" for bytes zlib rejects (a bad header, bad
// deflate data, a CRC or length mismatch, trailing garbage), "truncated" when the input
// ends inside a member.
#ifndef CENTELLA_ENGINE_IO_GZIP_INPUT_STREAM_H_
#define CENTELLA_ENGINE_IO_GZIP_INPUT_STREAM_H_

#include <zlib.h>

#include <memory>
#include <string>

#include "engine/io/decompressing_input_stream.h"

namespace centella {

class GzipInputStream final : public DecompressingInputStream {
 public:
  // Decompresses `source`; `name` (the file's path) is used in error messages.
  GzipInputStream(std::unique_ptr<InputStream> source, std::string name);
  ~GzipInputStream() override;

  absl::StatusOr<size_t> Read(char* buffer, size_t size) override;

 private:
  z_stream z_{};  // next_in points into the base's current chunk
  bool initialized_ = false;
  bool in_member_ = false;  // inside a gzip member: its end has not been decoded yet
};

}  // namespace centella

#endif  // CENTELLA_ENGINE_IO_GZIP_INPUT_STREAM_H_

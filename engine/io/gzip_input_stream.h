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

#include "engine/io/input_stream.h"

namespace centella {

class GzipInputStream final : public InputStream {
 public:
  // Decompresses `source`; `name` (the file's path) is used in error messages.
  GzipInputStream(std::unique_ptr<InputStream> source, std::string name);
  ~GzipInputStream() override;

  GzipInputStream(const GzipInputStream&) = delete;
  GzipInputStream& operator=(const GzipInputStream&) = delete;

  absl::StatusOr<size_t> Read(char* buffer, size_t size) override;

 private:
  absl::Status Corrupt(const char* detail) const;

  std::unique_ptr<InputStream> source_;
  const std::string name_;
  std::string in_;  // compressed bytes; zlib's next_in points into it
  z_stream z_{};
  bool initialized_ = false;
  bool source_done_ = false;
  bool in_member_ = false;  // inside a gzip member: its end has not been decoded yet
};

}  // namespace centella

#endif  // CENTELLA_ENGINE_IO_GZIP_INPUT_STREAM_H_

// LineReader: the lines of an InputStream.
//
// Lines end at "\n"; a "\r" before it is dropped; the final line needs no terminator, and
// a final "\n" does not start an empty line. Lines may be longer than the read chunk.
//
// Thread safety: none. The stream must outlive the reader.
#ifndef CENTELLA_ENGINE_IO_LINE_READER_H_
#define CENTELLA_ENGINE_IO_LINE_READER_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "engine/io/input_stream.h"

namespace centella {

class LineReader {
 public:
  explicit LineReader(InputStream& in, size_t chunk_size = 1 << 20);

  // Replaces `*line` with the next line; false (and `*line` empty) at the end of the
  // stream. Errors are the stream's.
  absl::StatusOr<bool> Next(std::string* line);

  // The stream offset at which the next line starts: every byte of the lines returned so
  // far, terminators included. Lets a caller stop before reading a line it does not own.
  uint64_t position() const { return position_; }

 private:
  InputStream& in_;
  std::string chunk_;
  size_t cursor_ = 0;  // next unread byte of chunk_
  size_t avail_ = 0;   // bytes of chunk_ filled by the last read
  bool eof_ = false;
  uint64_t position_ = 0;
};

}  // namespace centella

#endif  // CENTELLA_ENGINE_IO_LINE_READER_H_

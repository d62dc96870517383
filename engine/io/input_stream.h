// InputStream: a sequential source of bytes (a file, or a decompressor over one).
//
// Readers of input files (text_file, whole_text_files) pull bytes through this interface so
// that plain and compressed files go through the same line and record logic.
//
// Errors: Unavailable for an I/O error, DataLoss for bytes that cannot be decoded (a
// corrupt or truncated compressed file); messages name the file. After an error the
// stream must not be read again.
// Thread safety: none; a stream belongs to one task.
#ifndef CENTELLA_ENGINE_IO_INPUT_STREAM_H_
#define CENTELLA_ENGINE_IO_INPUT_STREAM_H_

#include <cstddef>

#include "absl/status/statusor.h"

namespace centella {

class InputStream {
 public:
  virtual ~InputStream() = default;

  // Reads up to `size` (> 0) bytes into `buffer` and returns how many were read, which is
  // 0 only at the end of the stream. May return fewer bytes than asked before the end.
  virtual absl::StatusOr<size_t> Read(char* buffer, size_t size) = 0;
};

}  // namespace centella

#endif  // CENTELLA_ENGINE_IO_INPUT_STREAM_H_

// Opening input files, decompressing them by their extension (as Hadoop's codecs do):
// "*.gz" is gzip, "*.zst" is Zstandard, anything else is read as is.
//
// A compressed file can only be read from its start, so readers never split one across
// partitions (as Spark does); plain files may be read from any offset.
#ifndef CENTELLA_ENGINE_IO_INPUT_FILE_H_
#define CENTELLA_ENGINE_IO_INPUT_FILE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "engine/io/input_stream.h"

namespace centella {

enum class FileCompression : uint8_t { kNone = 0, kGzip = 1, kZstd = 2 };

// The compression of the file at `path`, from its name alone.
FileCompression CompressionOfPath(std::string_view path);

// True when a reader may start inside the file (only uncompressed files).
inline bool IsSplittable(FileCompression compression) {
  return compression == FileCompression::kNone;
}

// Opens `path` and returns its decompressed bytes. `offset` (a byte offset in the file)
// must be 0 for a compressed file: InvalidArgument otherwise. Unavailable when the file
// cannot be opened; read errors are reported by the stream (see input_stream.h).
absl::StatusOr<std::unique_ptr<InputStream>> OpenInputFile(const std::string& path,
                                                           FileCompression compression,
                                                           uint64_t offset = 0);

}  // namespace centella

#endif  // CENTELLA_ENGINE_IO_INPUT_FILE_H_

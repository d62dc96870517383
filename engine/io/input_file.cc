#include "engine/io/input_file.h"

#include "absl/strings/str_cat.h"
#include "common/status/status_macros.h"
#include "engine/io/file_input_stream.h"
#include "engine/io/gzip_input_stream.h"
#include "engine/io/zstd_input_stream.h"

namespace centella {

FileCompression CompressionOfPath(std::string_view path) {
  if (path.ends_with(".gz")) return FileCompression::kGzip;
  if (path.ends_with(".zst")) return FileCompression::kZstd;
  return FileCompression::kNone;
}

absl::StatusOr<std::unique_ptr<InputStream>> OpenInputFile(const std::string& path,
                                                           FileCompression compression,
                                                           uint64_t offset) {
  if (offset != 0 && !IsSplittable(compression)) {
    return absl::InvalidArgumentError(
        absl::StrCat("compressed input file ", path, " cannot be read from offset ", offset));
  }
  ASSIGN_OR_RETURN(std::unique_ptr<FileInputStream> file, FileInputStream::Open(path, offset));
  switch (compression) {
    case FileCompression::kNone:
      return file;
    case FileCompression::kGzip:
      return std::make_unique<GzipInputStream>(std::move(file), path);
    case FileCompression::kZstd:
      return std::make_unique<ZstdInputStream>(std::move(file), path);
  }
  return absl::InvalidArgumentError(absl::StrCat("unknown compression of input file ", path));
}

}  // namespace centella

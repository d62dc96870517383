// Whole reads and writes on file descriptors: loops over short transfers and EINTR so
// callers see one call succeed or fail with the path and errno in the message.
#ifndef CENTELLA_COMMON_STORAGE_FD_IO_H_
#define CENTELLA_COMMON_STORAGE_FD_IO_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/status.h"

namespace centella {

// Writes all of `data` at the file offset. Internal error naming `path` on failure.
absl::Status WriteFully(int fd, std::string_view data, const std::string& path);

// Reads exactly `n` bytes at `offset` into `out`. DataLoss naming `path` when the file
// ends first; Internal for other errors.
absl::Status PreadFully(int fd, uint64_t offset, size_t n, char* out, const std::string& path);

// An errno as a status, "<what> <path>: <reason>": NotFound (ENOENT, ENOTDIR),
// PermissionDenied (EACCES, EPERM, EROFS), ResourceExhausted (ENOSPC, EDQUOT, EFBIG),
// Internal otherwise.
absl::Status ErrnoStatus(int err, std::string_view what, const std::string& path);

}  // namespace centella

#endif  // CENTELLA_COMMON_STORAGE_FD_IO_H_

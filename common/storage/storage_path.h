// StoragePath: validation and normalisation of the relative paths Storage accepts, shared
// by every implementation so that they agree on what is a legal path.
#ifndef CENTELLA_COMMON_STORAGE_STORAGE_PATH_H_
#define CENTELLA_COMMON_STORAGE_STORAGE_PATH_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace centella {

// Files whose name starts with this prefix are in-progress atomic writes. Storage never
// lists them, and callers may not create paths with it.
inline constexpr char kStorageTempPrefix[] = ".centella-tmp-";

// Returns `path` as components joined by single '/' with "." and empty components dropped
// ("a//./b/" -> "a/b", "" or "." -> ""). InvalidArgument naming the path if it is absolute,
// contains "..", a NUL byte, or a component starting with kStorageTempPrefix.
absl::StatusOr<std::string> NormalizeStoragePath(std::string_view path);

}  // namespace centella

#endif  // CENTELLA_COMMON_STORAGE_STORAGE_PATH_H_

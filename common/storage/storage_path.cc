#include "common/storage/storage_path.h"

#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace centella {

absl::StatusOr<std::string> NormalizeStoragePath(std::string_view input) {
  // Debian's Abseil keeps its own string_view type, distinct from std::string_view.
  const absl::string_view path(input.data(), input.size());
  auto invalid = [path](absl::string_view why) {
    return absl::InvalidArgumentError(absl::StrCat("invalid storage path '", path, "': ", why));
  };
  if (absl::StartsWith(path, "/")) return invalid("must be relative to the storage root");
  if (path.find('\0') != absl::string_view::npos) return invalid("contains a NUL byte");
  std::vector<absl::string_view> components;
  for (absl::string_view component : absl::StrSplit(path, '/')) {
    if (component.empty() || component == ".") continue;
    if (component == "..") return invalid("must not contain '..'");
    if (absl::StartsWith(component, kStorageTempPrefix)) {
      return invalid(absl::StrCat("names starting with '", kStorageTempPrefix, "' are reserved"));
    }
    components.push_back(component);
  }
  return absl::StrJoin(components, "/");
}

}  // namespace centella

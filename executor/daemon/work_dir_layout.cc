#include "executor/daemon/work_dir_layout.h"

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

namespace centella {

absl::Status WorkDirLayout::CheckId(const std::string& id, const char* what) {
  bool ok = !id.empty() && id.size() <= 128 && id != "." && id != ".." && id != "shuffle";
  for (char c : id) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != '-') {
      ok = false;
    }
  }
  if (ok) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat("invalid ", what, " \"", absl::CEscape(id),
                   "\": expected 1-128 characters of [A-Za-z0-9._-]"));
}

}  // namespace centella

#include "driver/runtime/output_committer.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace centella {

absl::Status OutputCommitter::Prepare(const std::string& dir) {
  std::error_code ec;
  if (std::filesystem::exists(dir, ec)) {
    return absl::AlreadyExistsError(absl::StrCat("output directory ", dir, " already exists"));
  }
  std::filesystem::create_directories(std::filesystem::path(dir) / "_temporary", ec);
  if (ec) {
    return absl::PermissionDeniedError(
        absl::StrCat("cannot create output directory ", dir, ": ", ec.message()));
  }
  return absl::OkStatus();
}

absl::Status OutputCommitter::CommitParts(const std::string& dir,
                                          const std::vector<std::string>& attempts) {
  for (size_t p = 0; p < attempts.size(); ++p) {
    const std::string from = absl::StrCat(dir, "/_temporary/", attempts[p]);
    const std::string to = absl::StrFormat("%s/part-%05d", dir, p);
    if (std::rename(from.c_str(), to.c_str()) != 0) {
      return absl::InternalError(
          absl::StrCat("cannot commit ", from, " as ", to, ": ", std::strerror(errno)));
    }
  }
  return absl::OkStatus();
}

absl::Status OutputCommitter::Finish(const std::string& dir, bool success) {
  std::error_code ec;
  if (!success) {
    // The directory did not exist before this job created it, and without _SUCCESS its
    // partial contents are not an output: remove it so the job can simply be run again.
    std::filesystem::remove_all(dir, ec);
    return absl::OkStatus();
  }
  std::filesystem::remove_all(std::filesystem::path(dir) / "_temporary", ec);
  std::string marker = (std::filesystem::path(dir) / "_SUCCESS").string();
  std::FILE* f = std::fopen(marker.c_str(), "wb");
  if (f == nullptr || std::fclose(f) != 0) {
    return absl::InternalError(absl::StrCat("cannot write ", marker));
  }
  return absl::OkStatus();
}

}  // namespace centella

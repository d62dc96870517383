// FileSink: writes generated chunks to a file, reporting errors with the path.
//
//   ASSIGN_OR_RETURN(FileSink file, FileSink::Create(path));
//   RETURN_IF_ERROR(file.Write(chunk));  // repeatedly
//   RETURN_IF_ERROR(file.Close());
//
// Errors: NotFound / PermissionDenied / ResourceExhausted / Internal after the errno of
// the failed call, with the path in the message. A sink destroyed without Close() closes
// its descriptor and ignores the result.
//
// Thread safety: none.
#ifndef CENTELLA_TOOLS_GEN_RECORDS_FILE_SINK_H_
#define CENTELLA_TOOLS_GEN_RECORDS_FILE_SINK_H_

#include <string>
#include <string_view>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace centella::gen_records {

class FileSink {
 public:
  // Creates or truncates `path`.
  static absl::StatusOr<FileSink> Create(std::string path);

  FileSink(FileSink&& other) noexcept
      : path_(std::move(other.path_)), fd_(std::exchange(other.fd_, -1)) {}
  FileSink& operator=(FileSink&&) = delete;
  FileSink(const FileSink&) = delete;
  FileSink& operator=(const FileSink&) = delete;
  ~FileSink();

  absl::Status Write(std::string_view data);
  // Closes now, so that a failing close (delayed write errors) is reported.
  absl::Status Close();

 private:
  FileSink(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}

  std::string path_;
  int fd_;
};

}  // namespace centella::gen_records

#endif  // CENTELLA_TOOLS_GEN_RECORDS_FILE_SINK_H_

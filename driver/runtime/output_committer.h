// OutputCommitter: how save_* actions publish a directory of part files so that readers
// see either the whole output or none of it (Spark's FileOutputCommitter, version 1).
//
//   Prepare(dir)           dir must not exist: AlreadyExists naming it (nothing is
//                          overwritten); creates dir/_temporary for the attempt files
//   CommitParts(dir, a)    a[p], the attempt file the job kept for partition p (a name in
//                          dir/_temporary), becomes dir/part-NNNNN; other attempts' files
//                          are never committed
//   Finish(dir, success)   success: removes _temporary, writes the empty _SUCCESS marker
//                          last; failure: removes dir with its partial contents, so the
//                          job can simply run again
//
// Runs on the driver only; the paths are absolute (executors write the attempt files).
#ifndef CENTELLA_DRIVER_RUNTIME_OUTPUT_COMMITTER_H_
#define CENTELLA_DRIVER_RUNTIME_OUTPUT_COMMITTER_H_

#include <string>
#include <vector>

#include "absl/status/status.h"

namespace centella {

class OutputCommitter {
 public:
  static absl::Status Prepare(const std::string& dir);
  static absl::Status CommitParts(const std::string& dir, const std::vector<std::string>& attempts);
  static absl::Status Finish(const std::string& dir, bool success);
};

}  // namespace centella

#endif  // CENTELLA_DRIVER_RUNTIME_OUTPUT_COMMITTER_H_

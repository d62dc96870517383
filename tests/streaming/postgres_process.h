// PostgresProcess: a PostgreSQL server of a test's own — initdb into a fresh directory,
// postgres listening on a Unix socket only (no TCP port to collide with), trust
// authentication for the superuser "centella". Run as the postgres user when the test
// runs as root (the server refuses root). Stopped and removed by the destructor.
#ifndef CENTELLA_TESTS_STREAMING_POSTGRES_PROCESS_H_
#define CENTELLA_TESTS_STREAMING_POSTGRES_PROCESS_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "tests/cluster/child_process.h"

namespace centella {

class PostgresProcess {
 public:
  // Unavailable with the reason (and the server log) when it does not come up in 30 s.
  static absl::StatusOr<std::unique_ptr<PostgresProcess>> Start();
  ~PostgresProcess();

  // The libpq connection string of its database.
  const std::string& conninfo() const { return conninfo_; }
  // Runs `sql` with psql; the rows, one line each, fields separated by '|'.
  absl::StatusOr<std::vector<std::string>> Query(const std::string& sql) const;
  // Stops the server (fast shutdown) / starts it again on the same data.
  void Stop();
  absl::Status Restart();

 private:
  PostgresProcess() = default;
  absl::Status Launch();

  std::string root_;  // short: the socket path must fit in 107 bytes
  std::string bin_;
  std::string conninfo_;
  std::unique_ptr<ChildProcess> server_;
};

}  // namespace centella

#endif  // CENTELLA_TESTS_STREAMING_POSTGRES_PROCESS_H_

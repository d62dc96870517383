#include "tests/streaming/postgres_process.h"

#include <libpq-fe.h>
#include <pwd.h>
#include <stdlib.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "tests/run_command.h"

namespace centella {
namespace {

constexpr int kPort = 5432;  // only names the socket file: no TCP

// As the postgres user when root: "setpriv ... -- " before the command.
std::vector<std::string> AsServerUser() {
  if (::geteuid() != 0) return {};
  return {ProgramPath("setpriv"), "--reuid=postgres", "--regid=postgres", "--init-groups", "--"};
}

}  // namespace

absl::StatusOr<std::unique_ptr<PostgresProcess>> PostgresProcess::Start() {
  auto pg = std::unique_ptr<PostgresProcess>(new PostgresProcess());
  char tmpl[] = "/tmp/cpg-XXXXXX";
  if (::mkdtemp(tmpl) == nullptr) return absl::InternalError("mkdtemp failed");
  pg->root_ = tmpl;
  CommandResult bindir = RunCommand("pg_config --bindir 2>&1");
  pg->bin_ = std::string(absl::StripAsciiWhitespace(bindir.output));
  if (bindir.exit_code != 0 || !std::filesystem::exists(pg->bin_ + "/initdb")) {
    return absl::UnavailableError(
        absl::StrCat("no PostgreSQL server binaries (./dev setup installs them): ", bindir.output));
  }
  if (::geteuid() == 0) {
    if (::getpwnam("postgres") == nullptr) {
      return absl::UnavailableError("running as root and there is no postgres user");
    }
    RunCommand(absl::StrCat("chown postgres:postgres ", pg->root_));
  }
  std::string prefix;
  for (const std::string& a : AsServerUser()) absl::StrAppend(&prefix, a, " ");
  CommandResult init = RunCommand(absl::StrCat(prefix, pg->bin_, "/initdb -D ", pg->root_,
                                               "/data -A trust -U centella --no-sync 2>&1"));
  if (init.exit_code != 0) {
    return absl::UnavailableError(absl::StrCat("initdb failed: ", init.output));
  }
  pg->conninfo_ =
      absl::StrCat("host=", pg->root_, " port=", kPort, " user=centella dbname=postgres");
  if (absl::Status s = pg->Launch(); !s.ok()) return s;
  return pg;
}

absl::Status PostgresProcess::Launch() {
  std::vector<std::string> argv = AsServerUser();
  for (const std::string& a :
       {bin_ + "/postgres", std::string("-D"), root_ + "/data", std::string("-k"), root_,
        std::string("-p"), absl::StrCat(kPort), std::string("-c"), std::string("listen_addresses="),
        std::string("-c"), std::string("fsync=off")}) {
    argv.push_back(a);
  }
  auto server = ChildProcess::Start(argv, {}, root_ + "/server.log");
  if (!server.ok()) return server.status();
  server_ = *std::move(server);
  const absl::Time give_up = absl::Now() + absl::Seconds(30);
  while (PQping(conninfo_.c_str()) != PQPING_OK) {
    if (absl::Now() > give_up || !server_->running()) {
      return absl::UnavailableError(absl::StrCat("PostgreSQL did not start: ", server_->Log()));
    }
    absl::SleepFor(absl::Milliseconds(20));
  }
  return absl::OkStatus();
}

void PostgresProcess::Stop() {
  if (server_ == nullptr) return;
  server_->Signal(SIGINT);  // fast shutdown
  (void)server_->Wait(absl::Seconds(30));
  server_.reset();
}

absl::Status PostgresProcess::Restart() {
  Stop();
  return Launch();
}

PostgresProcess::~PostgresProcess() {
  Stop();
  std::error_code ec;
  if (!root_.empty()) std::filesystem::remove_all(root_, ec);
}

absl::StatusOr<std::vector<std::string>> PostgresProcess::Query(const std::string& sql) const {
  const std::string file = root_ + "/query.sql";
  {
    FILE* f = std::fopen(file.c_str(), "w");
    if (f == nullptr) return absl::InternalError("cannot write " + file);
    std::fputs(sql.c_str(), f);
    std::fclose(f);
  }
  CommandResult r = RunCommand(absl::StrCat(bin_, "/psql -X -q -A -t -v ON_ERROR_STOP=1 \"",
                                            conninfo_, "\" -f ", file, " 2>&1"));
  if (r.exit_code != 0) return absl::InternalError(absl::StrCat("psql: ", r.output));
  std::vector<std::string> rows = absl::StrSplit(r.output, '\n', absl::SkipEmpty());
  return rows;
}

}  // namespace centella

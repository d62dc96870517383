#include "driver/streaming/postgres_sink.h"

#include <libpq-fe.h>

#include <algorithm>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/logging/logger.h"
#include "common/status/status_macros.h"

namespace centella {
namespace {

std::shared_ptr<spdlog::logger> Log() { return GetLogger("postgres-sink"); }

// Rows per INSERT statement: well under PostgreSQL's 65535 parameters.
constexpr size_t kRowsPerStatement = 1000;

// "name" with quotes doubled: any table or column name, safely.
std::string Quoted(const std::string& name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

}  // namespace

absl::StatusOr<std::unique_ptr<PostgresSink>> PostgresSink::Connect(PostgresSinkOptions options) {
  if (options.table.empty() || options.key_column.empty() || options.value_column.empty()) {
    return absl::InvalidArgumentError(
        "a PostgreSQL sink needs a table, a key column and a value column");
  }
  std::unique_ptr<PostgresSink> sink(new PostgresSink(std::move(options)));
  absl::MutexLock lock(&sink->mu_);
  RETURN_IF_ERROR(sink->EnsureConnected());
  const PostgresSinkOptions& o = sink->options_;
  RETURN_IF_ERROR(sink->Exec(
      absl::StrCat("CREATE TABLE IF NOT EXISTS ", Quoted(o.table), " (", Quoted(o.key_column), " ",
                   o.key_type, " PRIMARY KEY, ", Quoted(o.value_column), " ", o.value_type, ")"),
      {}));
  RETURN_IF_ERROR(
      sink->Exec("CREATE TABLE IF NOT EXISTS centella_sink_batches (stream_id text NOT NULL, "
                 "sink text NOT NULL, batch_id bigint NOT NULL, PRIMARY KEY (stream_id, sink))",
                 {}));
  return sink;
}

PostgresSink::PostgresSink(PostgresSinkOptions options) : options_(std::move(options)) {
  upsert_prefix_ =
      absl::StrCat("INSERT INTO ", Quoted(options_.table), " (", Quoted(options_.key_column), ", ",
                   Quoted(options_.value_column), ") VALUES ");
  upsert_suffix_ =
      absl::StrCat(" ON CONFLICT (", Quoted(options_.key_column), ") DO UPDATE SET ",
                   Quoted(options_.value_column), " = EXCLUDED.", Quoted(options_.value_column));
}

PostgresSink::~PostgresSink() {
  absl::MutexLock lock(&mu_);
  if (conn_ != nullptr) PQfinish(conn_);
}

std::string PostgresSink::name() const { return absl::StrCat("PostgreSQL table ", options_.table); }

absl::Status PostgresSink::EnsureConnected() {
  if (conn_ != nullptr && PQstatus(conn_) == CONNECTION_OK) return absl::OkStatus();
  if (conn_ != nullptr) {
    PQreset(conn_);
  } else {
    conn_ = PQconnectdb(options_.conninfo.c_str());
  }
  if (PQstatus(conn_) != CONNECTION_OK) {
    std::string reason = PQerrorMessage(conn_);
    while (!reason.empty() && reason.back() == '\n') reason.pop_back();
    return absl::UnavailableError(
        absl::StrCat("cannot connect to PostgreSQL (", options_.conninfo, "): ", reason));
  }
  // Notices (a table that exists already) are not errors: keep them out of stderr.
  PQsetNoticeProcessor(
      conn_, [](void*, const char* message) { Log()->debug("{}", message); }, nullptr);
  return absl::OkStatus();
}

absl::Status PostgresSink::Exec(const std::string& sql, const std::vector<std::string>& params,
                                std::vector<std::string>* first_column) {
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const std::string& p : params) values.push_back(p.c_str());
  PGresult* result = PQexecParams(conn_, sql.c_str(), static_cast<int>(values.size()), nullptr,
                                  values.data(), nullptr, nullptr, 0);
  const ExecStatusType status = PQresultStatus(result);
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    std::string reason = result != nullptr ? PQresultErrorMessage(result) : PQerrorMessage(conn_);
    while (!reason.empty() && reason.back() == '\n') reason.pop_back();
    PQclear(result);
    const bool lost = PQstatus(conn_) != CONNECTION_OK;
    const std::string message = absl::StrCat(name(), ": ", reason);
    return lost ? absl::UnavailableError(message) : absl::InternalError(message);
  }
  if (first_column != nullptr) {
    for (int i = 0; i < PQntuples(result); ++i) first_column->push_back(PQgetvalue(result, i, 0));
  }
  PQclear(result);
  return absl::OkStatus();
}

absl::Status PostgresSink::WriteBatch(const BatchRef& batch, const std::vector<SinkRow>& rows) {
  absl::MutexLock lock(&mu_);
  RETURN_IF_ERROR(EnsureConnected());
  RETURN_IF_ERROR(Exec("BEGIN", {}));
  auto rollback = [this](absl::Status error) {
    if (PQstatus(conn_) == CONNECTION_OK) (void)Exec("ROLLBACK", {});
    return error;
  };
  const std::string batch_id = absl::StrCat(batch.id);
  std::vector<std::string> recorded;
  if (absl::Status s =
          Exec("SELECT batch_id FROM centella_sink_batches WHERE stream_id = $1 AND sink = $2 "
               "FOR UPDATE",
               {batch.stream_id, options_.table}, &recorded);
      !s.ok()) {
    return rollback(s);
  }
  int64_t last = -1;
  if (!recorded.empty() && absl::SimpleAtoi(recorded.front(), &last) && last >= batch.id) {
    Log()->info("batch {} of stream {} is in {} already: nothing to write", batch.id,
                batch.stream_id, options_.table);
    return rollback(absl::OkStatus());
  }
  for (size_t start = 0; start < rows.size(); start += kRowsPerStatement) {
    const size_t end = std::min(rows.size(), start + kRowsPerStatement);
    std::string sql = upsert_prefix_;
    std::vector<std::string> params;
    params.reserve(2 * (end - start));
    for (size_t i = start; i < end; ++i) {
      absl::StrAppend(&sql, i == start ? "" : ", ", "($", params.size() + 1, ", $",
                      params.size() + 2, ")");
      params.push_back(rows[i].key);
      params.push_back(rows[i].value);
    }
    sql += upsert_suffix_;
    if (absl::Status s = Exec(sql, params); !s.ok()) return rollback(s);
  }
  if (absl::Status s =
          Exec("INSERT INTO centella_sink_batches (stream_id, sink, batch_id) VALUES ($1, $2, $3) "
               "ON CONFLICT (stream_id, sink) DO UPDATE SET batch_id = EXCLUDED.batch_id",
               {batch.stream_id, options_.table, batch_id});
      !s.ok()) {
    return rollback(s);
  }
  return Exec("COMMIT", {});
}

}  // namespace centella

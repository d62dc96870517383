// The executor daemon's read-only status UI (docs/cluster.md, "Status UI"):
//
//   GET /api/v1/executors  JSON array: app_id, executor_id, pid, state, cores, memory_bytes
//                          (live executors plus terminal ones not yet reported)
//   GET /                  a self-contained HTML page with that table
//
// Answers come from ExecutorSupervisor::Snapshot, which is built on the supervisor's
// event loop; the HTTP threads never touch its records.
#ifndef CENTELLA_EXECUTOR_DAEMON_DAEMON_STATUS_UI_H_
#define CENTELLA_EXECUTOR_DAEMON_DAEMON_STATUS_UI_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "cluster_manager.pb.h"
#include "common/http/status_http_server.h"
#include "executor/daemon/executor_supervisor.h"
#include "nlohmann/json.hpp"

namespace centella {

nlohmann::json ExecutorsJson(const std::vector<v1::DaemonExecutor>& executors);

// Serves the UI for `executors` (which must outlive the returned server) where `listen`
// says (bind_host, port, port_max_retries; its routes and component are set here).
// Errors: StatusHttpServer::Start's.
absl::StatusOr<std::unique_ptr<StatusHttpServer>> StartDaemonStatusUi(
    ExecutorSupervisor& executors, const std::string& daemon_id, StatusHttpServerOptions listen);

}  // namespace centella

#endif  // CENTELLA_EXECUTOR_DAEMON_DAEMON_STATUS_UI_H_

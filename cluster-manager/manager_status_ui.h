// The cluster manager's read-only status UI (docs/cluster.md, "Status UI"):
//
//   GET /api/v1/applications  JSON array: id, name, state, cores_granted, waiting_reason,
//                             message, executors [{executor_id, daemon_id, host, state}]
//   GET /api/v1/daemons       JSON array: id, address, host, state, cores/memory total and
//                             free, last_heartbeat_age_ms
//   GET /api/v1/drivers       JSON array: id, state, daemon_id, app_id, restart_count, message
//   GET /                     one self-contained HTML page with those tables
//
// Every answer is built on the manager's event loop (ClusterManager::ReadState) from a
// consistent view of its books; the HTTP threads never touch the state.
#ifndef CENTELLA_CLUSTER_MANAGER_MANAGER_STATUS_UI_H_
#define CENTELLA_CLUSTER_MANAGER_MANAGER_STATUS_UI_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "cluster-manager/cluster_manager.h"
#include "cluster-manager/cluster_state.h"
#include "common/http/status_http_server.h"
#include "nlohmann/json.hpp"

namespace centella::cluster_manager {

// The JSON documents, from the books (call on the loop). Active applications and
// drivers first, then the completed ones the manager remembers.
nlohmann::json ApplicationsJson(const ClusterState& state);
nlohmann::json DaemonsJson(const ClusterState& state, absl::Time now);
nlohmann::json DriversJson(const ClusterState& state);

// Serves the UI for `manager` (which must outlive the returned server) where `listen`
// says (bind_host, port, port_max_retries; its routes and component are set here).
// Errors: StatusHttpServer::Start's.
absl::StatusOr<std::unique_ptr<StatusHttpServer>> StartManagerStatusUi(
    ClusterManager& manager, StatusHttpServerOptions listen);

}  // namespace centella::cluster_manager

#endif  // CENTELLA_CLUSTER_MANAGER_MANAGER_STATUS_UI_H_

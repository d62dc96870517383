#include "cluster-manager/manager_status_ui.h"

#include <utility>
#include <vector>

#include "common/http/html_page.h"

namespace centella::cluster_manager {
namespace {

using nlohmann::json;

json AppJson(const ApplicationRecord& app, const ClusterState& state) {
  json executors = json::array();
  for (const auto& [id, executor] : app.executors) {
    auto daemon = state.daemons().find(executor.daemon_id);
    executors.push_back({
        {"executor_id", executor.executor_id},
        {"daemon_id", executor.daemon_id},
        {"host", daemon != state.daemons().end() ? daemon->second.host : ""},
        {"state", v1::ExecutorState_Name(executor.state)},
        {"cores", executor.resources.cores},
        {"memory_bytes", executor.resources.memory_bytes},
    });
  }
  return {
      {"id", app.app_id},
      {"name", app.description.name()},
      {"state", v1::ApplicationState_Name(app.state)},
      {"cores_granted", app.granted_cores()},
      {"executor_count", executors.size()},
      {"executors", std::move(executors)},
      {"waiting_reason", app.waiting_reason},
      {"message", app.message},
  };
}

json DriverJson(const DriverRecord& driver) {
  return {
      {"id", driver.driver_id},
      {"state", v1::DriverState_Name(driver.state)},
      {"daemon_id", driver.daemon_id},
      {"app_id", driver.app_id},
      {"restart_count", driver.restart_count},
      {"message", driver.message},
  };
}

constexpr const char* kJson = "application/json";

// Asks the manager's loop for `build(state, now)` and wraps it as an HTTP body.
template <typename Build>
absl::StatusOr<HttpBody> Answer(ClusterManager& manager, const char* content_type, Build build) {
  absl::StatusOr<std::string> body = manager.ReadState<std::string>(
      [&build](const ClusterState& state, absl::Time now) { return build(state, now); });
  if (!body.ok()) return body.status();
  return HttpBody{content_type, *std::move(body)};
}

std::string RenderPage(const ClusterState& state, absl::Time now) {
  HtmlTable apps{"Applications",
                 {{"Id", "id"},
                  {"Name", "name"},
                  {"State", "state"},
                  {"Cores granted", "cores_granted"},
                  {"Executors", "executor_count"},
                  {"Waiting reason", "waiting_reason"},
                  {"Message", "message"}},
                 ApplicationsJson(state)};
  HtmlTable executors{"Executors",
                      {{"Application", "app_id"},
                       {"Executor", "executor_id"},
                       {"Daemon", "daemon_id"},
                       {"Host", "host"},
                       {"State", "state"},
                       {"Cores", "cores"}},
                      json::array()};
  for (const json& app : apps.rows) {
    for (json executor : app["executors"]) {
      executor["app_id"] = app["id"];
      executors.rows.push_back(std::move(executor));
    }
  }
  HtmlTable daemons{"Daemons",
                    {{"Id", "id"},
                     {"Address", "address"},
                     {"State", "state"},
                     {"Cores total", "cores_total"},
                     {"Cores free", "cores_free"},
                     {"Memory total (bytes)", "memory_total_bytes"},
                     {"Memory free (bytes)", "memory_free_bytes"},
                     {"Last heartbeat (ms ago)", "last_heartbeat_age_ms"}},
                    DaemonsJson(state, now)};
  HtmlTable drivers{"Drivers",
                    {{"Id", "id"},
                     {"State", "state"},
                     {"Daemon", "daemon_id"},
                     {"Application", "app_id"},
                     {"Restarts", "restart_count"},
                     {"Message", "message"}},
                    DriversJson(state)};
  return RenderHtmlPage("Centella cluster manager", {daemons, apps, executors, drivers});
}

}  // namespace

json ApplicationsJson(const ClusterState& state) {
  json apps = json::array();
  for (const ApplicationRecord* app : state.AppsInFifoOrder()) apps.push_back(AppJson(*app, state));
  for (const ApplicationRecord& app : state.completed_apps()) apps.push_back(AppJson(app, state));
  return apps;
}

json DaemonsJson(const ClusterState& state, absl::Time now) {
  json daemons = json::array();
  for (const auto& [id, daemon] : state.daemons()) {
    const Resources free = daemon.free();
    daemons.push_back({
        {"id", daemon.daemon_id},
        {"address", daemon.address},
        {"host", daemon.host},
        {"state", v1::DaemonState_Name(daemon.state)},
        {"cores_total", daemon.total.cores},
        {"cores_free", free.cores},
        {"memory_total_bytes", daemon.total.memory_bytes},
        {"memory_free_bytes", free.memory_bytes},
        {"last_heartbeat_age_ms", absl::ToInt64Milliseconds(now - daemon.last_heartbeat)},
        {"executor_count", daemon.executors.size()},
    });
  }
  return daemons;
}

json DriversJson(const ClusterState& state) {
  json drivers = json::array();
  for (const auto& [id, driver] : state.drivers()) drivers.push_back(DriverJson(driver));
  for (const DriverRecord& driver : state.completed_drivers()) drivers.push_back(DriverJson(driver));
  return drivers;
}

absl::StatusOr<std::unique_ptr<StatusHttpServer>> StartManagerStatusUi(
    ClusterManager& manager, StatusHttpServerOptions listen) {
  StatusHttpServerOptions options = std::move(listen);
  options.component = "cluster-manager-ui";
  ClusterManager* m = &manager;
  options.routes["/api/v1/applications"] = [m] {
    return Answer(*m, kJson,
                  [](const ClusterState& s, absl::Time) { return ApplicationsJson(s).dump(); });
  };
  options.routes["/api/v1/daemons"] = [m] {
    return Answer(*m, kJson,
                  [](const ClusterState& s, absl::Time now) { return DaemonsJson(s, now).dump(); });
  };
  options.routes["/api/v1/drivers"] = [m] {
    return Answer(*m, kJson,
                  [](const ClusterState& s, absl::Time) { return DriversJson(s).dump(); });
  };
  options.routes["/"] = [m] { return Answer(*m, "text/html; charset=utf-8", RenderPage); };
  return StatusHttpServer::Start(std::move(options));
}

}  // namespace centella::cluster_manager

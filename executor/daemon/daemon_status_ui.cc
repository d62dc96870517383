#include "executor/daemon/daemon_status_ui.h"

#include <utility>

#include "common/http/html_page.h"

namespace centella {

nlohmann::json ExecutorsJson(const std::vector<v1::DaemonExecutor>& executors) {
  nlohmann::json out = nlohmann::json::array();
  for (const v1::DaemonExecutor& e : executors) {
    out.push_back({
        {"app_id", e.app_id()},
        {"executor_id", e.executor_id()},
        {"pid", e.pid()},
        {"state", v1::ExecutorState_Name(e.state())},
        {"cores", e.resources().cores()},
        {"memory_bytes", e.resources().memory_bytes()},
    });
  }
  return out;
}

absl::StatusOr<std::unique_ptr<StatusHttpServer>> StartDaemonStatusUi(
    ExecutorSupervisor& executors, const std::string& daemon_id, StatusHttpServerOptions listen) {
  StatusHttpServerOptions options = std::move(listen);
  options.component = "executor-daemon-ui";
  ExecutorSupervisor* supervisor = &executors;
  options.routes["/api/v1/executors"] = [supervisor]() -> absl::StatusOr<HttpBody> {
    return HttpBody{"application/json", ExecutorsJson(supervisor->Snapshot()).dump()};
  };
  options.routes["/"] = [supervisor, daemon_id]() -> absl::StatusOr<HttpBody> {
    HtmlTable table{"Executors",
                    {{"Application", "app_id"},
                     {"Executor", "executor_id"},
                     {"PID", "pid"},
                     {"State", "state"},
                     {"Cores", "cores"},
                     {"Memory (bytes)", "memory_bytes"}},
                    ExecutorsJson(supervisor->Snapshot())};
    return HttpBody{"text/html; charset=utf-8",
                    RenderHtmlPage("Centella executor daemon " + daemon_id, {table})};
  };
  return StatusHttpServer::Start(std::move(options));
}

}  // namespace centella

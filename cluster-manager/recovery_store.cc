#include "cluster-manager/recovery_store.h"

#include "absl/strings/str_cat.h"
#include "common/logging/logger.h"
#include "common/status/status_macros.h"
#include "recovery_record.pb.h"

namespace centella::cluster_manager {
namespace {

namespace rec = ::centella::cluster_manager::recovery;

constexpr char kApps[] = "apps";
constexpr char kDaemons[] = "daemons";
constexpr char kDrivers[] = "drivers";

absl::Status RemoveIfPresent(Storage& storage, const std::string& path) {
  absl::Status s = storage.Remove(path);
  return absl::IsNotFound(s) ? absl::OkStatus() : s;
}

absl::Time FromMillis(int64_t ms) { return ms == 0 ? absl::Time() : absl::FromUnixMillis(ms); }
int64_t ToMillis(absl::Time t) { return t == absl::Time() ? 0 : absl::ToUnixMillis(t); }

// Reads every file in `dir`, parsing each as `Message` and handing it to `add`.
template <typename Message, typename Add>
absl::Status LoadDir(const Storage& storage, const std::string& dir, Add add) {
  absl::StatusOr<std::vector<std::string>> names = storage.List(dir);
  if (absl::IsNotFound(names.status())) return absl::OkStatus();
  if (!names.ok()) return names.status();
  for (const std::string& name : *names) {
    const std::string path = absl::StrCat(dir, "/", name);
    ASSIGN_OR_RETURN(std::string bytes, storage.Read(path));
    Message message;
    if (!message.ParseFromString(bytes)) {
      GetLogger("cluster-manager")
          ->error("recovery: cannot parse {}/{}; ignoring it", storage.root(), path);
      continue;
    }
    add(std::move(message));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status RecoveryStore::SaveApp(const ApplicationRecord& app) {
  rec::PersistedApplication p;
  p.set_app_id(app.app_id);
  *p.mutable_description() = app.description;
  p.set_driver_address(app.driver_address);
  p.set_driver_ui_url(app.driver_ui_url);
  p.set_driver_id(app.driver_id);
  p.set_state(app.state);
  p.set_submitted_unix_ms(ToMillis(app.submitted));
  p.set_next_executor_id(app.next_executor_id);
  p.set_target_executors(app.target_executors);
  for (const auto& [id, executor] : app.executors) {
    rec::PersistedExecutor* e = p.add_executors();
    e->set_executor_id(id);
    e->set_daemon_id(executor.daemon_id);
    *e->mutable_resources() = executor.resources.ToProto();
    e->set_state(executor.state);
  }
  return storage_.WriteAtomic(absl::StrCat(kApps, "/", app.app_id), p.SerializeAsString());
}

absl::Status RecoveryStore::RemoveApp(const std::string& app_id) {
  return RemoveIfPresent(storage_, absl::StrCat(kApps, "/", app_id));
}

absl::Status RecoveryStore::SaveDaemon(const DaemonRecord& daemon) {
  rec::PersistedDaemon p;
  p.set_daemon_id(daemon.daemon_id);
  p.set_host(daemon.host);
  p.set_address(daemon.address);
  p.set_web_ui_port(daemon.web_ui_port);
  *p.mutable_total() = daemon.total.ToProto();
  p.set_start_time_unix_ms(daemon.start_time_unix_ms);
  return storage_.WriteAtomic(absl::StrCat(kDaemons, "/", daemon.daemon_id), p.SerializeAsString());
}

absl::Status RecoveryStore::RemoveDaemon(const std::string& daemon_id) {
  return RemoveIfPresent(storage_, absl::StrCat(kDaemons, "/", daemon_id));
}

absl::Status RecoveryStore::SaveDriver(const DriverRecord& driver) {
  rec::PersistedDriver p;
  p.set_driver_id(driver.driver_id);
  *p.mutable_description() = driver.description;
  p.set_state(driver.state);
  p.set_daemon_id(driver.daemon_id);
  p.set_app_id(driver.app_id);
  p.set_submitted_unix_ms(ToMillis(driver.submitted));
  p.set_started_unix_ms(ToMillis(driver.started));
  p.set_restart_count(driver.restart_count);
  return storage_.WriteAtomic(absl::StrCat(kDrivers, "/", driver.driver_id), p.SerializeAsString());
}

absl::Status RecoveryStore::RemoveDriver(const std::string& driver_id) {
  return RemoveIfPresent(storage_, absl::StrCat(kDrivers, "/", driver_id));
}

absl::StatusOr<RecoveryStore::Loaded> RecoveryStore::Load() const {
  Loaded loaded;
  RETURN_IF_ERROR(
      LoadDir<rec::PersistedApplication>(storage_, kApps, [&](rec::PersistedApplication p) {
        ApplicationRecord app;
        app.app_id = p.app_id();
        app.description = p.description();
        app.driver_address = p.driver_address();
        app.driver_ui_url = p.driver_ui_url();
        app.driver_id = p.driver_id();
        app.state = p.state();
        app.submitted = FromMillis(p.submitted_unix_ms());
        app.next_executor_id = p.next_executor_id();
        app.target_executors = p.target_executors();
        for (const rec::PersistedExecutor& e : p.executors()) {
          ExecutorRecord executor;
          executor.app_id = app.app_id;
          executor.executor_id = e.executor_id();
          executor.daemon_id = e.daemon_id();
          executor.resources = Resources::FromProto(e.resources());
          executor.state = e.state();
          executor.confirmed = false;
          app.executors.emplace(executor.executor_id, std::move(executor));
        }
        loaded.apps.push_back(std::move(app));
      }));
  RETURN_IF_ERROR(LoadDir<rec::PersistedDaemon>(storage_, kDaemons, [&](rec::PersistedDaemon p) {
    DaemonRecord daemon;
    daemon.daemon_id = p.daemon_id();
    daemon.host = p.host();
    daemon.address = p.address();
    daemon.web_ui_port = p.web_ui_port();
    daemon.total = Resources::FromProto(p.total());
    daemon.start_time_unix_ms = p.start_time_unix_ms();
    loaded.daemons.push_back(std::move(daemon));
  }));
  RETURN_IF_ERROR(LoadDir<rec::PersistedDriver>(storage_, kDrivers, [&](rec::PersistedDriver p) {
    DriverRecord driver;
    driver.driver_id = p.driver_id();
    driver.description = p.description();
    driver.state = p.state();
    driver.daemon_id = p.daemon_id();
    driver.app_id = p.app_id();
    driver.submitted = FromMillis(p.submitted_unix_ms());
    driver.started = FromMillis(p.started_unix_ms());
    driver.restart_count = p.restart_count();
    loaded.drivers.push_back(std::move(driver));
  }));
  return loaded;
}

}  // namespace centella::cluster_manager

#include "cluster-manager/cluster_state.h"

#include <algorithm>
#include <cassert>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/config/byte_size.h"

namespace centella::cluster_manager {

v1::ResourceSpec Resources::ToProto() const {
  v1::ResourceSpec spec;
  spec.set_cores(cores);
  spec.set_memory_bytes(memory_bytes);
  return spec;
}

Resources& Resources::operator+=(const Resources& o) {
  cores += o.cores;
  memory_bytes += o.memory_bytes;
  return *this;
}

Resources& Resources::operator-=(const Resources& o) {
  cores -= o.cores;
  memory_bytes -= o.memory_bytes;
  return *this;
}

std::string DescribeResources(const Resources& r) {
  return absl::StrCat(r.cores, r.cores == 1 ? " core + " : " cores + ",
                      FormatByteSize(ByteSize{std::max<int64_t>(0, r.memory_bytes)}));
}

int32_t ApplicationRecord::granted_cores() const {
  int32_t cores = 0;
  for (const auto& [id, executor] : executors) cores += executor.resources.cores;
  return cores;
}

bool ApplicationRecord::active() const {
  return state == v1::APPLICATION_STATE_WAITING || state == v1::APPLICATION_STATE_RUNNING ||
         state == v1::APPLICATION_STATE_UNKNOWN;
}

DaemonRecord* ClusterState::FindDaemon(const std::string& daemon_id) {
  auto it = daemons_.find(daemon_id);
  return it == daemons_.end() ? nullptr : &it->second;
}

DaemonRecord& ClusterState::AddDaemon(DaemonRecord daemon) {
  daemon.used = {};
  daemon.executors.clear();
  daemon.drivers.clear();
  std::string id = daemon.daemon_id;
  auto [it, inserted] = daemons_.insert_or_assign(std::move(id), std::move(daemon));
  return it->second;
}

void ClusterState::EraseDaemon(const std::string& daemon_id) {
  auto it = daemons_.find(daemon_id);
  if (it == daemons_.end()) return;
  assert(it->second.executors.empty() && it->second.drivers.empty());
  daemons_.erase(it);
}

ApplicationRecord* ClusterState::FindApp(const std::string& app_id) {
  auto it = apps_.find(app_id);
  return it == apps_.end() ? nullptr : &it->second;
}

const ApplicationRecord* ClusterState::FindAnyApp(const std::string& app_id) const {
  if (auto it = apps_.find(app_id); it != apps_.end()) return &it->second;
  for (const ApplicationRecord& app : completed_apps_) {
    if (app.app_id == app_id) return &app;
  }
  return nullptr;
}

ApplicationRecord& ClusterState::AddApp(ApplicationRecord app) {
  std::string id = app.app_id;
  return apps_.insert_or_assign(std::move(id), std::move(app)).first->second;
}

void ClusterState::CompleteApp(const std::string& app_id, size_t keep_completed) {
  auto it = apps_.find(app_id);
  if (it == apps_.end()) return;
  assert(it->second.executors.empty());
  completed_apps_.push_back(std::move(it->second));
  apps_.erase(it);
  while (completed_apps_.size() > keep_completed) completed_apps_.pop_front();
}

std::vector<const ApplicationRecord*> ClusterState::AppsInFifoOrder() const {
  std::vector<const ApplicationRecord*> order;
  order.reserve(apps_.size());
  for (const auto& [id, app] : apps_) order.push_back(&app);
  std::stable_sort(order.begin(), order.end(),
                   [](const ApplicationRecord* a, const ApplicationRecord* b) {
                     return a->submitted < b->submitted;
                   });
  return order;
}

ExecutorRecord& ClusterState::AddExecutor(ApplicationRecord& app, DaemonRecord& daemon,
                                          const std::string& executor_id, v1::ExecutorState state) {
  std::string id = executor_id;
  if (id.empty()) {
    id = absl::StrCat(app.next_executor_id++);
  } else if (int64_t number = 0; absl::SimpleAtoi(id, &number)) {
    // An adopted executor keeps its id; never hand the same id out again.
    app.next_executor_id = std::max(app.next_executor_id, number + 1);
  }
  ExecutorRecord record;
  record.app_id = app.app_id;
  record.executor_id = id;
  record.daemon_id = daemon.daemon_id;
  record.resources = app.per_executor();
  record.state = state;
  daemon.used += record.resources;
  daemon.executors.insert({app.app_id, id});
  return app.executors.insert_or_assign(id, std::move(record)).first->second;
}

std::optional<ExecutorRecord> ClusterState::RemoveExecutor(const std::string& app_id,
                                                           const std::string& executor_id) {
  ApplicationRecord* app = FindApp(app_id);
  if (app == nullptr) return std::nullopt;
  auto it = app->executors.find(executor_id);
  if (it == app->executors.end()) return std::nullopt;
  ExecutorRecord record = std::move(it->second);
  app->executors.erase(it);
  if (DaemonRecord* daemon = FindDaemon(record.daemon_id); daemon != nullptr) {
    if (daemon->executors.erase({app_id, executor_id}) > 0) daemon->used -= record.resources;
  }
  return record;
}

ExecutorRecord* ClusterState::FindExecutor(const std::string& app_id,
                                           const std::string& executor_id) {
  ApplicationRecord* app = FindApp(app_id);
  if (app == nullptr) return nullptr;
  auto it = app->executors.find(executor_id);
  return it == app->executors.end() ? nullptr : &it->second;
}

DriverRecord* ClusterState::FindDriver(const std::string& driver_id) {
  auto it = drivers_.find(driver_id);
  return it == drivers_.end() ? nullptr : &it->second;
}

const DriverRecord* ClusterState::FindAnyDriver(const std::string& driver_id) const {
  if (auto it = drivers_.find(driver_id); it != drivers_.end()) return &it->second;
  for (const DriverRecord& driver : completed_drivers_) {
    if (driver.driver_id == driver_id) return &driver;
  }
  return nullptr;
}

DriverRecord& ClusterState::AddDriver(DriverRecord driver) {
  std::string id = driver.driver_id;
  return drivers_.insert_or_assign(std::move(id), std::move(driver)).first->second;
}

void ClusterState::BookDriver(DriverRecord& driver, DaemonRecord& daemon) {
  ReleaseDriver(driver);
  driver.daemon_id = daemon.daemon_id;
  daemon.drivers.insert(driver.driver_id);
  daemon.used += Resources::FromProto(driver.description.resources());
}

void ClusterState::ReleaseDriver(DriverRecord& driver) {
  if (driver.daemon_id.empty()) return;
  if (DaemonRecord* daemon = FindDaemon(driver.daemon_id); daemon != nullptr) {
    if (daemon->drivers.erase(driver.driver_id) > 0) {
      daemon->used -= Resources::FromProto(driver.description.resources());
    }
  }
  driver.daemon_id.clear();
}

void ClusterState::CompleteDriver(const std::string& driver_id, size_t keep_completed) {
  auto it = drivers_.find(driver_id);
  if (it == drivers_.end()) return;
  ReleaseDriver(it->second);
  completed_drivers_.push_back(std::move(it->second));
  drivers_.erase(it);
  while (completed_drivers_.size() > keep_completed) completed_drivers_.pop_front();
}

}  // namespace centella::cluster_manager

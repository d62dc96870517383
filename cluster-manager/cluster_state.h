// ClusterState: the manager's books — daemons, applications with their executors, and
// cluster-mode drivers — and the resource accounting that ties them together.
//
// Invariant kept by every method: a daemon's `used` resources are exactly the sum of the
// executors and drivers booked on it, and every executor listed in an application is
// listed (by key) on its daemon and vice versa. Code outside this class reads records
// freely but changes bookings only through AddExecutor/RemoveExecutor and
// BookDriver/ReleaseDriver.
//
// Thread safety: none. The manager's event loop owns the only instance.
#ifndef CENTELLA_CLUSTER_MANAGER_CLUSTER_STATE_H_
#define CENTELLA_CLUSTER_MANAGER_CLUSTER_STATE_H_

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "cluster_manager.pb.h"
#include "common.pb.h"

namespace centella::cluster_manager {

// Cores and memory, as offered by a daemon or granted to an executor or driver.
struct Resources {
  int32_t cores = 0;
  int64_t memory_bytes = 0;

  static Resources FromProto(const v1::ResourceSpec& spec) {
    return {spec.cores(), spec.memory_bytes()};
  }
  v1::ResourceSpec ToProto() const;
  bool Covers(const Resources& need) const {
    return cores >= need.cores && memory_bytes >= need.memory_bytes;
  }
  Resources& operator+=(const Resources& o);
  Resources& operator-=(const Resources& o);
  friend Resources operator-(Resources a, const Resources& b) { return a -= b; }
  friend bool operator==(const Resources&, const Resources&) = default;
};

// "2 cores + 1g": for logs and waiting reasons.
std::string DescribeResources(const Resources& r);

struct ExecutorRecord {
  std::string app_id;
  std::string executor_id;
  std::string daemon_id;
  Resources resources;
  v1::ExecutorState state = v1::EXECUTOR_STATE_LAUNCHING;
  // False for an executor read back from the recovery directory whose daemon has not yet
  // re-registered listing it.
  bool confirmed = true;
};

using ExecutorKey = std::pair<std::string, std::string>;  // (app_id, executor_id)

struct DaemonRecord {
  std::string daemon_id;
  std::string host;
  std::string address;  // "host:port" of its ExecutorDaemon service
  int32_t web_ui_port = 0;
  Resources total;
  Resources used;
  v1::DaemonState state = v1::DAEMON_STATE_ALIVE;
  absl::Time last_heartbeat;
  int64_t start_time_unix_ms = 0;
  std::set<ExecutorKey> executors;
  std::set<std::string> drivers;
  // Applications whose CleanupApplication could not be delivered; sent again in the next
  // heartbeat reply.
  std::set<std::string> pending_cleanups;

  Resources free() const { return total - used; }
};

struct ApplicationRecord {
  std::string app_id;
  v1::ApplicationDescription description;
  std::string driver_address;
  std::string driver_ui_url;
  std::string driver_id;
  v1::ApplicationState state = v1::APPLICATION_STATE_WAITING;
  absl::Time submitted;
  absl::Time finished;
  std::string message;
  // Live executors by id.
  std::map<std::string, ExecutorRecord> executors;
  // Next executor id to assign; ids are never reused within an application.
  int64_t next_executor_id = 0;
  // Dynamic allocation target (RequestExecutors); unused otherwise.
  int32_t target_executors = 0;
  // Executor failures since the last executor reached RUNNING.
  int32_t executor_failures = 0;
  // Why the application has fewer executors than it wants; empty when it is served.
  std::string waiting_reason;

  Resources per_executor() const { return Resources::FromProto(description.executor_resources()); }
  int32_t granted_cores() const;
  bool active() const;
};

struct DriverRecord {
  std::string driver_id;
  v1::DriverDescription description;
  v1::DriverState state = v1::DRIVER_STATE_SUBMITTED;
  std::string daemon_id;  // empty unless launched
  std::string app_id;
  absl::Time submitted;
  absl::Time started;
  absl::Time finished;
  int32_t restart_count = 0;
  std::optional<int32_t> exit_code;
  std::string message;
};

class ClusterState {
 public:
  // --- daemons ---
  DaemonRecord* FindDaemon(const std::string& daemon_id);
  // Adds a daemon with no bookings; the id must be new.
  DaemonRecord& AddDaemon(DaemonRecord daemon);
  // Removes a daemon that has no executors or drivers left (the caller removes them first).
  void EraseDaemon(const std::string& daemon_id);
  std::map<std::string, DaemonRecord>& daemons() { return daemons_; }
  const std::map<std::string, DaemonRecord>& daemons() const { return daemons_; }

  // --- applications ---
  ApplicationRecord* FindApp(const std::string& app_id);
  // Active application, or else a completed one (for status queries).
  const ApplicationRecord* FindAnyApp(const std::string& app_id) const;
  ApplicationRecord& AddApp(ApplicationRecord app);
  // Moves an application without executors to the completed list (bounded).
  void CompleteApp(const std::string& app_id, size_t keep_completed);
  std::map<std::string, ApplicationRecord>& apps() { return apps_; }
  const std::map<std::string, ApplicationRecord>& apps() const { return apps_; }
  const std::deque<ApplicationRecord>& completed_apps() const { return completed_apps_; }
  // Active applications in FIFO order: submission time, then id.
  std::vector<const ApplicationRecord*> AppsInFifoOrder() const;

  // --- executors ---
  // Books a new executor of `app` on `daemon`; `executor_id` empty = the next id.
  ExecutorRecord& AddExecutor(ApplicationRecord& app, DaemonRecord& daemon,
                              const std::string& executor_id, v1::ExecutorState state);
  // Unbooks the executor and returns it; nullopt if unknown.
  std::optional<ExecutorRecord> RemoveExecutor(const std::string& app_id,
                                               const std::string& executor_id);
  ExecutorRecord* FindExecutor(const std::string& app_id, const std::string& executor_id);

  // --- drivers ---
  DriverRecord* FindDriver(const std::string& driver_id);
  const DriverRecord* FindAnyDriver(const std::string& driver_id) const;
  DriverRecord& AddDriver(DriverRecord driver);
  void BookDriver(DriverRecord& driver, DaemonRecord& daemon);
  // Unbooks the driver from its daemon, if it has one.
  void ReleaseDriver(DriverRecord& driver);
  void CompleteDriver(const std::string& driver_id, size_t keep_completed);
  std::map<std::string, DriverRecord>& drivers() { return drivers_; }
  const std::map<std::string, DriverRecord>& drivers() const { return drivers_; }
  const std::deque<DriverRecord>& completed_drivers() const { return completed_drivers_; }

 private:
  std::map<std::string, DaemonRecord> daemons_;
  std::map<std::string, ApplicationRecord> apps_;
  std::deque<ApplicationRecord> completed_apps_;
  std::map<std::string, DriverRecord> drivers_;
  std::deque<DriverRecord> completed_drivers_;
};

}  // namespace centella::cluster_manager

#endif  // CENTELLA_CLUSTER_MANAGER_CLUSTER_STATE_H_

// RecoveryStore: the manager's state in its recovery directory (Spark's
// FileSystemPersistenceEngine), through the Storage interface so that every write is
// atomic and tests can use FakeStorage.
//
// Layout, one binary-protobuf file per entity (recovery_record.proto):
//   apps/<app_id>        active applications with their live executors
//   daemons/<daemon_id>  registered daemons (resources, address)
//   drivers/<driver_id>  cluster-mode drivers not yet finished
// Finished entities are removed. The manager writes an entity before it acts on the change
// (launching an executor, answering a registration), so that a restarted manager never
// forgets something the cluster already depends on.
//
// Thread safety: as the Storage it wraps; the manager calls it from its event loop only.
#ifndef CENTELLA_CLUSTER_MANAGER_RECOVERY_STORE_H_
#define CENTELLA_CLUSTER_MANAGER_RECOVERY_STORE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "cluster-manager/cluster_state.h"
#include "common/storage/storage.h"

namespace centella::cluster_manager {

class RecoveryStore {
 public:
  // What Load found. Executors come inside their applications (confirmed = false);
  // daemons carry no bookings (the caller re-books the executors).
  struct Loaded {
    std::vector<ApplicationRecord> apps;
    std::vector<DaemonRecord> daemons;
    std::vector<DriverRecord> drivers;
  };

  // `storage` is not owned and must outlive the store.
  explicit RecoveryStore(Storage& storage) : storage_(storage) {}

  absl::Status SaveApp(const ApplicationRecord& app);
  absl::Status RemoveApp(const std::string& app_id);
  absl::Status SaveDaemon(const DaemonRecord& daemon);
  absl::Status RemoveDaemon(const std::string& daemon_id);
  absl::Status SaveDriver(const DriverRecord& driver);
  absl::Status RemoveDriver(const std::string& driver_id);

  // Everything stored. A file that cannot be parsed is logged and skipped (a recovery
  // directory with one bad file should not keep the manager down); Storage errors other
  // than a missing folder are returned.
  absl::StatusOr<Loaded> Load() const;

 private:
  Storage& storage_;
};

}  // namespace centella::cluster_manager

#endif  // CENTELLA_CLUSTER_MANAGER_RECOVERY_STORE_H_

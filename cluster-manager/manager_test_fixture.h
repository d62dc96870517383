// Test fixture: a ClusterManager over a FakeClock, a FakeDaemonClient and (optionally) a
// FakeStorage, with no background check (tests call Tick after moving the clock), plus
// small builders for the requests tests send. Test-only.
#ifndef CENTELLA_CLUSTER_MANAGER_MANAGER_TEST_FIXTURE_H_
#define CENTELLA_CLUSTER_MANAGER_MANAGER_TEST_FIXTURE_H_

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "cluster-manager/binary_store.h"
#include "cluster-manager/cluster_manager.h"
#include "common/digest/content_hash.h"
#include "cluster-manager/fake_daemon_client.h"
#include "common/clock/fake_clock.h"
#include "common/storage/fake_storage.h"
#include "gtest/gtest.h"

namespace centella::cluster_manager {

inline constexpr int64_t kGiB = int64_t{1} << 30;

class ManagerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto binaries = BinaryStore::OpenTemporary();
    ASSERT_TRUE(binaries.ok()) << binaries.status();
    binaries_ = std::move(*binaries);
    binary_hash_ = Store("the job binary");
  }

  // Stores `bytes` as a binary and returns its hash.
  std::string Store(const std::string& bytes) {
    const std::string hash = ContentHashOf(bytes);
    auto upload = binaries_->BeginUpload(hash, static_cast<int64_t>(bytes.size()));
    EXPECT_TRUE(upload.ok());
    EXPECT_TRUE((*upload)->Append(0, bytes).ok());
    EXPECT_TRUE((*upload)->Commit().ok());
    return hash;
  }

  // (Re)creates the manager; `storage` null = no recovery.
  void StartManager(bool spread_out = true, Storage* storage = nullptr) {
    manager_.reset();
    ClusterManagerOptions options;
    options.advertised_address = "manager:7077";
    options.worker_timeout = absl::Seconds(10);
    options.check_interval = absl::ZeroDuration();
    options.spread_out = spread_out;
    auto manager = ClusterManager::Create(options, clock_, daemons_, *binaries_, storage);
    ASSERT_TRUE(manager.ok()) << manager.status();
    manager_ = std::move(*manager);
  }

  static v1::RegisterDaemonRequest DaemonRequest(const std::string& id, int cores, int64_t memory) {
    v1::RegisterDaemonRequest req;
    req.set_protocol_version(v1::PROTOCOL_VERSION_CURRENT);
    req.set_daemon_id(id);
    req.set_host(absl::StrCat(id, "-host"));
    req.set_address(absl::StrCat(id, ":7078"));
    req.mutable_resources()->set_cores(cores);
    req.mutable_resources()->set_memory_bytes(memory);
    req.set_start_time_unix_ms(1000);
    return req;
  }

  v1::RegisterDaemonResponse AddDaemon(const std::string& id, int cores, int64_t memory) {
    auto resp = manager_->RegisterDaemon(DaemonRequest(id, cores, memory));
    EXPECT_TRUE(resp.ok()) << resp.status();
    return resp.ok() ? *resp : v1::RegisterDaemonResponse();
  }

  v1::RegisterApplicationRequest AppRequest(int cores, int64_t memory, int max_total_cores = 0) {
    v1::RegisterApplicationRequest req;
    req.set_protocol_version(v1::PROTOCOL_VERSION_CURRENT);
    req.set_driver_address("driver:4000");
    v1::ApplicationDescription* d = req.mutable_description();
    d->set_name("test-app");
    d->set_binary_hash(binary_hash_);
    d->mutable_executor_resources()->set_cores(cores);
    d->mutable_executor_resources()->set_memory_bytes(memory);
    d->set_max_total_cores(max_total_cores);
    (*d->mutable_conf())["centella.app.name"] = "test-app";
    return req;
  }

  std::string AddApp(int cores, int64_t memory, int max_total_cores = 0) {
    auto resp = manager_->RegisterApplication(AppRequest(cores, memory, max_total_cores));
    EXPECT_TRUE(resp.ok()) << resp.status();
    return resp.ok() ? resp->app_id() : "";
  }

  // Executors launched so far (by the fake) per daemon address, for one application.
  std::map<std::string, int> LaunchesPerDaemon(const std::string& app_id) const {
    std::map<std::string, int> counts;
    for (const auto& sent : daemons_.launched_executors()) {
      if (sent.request.app_id() == app_id) ++counts[sent.daemon_address];
    }
    return counts;
  }

  v1::ApplicationInfo App(const std::string& app_id) {
    v1::ListApplicationsRequest req;
    req.set_include_completed(true);
    auto list = manager_->ListApplications(req);
    EXPECT_TRUE(list.ok());
    for (const auto& app : list->applications()) {
      if (app.app_id() == app_id) return app;
    }
    ADD_FAILURE() << "no application " << app_id;
    return {};
  }

  // Every event queued so far on `queue`, without waiting.
  static std::vector<v1::ApplicationEvent> Drain(AppEventQueue& queue) {
    std::vector<v1::ApplicationEvent> events;
    v1::ApplicationEvent event;
    while (queue.Pop(absl::ZeroDuration(), &event) == AppEventQueue::PopResult::kEvent) {
      events.push_back(event);
    }
    return events;
  }

  FakeClock clock_;
  FakeDaemonClient daemons_;
  std::unique_ptr<BinaryStore> binaries_;
  std::string binary_hash_;
  std::unique_ptr<ClusterManager> manager_;
};

}  // namespace centella::cluster_manager

#endif  // CENTELLA_CLUSTER_MANAGER_MANAGER_TEST_FIXTURE_H_

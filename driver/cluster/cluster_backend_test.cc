// ClusterBackend against fake clients: the Driver service is real (executors register
// over gRPC), the manager and the executors' task streams are fakes the test plays.
#include "driver/cluster/cluster_backend.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "driver.grpc.pb.h"
#include "driver/cluster/fake_application_client.h"
#include "driver/cluster/fake_executor_client.h"
#include "gtest/gtest.h"

namespace centella {
namespace {

class ClusterBackendTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ClusterBackendOptions options;
    options.manager_address = "manager.invalid:7077";
    options.app_name = "fake-app";
    options.bind_host = "127.0.0.1";
    options.advertise_host = "127.0.0.1";
    ASSERT_TRUE(options.conf.Set("centella.executor.cores", "4").ok());
    auto manager = std::make_unique<FakeApplicationClient>("app-fake-0001");
    manager_ = manager.get();
    options.application_client = [&manager] { return std::move(manager); };
    options.executor_client = [this](const std::string& app_id, const std::string& executor_id,
                                     const std::string& address) {
      auto client = std::make_shared<FakeExecutorClient>(4);
      absl::MutexLock lock(&mu_);
      executors_[executor_id] = client;
      return client;
    };
    auto backend = ClusterBackend::Start(std::move(options), &secret_, &broadcasts_);
    ASSERT_TRUE(backend.ok()) << backend.status();
    backend_ = *std::move(backend);
    backend_->SetResultCallback([this](v1::TaskResult r) {
      absl::MutexLock lock(&mu_);
      results_.push_back(std::move(r));
    });
    backend_->SetExecutorsChangedCallback([this] {
      absl::MutexLock lock(&mu_);
      ++changes_;
    });
  }

  // Registers an executor through the real Driver service and waits until it is ready.
  std::shared_ptr<FakeExecutorClient> RegisterExecutor(const std::string& id) {
    auto stub = v1::Driver::NewStub(secret_.Connect(backend_->driver_address()));
    grpc::ClientContext ctx;
    v1::RegisterExecutorRequest req;
    req.set_protocol_version(v1::PROTOCOL_VERSION_CURRENT);
    req.set_app_id(backend_->app_id());
    req.mutable_address()->set_executor_id(id);
    req.mutable_address()->set_host("host-" + id);
    req.mutable_address()->set_executor_address("127.0.0.1:1");
    v1::RegisterExecutorResponse resp;
    grpc::Status s = stub->RegisterExecutor(&ctx, req, &resp);
    EXPECT_TRUE(s.ok()) << s.error_message();
    EXPECT_EQ(resp.app_name(), "fake-app");
    const absl::Time deadline = absl::Now() + absl::Seconds(10);
    while (absl::Now() < deadline) {
      for (const ExecutorSlots& ex : backend_->Executors()) {
        if (ex.executor_id == id) {
          absl::MutexLock lock(&mu_);
          return executors_.at(id);
        }
      }
      absl::SleepFor(absl::Milliseconds(5));
    }
    ADD_FAILURE() << "executor " << id << " never became ready";
    return nullptr;
  }

  std::vector<v1::TaskResult> Results() {
    absl::MutexLock lock(&mu_);
    return results_;
  }

  // Launches `n` tasks of a stage `stage` on `executor`.
  void Launch(const std::string& executor, int stage, int n) {
    auto plan = std::make_shared<v1::StagePlan>();
    plan->set_stage_id(stage);
    backend_->LaunchTasks(executor, plan, Tasks(stage, n));
  }

  static v1::TaskResult Finished(const std::string& task_id, int stage) {
    v1::TaskResult done;
    done.set_task_id(task_id);
    done.set_stage_id(stage);
    done.set_state(v1::TASK_STATE_FINISHED);
    return done;
  }

  static std::vector<v1::TaskDescriptor> Tasks(int stage, int n) {
    std::vector<v1::TaskDescriptor> tasks(n);
    for (int p = 0; p < n; ++p) {
      tasks[p].set_stage_id(stage);
      tasks[p].set_partition(p);
      tasks[p].set_task_id(absl::StrCat(stage, ".", p, ".0"));
    }
    return tasks;
  }

  SharedSecret secret_ = SharedSecret::FromValue("cluster-backend-test-secret");
  BroadcastManager broadcasts_{/*serialize=*/true, /*piece_bytes=*/1 << 20};
  FakeApplicationClient* manager_ = nullptr;
  std::unique_ptr<ClusterBackend> backend_;
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, std::shared_ptr<FakeExecutorClient>> executors_
      ABSL_GUARDED_BY(mu_);
  std::vector<v1::TaskResult> results_ ABSL_GUARDED_BY(mu_);
  int changes_ ABSL_GUARDED_BY(mu_) = 0;
};

TEST_F(ClusterBackendTest, RegistersTheApplicationWithTheManager) {
  EXPECT_EQ(backend_->app_id(), "app-fake-0001");
  ASSERT_TRUE(manager_->registered().has_value());
  EXPECT_EQ(manager_->registered()->name(), "fake-app");
  EXPECT_EQ(manager_->registered()->executor_resources().cores(), 4);
  EXPECT_EQ(manager_->registered()->binary_hash(), "sha256-of:/proc/self/exe");
  EXPECT_EQ(manager_->driver_address(), backend_->driver_address());
}

TEST_F(ClusterBackendTest, LaunchesKillsAndDeliversResults) {
  std::shared_ptr<FakeExecutorClient> ex = RegisterExecutor("exec-1");
  ASSERT_NE(ex, nullptr);
  Launch("exec-1", 3, 2);
  ASSERT_TRUE(ex->WaitForLaunched(2, absl::Seconds(5)));
  EXPECT_EQ(ex->plans_sent(), std::vector<int>{3});

  backend_->KillTask("exec-1", "3.1.0", "job cancelled");
  backend_->KillTask("exec-1", "9.9.9", "not running here");  // ignored
  backend_->KillTask("exec-2", "3.0.0", "no such executor");  // ignored
  EXPECT_EQ(ex->killed(), std::vector<std::string>{"3.1.0"});

  v1::TaskResult done = Finished("3.0.0", 3);
  done.set_value("forty-two");
  ex->Report(done);
  ASSERT_EQ(Results().size(), 1u);
  EXPECT_EQ(Results()[0].value(), "forty-two");

  // The stream breaks: the task still running there comes back lost, once.
  ex->Close("process exited with signal 9");
  std::vector<v1::TaskResult> results = Results();
  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(results[1].task_id(), "3.1.0");
  EXPECT_EQ(results[1].state(), v1::TASK_STATE_KILLED);
  EXPECT_NE(results[1].error_message().find("executor exec-1 lost: process exited with signal 9"),
            std::string::npos)
      << results[1].error_message();
  EXPECT_TRUE(backend_->Executors().empty());
}

TEST_F(ClusterBackendTest, LargeResultsAreFetchedFromTheExecutor) {
  std::shared_ptr<FakeExecutorClient> ex = RegisterExecutor("exec-1");
  ASSERT_NE(ex, nullptr);
  Launch("exec-1", 1, 1);
  ex->SetResultBlock("taskresult_1.0.0", std::string(5 << 20, 'x'));
  v1::TaskResult done = Finished("1.0.0", 1);
  done.set_result_block_id("taskresult_1.0.0");
  ex->Report(done);
  ASSERT_EQ(Results().size(), 1u);
  EXPECT_EQ(Results()[0].value().size(), size_t{5} << 20);
}

TEST_F(ClusterBackendTest, ManagerRemovingAnExecutorLosesItsTasks) {
  std::shared_ptr<FakeExecutorClient> ex = RegisterExecutor("exec-7");
  ASSERT_NE(ex, nullptr);
  Launch("exec-7", 2, 3);
  v1::ApplicationEvent removed;
  removed.mutable_executor_removed()->set_executor_id("exec-7");
  removed.mutable_executor_removed()->set_message("its daemon was lost");
  manager_->Emit(removed);
  std::vector<v1::TaskResult> results = Results();
  ASSERT_EQ(results.size(), 3u);
  for (const v1::TaskResult& r : results) EXPECT_EQ(r.state(), v1::TASK_STATE_KILLED);
  EXPECT_TRUE(backend_->Executors().empty());
  // Tasks launched on it afterwards come straight back lost too.
  Launch("exec-7", 2, 1);
  EXPECT_EQ(Results().size(), 4u);
}

TEST_F(ClusterBackendTest, ShutdownStopsExecutorsAndUnregisters) {
  std::shared_ptr<FakeExecutorClient> ex = RegisterExecutor("exec-1");
  ASSERT_NE(ex, nullptr);
  backend_->Shutdown(/*succeeded=*/false);
  EXPECT_EQ(manager_->unregistered(), std::optional<bool>(false));
  EXPECT_EQ(ex->stopped(), "the application finished");
}

}  // namespace
}  // namespace centella

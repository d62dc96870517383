// The manager's status UI over real HTTP: a ClusterManagerServer in-process with
// ui_port 0, a daemon registered through the manager, then GETs with httplib's client.
#include <memory>
#include <string>

#include "cluster-manager/cluster_manager_server.h"
#include "cluster-manager/fake_daemon_client.h"
#include "common/rpc/address_file.h"
#include "gtest/gtest.h"
#include "httplib.h"
#include "nlohmann/json.hpp"

namespace centella::cluster_manager {
namespace {

class ManagerStatusUiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ClusterManagerServerOptions options;
    options.rpc.bind_host = "127.0.0.1";
    options.rpc.port = 0;
    options.ui_port = 0;
    options.address_file = ::testing::TempDir() + "/manager_address";
    auto server = ClusterManagerServer::Start(options, SharedSecret::FromValue("s"), RealClock(),
                                              std::make_unique<FakeDaemonClient>());
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
    ASSERT_FALSE(server_->ui_address().empty());
    // Line 1 the gRPC server, line 2 this UI (common/rpc/address_file.h).
    absl::StatusOr<ProcessAddresses> written = ReadAddressFile(options.address_file);
    ASSERT_TRUE(written.ok()) << written.status();
    EXPECT_EQ(written->rpc, server_->address());
    EXPECT_EQ(written->ui, server_->ui_address());
    client_ = std::make_unique<httplib::Client>("http://" + server_->ui_address());
  }

  void RegisterDaemon(const std::string& id) {
    v1::RegisterDaemonRequest req;
    req.set_protocol_version(v1::PROTOCOL_VERSION_CURRENT);
    req.set_daemon_id(id);
    req.set_host("127.0.0.1");
    req.set_address("127.0.0.1:1");
    req.mutable_resources()->set_cores(4);
    req.mutable_resources()->set_memory_bytes(int64_t{8} << 30);
    ASSERT_TRUE(server_->manager().RegisterDaemon(req).ok());
  }

  std::unique_ptr<ClusterManagerServer> server_;
  std::unique_ptr<httplib::Client> client_;
};

TEST_F(ManagerStatusUiTest, DaemonsJsonListsRegisteredDaemon) {
  auto empty = client_->Get("/api/v1/daemons");
  ASSERT_TRUE(empty) << httplib::to_string(empty.error());
  EXPECT_EQ(nlohmann::json::parse(empty->body), nlohmann::json::array());

  RegisterDaemon("daemon-127.0.0.1-1");
  auto res = client_->Get("/api/v1/daemons");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->get_header_value("Content-Type"), "application/json");
  nlohmann::json daemons = nlohmann::json::parse(res->body);
  ASSERT_EQ(daemons.size(), 1u) << res->body;
  EXPECT_EQ(daemons[0]["id"], "daemon-127.0.0.1-1");
  EXPECT_EQ(daemons[0]["address"], "127.0.0.1:1");
  EXPECT_EQ(daemons[0]["state"], "DAEMON_STATE_ALIVE");
  EXPECT_EQ(daemons[0]["cores_total"], 4);
  EXPECT_EQ(daemons[0]["cores_free"], 4);
  EXPECT_EQ(daemons[0]["memory_total_bytes"], int64_t{8} << 30);
  EXPECT_GE(daemons[0]["last_heartbeat_age_ms"].get<int64_t>(), 0);
}

TEST_F(ManagerStatusUiTest, HtmlPageShowsDaemonAndOtherApis) {
  RegisterDaemon("daemon-<b>&-2");
  auto page = client_->Get("/");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
  EXPECT_NE(page->get_header_value("Content-Type").find("text/html"), std::string::npos);
  EXPECT_NE(page->body.find("<html>"), std::string::npos);
  EXPECT_NE(page->body.find("daemon-&lt;b&gt;&amp;-2"), std::string::npos) << page->body;
  EXPECT_EQ(page->body.find("daemon-<b>"), std::string::npos);

  for (const char* path : {"/api/v1/applications", "/api/v1/drivers"}) {
    auto res = client_->Get(path);
    ASSERT_TRUE(res) << path;
    EXPECT_EQ(res->status, 200) << path;
    EXPECT_TRUE(nlohmann::json::parse(res->body).is_array()) << path;
  }
  auto post = client_->Post("/api/v1/daemons", "{}", "application/json");
  ASSERT_TRUE(post);
  EXPECT_EQ(post->status, 405);
}

}  // namespace
}  // namespace centella::cluster_manager

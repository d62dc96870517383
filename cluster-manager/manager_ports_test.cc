// The manager's ports and its address file: two managers asking for the same ports take
// consecutive ones, and the address file appears only once both servers listen.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "cluster-manager/cluster_manager_server.h"
#include "cluster-manager/fake_daemon_client.h"
#include "common/rpc/address_file.h"
#include "common/rpc/held_ports.h"
#include "gtest/gtest.h"

namespace centella::cluster_manager {
namespace {

class ManagerPortsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::path(::testing::TempDir()) /
           absl::StrCat("manager-ports-test-", ::getpid());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  ClusterManagerServerOptions Options(const std::string& name, int port, int ui_port) const {
    ClusterManagerServerOptions options;
    options.rpc.bind_host = "127.0.0.1";
    options.rpc.port = port;
    options.ui_port = ui_port;
    options.address_file = (dir_ / (name + ".address")).string();
    return options;
  }

  static absl::StatusOr<std::unique_ptr<ClusterManagerServer>> Start(
      const ClusterManagerServerOptions& options) {
    return ClusterManagerServer::Start(options, SharedSecret::FromValue("s"), RealClock(),
                                       std::make_unique<FakeDaemonClient>());
  }

  // `count` free consecutive ports (held only while choosing them).
  static int FreePorts(int count) {
    std::optional<HeldPorts> held = HeldPorts::Take(count);
    return held.has_value() ? held->first() : 0;
  }

  std::filesystem::path dir_;
};

TEST_F(ManagerPortsTest, TwoManagersOnTheSamePortsTakeTheNextOnes) {
  const int port = FreePorts(2);
  const int ui_port = FreePorts(2);
  ASSERT_GT(port, 0);
  ASSERT_GT(ui_port, 0);
  auto first = Start(Options("first", port, ui_port));
  ASSERT_TRUE(first.ok()) << first.status();
  auto second = Start(Options("second", port, ui_port));
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ((*first)->address(), absl::StrCat("127.0.0.1:", port));
  EXPECT_EQ((*second)->address(), absl::StrCat("127.0.0.1:", port + 1));
  EXPECT_EQ((*first)->ui_address(), absl::StrCat("127.0.0.1:", ui_port));
  EXPECT_EQ((*second)->ui_address(), absl::StrCat("127.0.0.1:", ui_port + 1));

  absl::StatusOr<ProcessAddresses> file = ReadAddressFile((dir_ / "second.address").string());
  ASSERT_TRUE(file.ok()) << file.status();
  EXPECT_EQ(file->rpc, (*second)->address());
  EXPECT_EQ(file->ui, (*second)->ui_address());
}

TEST_F(ManagerPortsTest, UiThatCannotListenFailsTheStartAndLeavesNoAddressFile) {
  std::optional<HeldPorts> ui = HeldPorts::Take(1);
  ASSERT_TRUE(ui.has_value());
  ClusterManagerServerOptions options = Options("blocked", 0, ui->first());
  options.rpc.port_max_retries = 0;
  std::ofstream(options.address_file) << "127.0.0.1:1\n";  // a previous run's
  auto server = Start(options);
  EXPECT_EQ(server.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_NE(server.status().message().find(absl::StrCat("port ", ui->first())), std::string::npos)
      << server.status();
  EXPECT_FALSE(std::filesystem::exists(options.address_file));
}

TEST_F(ManagerPortsTest, WithoutUiTheAddressFileHasOneLine) {
  ClusterManagerServerOptions options = Options("no-ui", 0, -1);
  auto server = Start(options);
  ASSERT_TRUE(server.ok()) << server.status();
  std::ifstream in(options.address_file);
  std::string contents((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(contents, (*server)->address() + "\n");
}

TEST_F(ManagerPortsTest, UiBindsItsOwnInterface) {
  // 127.0.0.2 is loopback too on Linux: a second interface address to tell them apart.
  ClusterManagerServerOptions options = Options("ui-bind", 0, 0);
  options.ui_bind_host = "127.0.0.2";
  auto server = Start(options);
  ASSERT_TRUE(server.ok()) << server.status();
  EXPECT_EQ((*server)->address().rfind("127.0.0.1:", 0), 0u) << (*server)->address();
  EXPECT_EQ((*server)->ui_address().rfind("127.0.0.2:", 0), 0u) << (*server)->ui_address();
}

}  // namespace
}  // namespace centella::cluster_manager

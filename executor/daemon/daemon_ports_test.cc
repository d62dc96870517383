// The daemon's ports and its address file: two daemons asking for the same ports take
// consecutive ones, and the address file appears only once both servers listen.
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/rpc/address_file.h"
#include "common/rpc/held_ports.h"
#include "executor/daemon/daemon.h"
#include "executor/daemon/daemon_test_env.h"
#include "gtest/gtest.h"

namespace centella {
namespace {

class DaemonPortsTest : public ::testing::Test {
 protected:
  // A daemon against the fake manager on loopback, with its own work directory.
  DaemonOptions Options(const std::string& name, int port, int ui_port) {
    DaemonOptions options;
    options.cluster_manager = env_.manager().address();
    options.bind = "127.0.0.1";
    options.port = port;
    options.ui_port = ui_port;
    options.work_dir = absl::StrCat(env_.root(), "/", name, "-work");
    options.address_file = absl::StrCat(env_.root(), "/", name, ".address");
    options.secret_file = env_.secret_file();
    options.cores = 1;
    options.memory_bytes = int64_t{1} << 30;
    return options;
  }

  // `count` free consecutive ports (held only while choosing them).
  static int FreePorts(int count) {
    std::optional<HeldPorts> held = HeldPorts::Take(count);
    return held.has_value() ? held->first() : 0;
  }

  DaemonTestEnv env_;
};

TEST_F(DaemonPortsTest, TwoDaemonsOnTheSamePortsTakeTheNextOnes) {
  const int port = FreePorts(2);
  const int ui_port = FreePorts(2);
  ASSERT_GT(port, 0);
  ASSERT_GT(ui_port, 0);
  auto first = Daemon::Start(Options("first", port, ui_port));
  ASSERT_TRUE(first.ok()) << first.status();
  auto second = Daemon::Start(Options("second", port, ui_port));
  ASSERT_TRUE(second.ok()) << second.status();

  EXPECT_EQ((*first)->address(), absl::StrCat("127.0.0.1:", port));
  EXPECT_EQ((*second)->address(), absl::StrCat("127.0.0.1:", port + 1));
  EXPECT_EQ((*first)->ui_address(), absl::StrCat("127.0.0.1:", ui_port));
  EXPECT_EQ((*second)->ui_address(), absl::StrCat("127.0.0.1:", ui_port + 1));
  // The id follows the port taken, so the two are told apart by the manager.
  EXPECT_EQ((*second)->daemon_id(), absl::StrCat("daemon-127.0.0.1-", port + 1));

  const std::vector<std::pair<std::string, Daemon*>> daemons = {{"first", first->get()},
                                                                {"second", second->get()}};
  for (const auto& [name, daemon] : daemons) {
    absl::StatusOr<ProcessAddresses> file =
        ReadAddressFile(absl::StrCat(env_.root(), "/", name, ".address"));
    ASSERT_TRUE(file.ok()) << file.status();
    EXPECT_EQ(file->rpc, daemon->address());
    EXPECT_EQ(file->ui, daemon->ui_address());
  }
}

TEST_F(DaemonPortsTest, UiThatCannotListenFailsTheStartAndLeavesNoAddressFile) {
  // Before: the gRPC server wrote the address file, then the UI failed on its port.
  std::optional<HeldPorts> ui = HeldPorts::Take(1);
  ASSERT_TRUE(ui.has_value());
  DaemonOptions options = Options("blocked", 0, ui->first());
  options.port_max_retries = 0;
  std::ofstream(options.address_file) << "127.0.0.1:1\n";  // a previous run's
  auto daemon = Daemon::Start(options);
  EXPECT_EQ(daemon.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_NE(daemon.status().message().find(absl::StrCat("port ", ui->first())), std::string::npos)
      << daemon.status();
  EXPECT_FALSE(std::filesystem::exists(options.address_file));
}

TEST_F(DaemonPortsTest, WithoutUiTheAddressFileHasOneLine) {
  DaemonOptions options = Options("no-ui", 0, -1);
  auto daemon = Daemon::Start(options);
  ASSERT_TRUE(daemon.ok()) << daemon.status();
  std::ifstream in(options.address_file);
  std::string contents((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(contents, (*daemon)->address() + "\n");
}

TEST_F(DaemonPortsTest, UiBindsItsOwnInterface) {
  // 127.0.0.2 is loopback too on Linux: a second interface address to tell them apart.
  DaemonOptions options = Options("ui-bind", 0, 0);
  options.ui_bind = "127.0.0.2";
  auto daemon = Daemon::Start(options);
  ASSERT_TRUE(daemon.ok()) << daemon.status();
  EXPECT_EQ((*daemon)->address().rfind("127.0.0.1:", 0), 0u) << (*daemon)->address();
  EXPECT_EQ((*daemon)->ui_address().rfind("127.0.0.2:", 0), 0u) << (*daemon)->ui_address();
}

}  // namespace
}  // namespace centella

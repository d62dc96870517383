#include "common/rpc/address_file.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "gtest/gtest.h"

namespace centella {
namespace {

class AddressFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::path(::testing::TempDir()) /
           ("address-file-test-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    path_ = (dir_ / "daemon.address").string();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string Contents() const {
    std::ifstream in(path_);
    std::stringstream out;
    out << in.rdbuf();
    return out.str();
  }

  std::filesystem::path dir_;
  std::string path_;
};

TEST_F(AddressFileTest, GrpcOnLineOneUiOnLineTwo) {
  ASSERT_TRUE(WriteAddressFile(path_, {"host-a:7077", "127.0.0.1:8080"}).ok());
  EXPECT_EQ(Contents(), "host-a:7077\n127.0.0.1:8080\n");
  absl::StatusOr<ProcessAddresses> read = ReadAddressFile(path_);
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(read->rpc, "host-a:7077");
  EXPECT_EQ(read->ui, "127.0.0.1:8080");
  // Nothing but the file itself is left in the directory.
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir_), {}), 1);
}

TEST_F(AddressFileTest, NoUiNoLineTwo) {
  ASSERT_TRUE(WriteAddressFile(path_, {"host-a:7078", ""}).ok());
  EXPECT_EQ(Contents(), "host-a:7078\n");
  EXPECT_EQ(ReadAddressFile(path_)->ui, "");
}

TEST_F(AddressFileTest, RewriteReplacesTheWholeFile) {
  ASSERT_TRUE(WriteAddressFile(path_, {"host-a:7078", "host-a:8081"}).ok());
  ASSERT_TRUE(WriteAddressFile(path_, {"host-a:7079", ""}).ok());
  EXPECT_EQ(Contents(), "host-a:7079\n");
}

TEST_F(AddressFileTest, UnwritableDirectoryIsPermissionDeniedAndLeavesNothing) {
  absl::Status s = WriteAddressFile((dir_ / "missing" / "a.address").string(), {"h:1", ""});
  EXPECT_EQ(s.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_NE(s.message().find("missing/a.address"), std::string::npos) << s;
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir_), {}), 0);
}

TEST_F(AddressFileTest, GrpcAddressIsRequired) {
  EXPECT_EQ(WriteAddressFile(path_, {"", "h:8080"}).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_FALSE(std::filesystem::exists(path_));
}

TEST_F(AddressFileTest, StaleFileIsRemovedAndAbsentIsFine) {
  ASSERT_TRUE(WriteAddressFile(path_, {"h:1", ""}).ok());
  EXPECT_TRUE(RemoveStaleAddressFile(path_).ok());
  EXPECT_FALSE(std::filesystem::exists(path_));
  EXPECT_TRUE(RemoveStaleAddressFile(path_).ok());
  EXPECT_EQ(ReadAddressFile(path_).status().code(), absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace centella

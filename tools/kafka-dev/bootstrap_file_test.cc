#include "tools/kafka-dev/bootstrap_file.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace centella::kafka_dev {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

std::string ReadAll(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

class BootstrapFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(::testing::TempDir()) /
           ("bootstrap_file_test." + std::to_string(::getpid()) + "." +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path dir_;
};

TEST_F(BootstrapFileTest, WritesTheAddressAndANewlineAndNoTemporaryFile) {
  const std::string path = (dir_ / "kafka.bootstrap").string();
  ASSERT_TRUE(WriteBootstrapFile(path, "127.0.0.1:1234,127.0.0.1:1235").ok());
  EXPECT_EQ(ReadAll(path), "127.0.0.1:1234,127.0.0.1:1235\n");
  EXPECT_FALSE(fs::exists(path + ".tmp"));
}

TEST_F(BootstrapFileTest, ReplacesAnOlderFile) {
  const std::string path = (dir_ / "kafka.bootstrap").string();
  ASSERT_TRUE(WriteBootstrapFile(path, "127.0.0.1:1").ok());
  ASSERT_TRUE(WriteBootstrapFile(path, "127.0.0.1:2").ok());
  EXPECT_EQ(ReadAll(path), "127.0.0.1:2\n");
}

TEST_F(BootstrapFileTest, MissingDirectoryIsAnErrorNamingTheFile) {
  const std::string path = (dir_ / "no-such-dir" / "kafka.bootstrap").string();
  absl::Status s = WriteBootstrapFile(path, "127.0.0.1:1");
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.message(), HasSubstr("cannot write bootstrap file " + path + ".tmp"));
  EXPECT_THAT(s.message(), HasSubstr("No such file or directory"));
}

TEST_F(BootstrapFileTest, FailedRenameRemovesTheTemporaryFileAndKeepsTheTarget) {
  // A non-empty directory at PATH: the temporary file is written, the rename fails.
  const fs::path path = dir_ / "kafka.bootstrap";
  fs::create_directories(path / "occupied");
  absl::Status s = WriteBootstrapFile(path.string(), "127.0.0.1:1");
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.message(), HasSubstr("to bootstrap file " + path.string()));
  EXPECT_FALSE(fs::exists(path.string() + ".tmp"));
  EXPECT_TRUE(fs::is_directory(path / "occupied"));
}

}  // namespace
}  // namespace centella::kafka_dev

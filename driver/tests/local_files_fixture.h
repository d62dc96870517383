// LocalFilesFixture: the fixture of tests that read files they write themselves. The
// test's parameter is the number of task threads of a local-mode Context; every test gets
// its own empty directory (under the test temp dir, named after `dir_prefix`, the process
// and the parameter, so parallel runs do not share it), removed when the test ends.
#ifndef CENTELLA_DRIVER_TESTS_LOCAL_FILES_FIXTURE_H_
#define CENTELLA_DRIVER_TESTS_LOCAL_FILES_FIXTURE_H_

#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>
#include <utility>

#include "centella/centella.h"
#include "gtest/gtest.h"

namespace centella {

class LocalFilesFixture : public ::testing::TestWithParam<int> {
 protected:
  explicit LocalFilesFixture(std::string dir_prefix) : dir_prefix_(std::move(dir_prefix)) {}

  void SetUp() override {
    ContextOptions options;
    options.master = "local[" + std::to_string(GetParam()) + "]";
    auto ctx = Context::Create(std::move(options));
    ASSERT_TRUE(ctx.ok()) << ctx.status();
    ctx_ = *std::move(ctx);
    dir_ = std::filesystem::path(::testing::TempDir()) /
           (dir_prefix_ + "-" + std::to_string(::getpid()) + "-" + std::to_string(GetParam()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::unique_ptr<Context> ctx_;
  std::filesystem::path dir_;

 private:
  const std::string dir_prefix_;
};

}  // namespace centella

#endif  // CENTELLA_DRIVER_TESTS_LOCAL_FILES_FIXTURE_H_

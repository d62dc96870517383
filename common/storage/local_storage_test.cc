#include "common/storage/local_storage.h"

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/storage/storage_path.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace centella {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::StartsWith;

class LocalStorageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::path(
               absl::StrCat(::testing::TempDir(), "/local_storage_test_",
                            ::testing::UnitTest::GetInstance()->current_test_info()->name(), "_",
                            ::getpid()))
               .lexically_normal()
               .string();
    std::filesystem::remove_all(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::unique_ptr<LocalStorage> OpenStorage() {
    absl::StatusOr<std::unique_ptr<LocalStorage>> storage = LocalStorage::Open(dir_);
    EXPECT_TRUE(storage.ok()) << storage.status();
    return storage.ok() ? *std::move(storage) : nullptr;
  }

  std::string dir_;
};

TEST_F(LocalStorageTest, OpenCreatesRootAndKeepsItAbsolute) {
  auto storage = OpenStorage();
  ASSERT_NE(storage, nullptr);
  EXPECT_TRUE(std::filesystem::is_directory(dir_));
  EXPECT_THAT(storage->root(), StartsWith("/"));
  EXPECT_EQ(std::filesystem::path(storage->root()), std::filesystem::path(dir_).lexically_normal());

  absl::StatusOr<std::unique_ptr<LocalStorage>> trailing = LocalStorage::Open(dir_ + "/");
  ASSERT_TRUE(trailing.ok());
  EXPECT_EQ((*trailing)->root(), storage->root());
}

TEST_F(LocalStorageTest, OpenOnAFileFails) {
  std::filesystem::create_directories(dir_);
  const std::string file = dir_ + "/plain";
  std::ofstream(file) << "x";
  absl::StatusOr<std::unique_ptr<LocalStorage>> storage = LocalStorage::Open(file);
  EXPECT_FALSE(storage.ok());
  EXPECT_THAT(std::string(storage.status().message()), HasSubstr(file));
  EXPECT_EQ(LocalStorage::Open("").status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(LocalStorageTest, WritesRealFilesWithNoTemporaryLeft) {
  auto storage = OpenStorage();
  ASSERT_TRUE(storage->WriteAtomic("a/b/c.txt", "content").ok());
  std::ifstream in(dir_ + "/a/b/c.txt");
  std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(content, "content");
  int entries = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(dir_ + "/a/b")) {
    ++entries;
  }
  EXPECT_EQ(entries, 1);
}

TEST_F(LocalStorageTest, TemporaryFileOfACrashedWriterIsInvisible) {
  auto storage = OpenStorage();
  ASSERT_TRUE(storage->WriteAtomic("offsets/1", "committed").ok());
  // A writer died after writing part of its temporary file and before the rename.
  std::ofstream(absl::StrCat(dir_, "/offsets/", kStorageTempPrefix, "1.deadbeef")) << "partial";
  std::ofstream(absl::StrCat(dir_, "/offsets/", kStorageTempPrefix, "2.cafef00d")) << "partial";

  EXPECT_THAT(*storage->List("offsets"), ElementsAre("1"));
  EXPECT_EQ(*storage->Read("offsets/1"), "committed");
  EXPECT_EQ(storage->Read("offsets/2").status().code(), absl::StatusCode::kNotFound);
  EXPECT_FALSE(*storage->Exists("offsets/2"));

  // The next write of the same name is unaffected by the leftover.
  ASSERT_TRUE(storage->WriteAtomic("offsets/2", "second").ok());
  EXPECT_THAT(*storage->List("offsets"), ElementsAre("1", "2"));
  EXPECT_EQ(*storage->Read("offsets/2"), "second");
}

TEST_F(LocalStorageTest, ErrorsNameFullPathAndErrnoText) {
  auto storage = OpenStorage();
  absl::Status status = storage->Read("missing.bin").status();
  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(status.message()), HasSubstr(storage->root() + "/missing.bin"));
  EXPECT_THAT(std::string(status.message()), HasSubstr("No such file or directory"));
}

TEST_F(LocalStorageTest, UnwritableDirectoryIsPermissionDenied) {
  if (::geteuid() == 0) GTEST_SKIP() << "root ignores directory permissions";
  auto storage = OpenStorage();
  ASSERT_TRUE(storage->WriteAtomic("locked/file", "x").ok());
  ::chmod((dir_ + "/locked").c_str(), 0555);
  absl::Status status = storage->WriteAtomic("locked/other", "y");
  ::chmod((dir_ + "/locked").c_str(), 0755);
  EXPECT_EQ(status.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(std::string(status.message()), HasSubstr("Permission denied"));
}

TEST_F(LocalStorageTest, LongNamesStillWrite) {
  auto storage = OpenStorage();
  const std::string name(250, 'n');
  ASSERT_TRUE(storage->WriteAtomic(name, "x").ok());
  EXPECT_EQ(*storage->Read(name), "x");
}

TEST_F(LocalStorageTest, SecondInstanceSeesTheSameFiles) {
  auto writer = OpenStorage();
  auto reader = OpenStorage();
  ASSERT_TRUE(writer->WriteAtomic("recovery/app-1", "state").ok());
  EXPECT_EQ(*reader->Read("recovery/app-1"), "state");
}

}  // namespace
}  // namespace centella

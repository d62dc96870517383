// The Storage contract, run against every implementation so that the fake stays faithful
// to the real thing.
#include "common/storage/storage.h"

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/storage/fake_storage.h"
#include "common/storage/local_storage.h"
#include "common/storage/storage_path.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace centella {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

struct Implementation {
  std::string name;
  std::function<std::unique_ptr<Storage>(const std::string& test_dir)> make;
};

class StorageContractTest : public ::testing::TestWithParam<Implementation> {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    const std::string dir = absl::StrCat(::testing::TempDir(), "/storage_contract_",
                                         GetParam().name, "_", info->name(), "_", ::getpid());
    std::filesystem::remove_all(dir);
    storage_ = GetParam().make(dir);
    ASSERT_NE(storage_, nullptr);
  }

  std::unique_ptr<Storage> storage_;
};

TEST_P(StorageContractTest, WriteThenRead) {
  ASSERT_TRUE(storage_->WriteAtomic("file", "hello").ok());
  EXPECT_EQ(*storage_->Read("file"), "hello");
  ASSERT_TRUE(storage_->WriteAtomic("file", "replaced").ok());
  EXPECT_EQ(*storage_->Read("file"), "replaced");
  ASSERT_TRUE(storage_->WriteAtomic("empty", "").ok());
  EXPECT_EQ(*storage_->Read("empty"), "");
  const std::string binary("a\0b\xff", 4);
  ASSERT_TRUE(storage_->WriteAtomic("binary", binary).ok());
  EXPECT_EQ(*storage_->Read("binary"), binary);
}

TEST_P(StorageContractTest, WriteCreatesParentDirectories) {
  ASSERT_TRUE(storage_->WriteAtomic("ckpt/offsets/0000000007", "7").ok());
  EXPECT_TRUE(*storage_->Exists("ckpt"));
  EXPECT_TRUE(*storage_->Exists("ckpt/offsets"));
  EXPECT_EQ(*storage_->Read("ckpt/offsets/0000000007"), "7");
  EXPECT_EQ(*storage_->Read("./ckpt//offsets/0000000007"), "7");  // Normalized.
}

TEST_P(StorageContractTest, ListIsSortedNamesOfDirectChildren) {
  ASSERT_TRUE(storage_->WriteAtomic("dir/b", "").ok());
  ASSERT_TRUE(storage_->WriteAtomic("dir/a", "").ok());
  ASSERT_TRUE(storage_->WriteAtomic("dir/sub/deep", "").ok());
  ASSERT_TRUE(storage_->WriteAtomic("dir/C", "").ok());
  ASSERT_TRUE(storage_->WriteAtomic("other", "").ok());
  EXPECT_THAT(*storage_->List("dir"), ElementsAre("C", "a", "b", "sub"));
  EXPECT_THAT(*storage_->List(""), ElementsAre("dir", "other"));
  EXPECT_THAT(*storage_->List("dir/sub"), ElementsAre("deep"));
}

TEST_P(StorageContractTest, MissingThingsAreNotFoundNamingThePath) {
  absl::StatusOr<std::string> read = storage_->Read("absent/file");
  EXPECT_EQ(read.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(read.status().message()),
              HasSubstr(absl::StrCat(storage_->root(), "/absent/file")));
  EXPECT_EQ(storage_->List("absent").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(storage_->Remove("absent").code(), absl::StatusCode::kNotFound);
  EXPECT_FALSE(*storage_->Exists("absent"));
  EXPECT_TRUE(*storage_->Exists(""));
}

TEST_P(StorageContractTest, WrongKindIsFailedPrecondition) {
  ASSERT_TRUE(storage_->WriteAtomic("dir/file", "x").ok());
  EXPECT_EQ(storage_->Read("dir").status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(storage_->List("dir/file").status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(storage_->WriteAtomic("dir", "x").code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(storage_->WriteAtomic("dir/file/below", "x").code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(*storage_->Read("dir/file"), "x");
  // A path through a file cannot exist.
  EXPECT_FALSE(*storage_->Exists("dir/file/below"));
  EXPECT_EQ(storage_->Read("dir/file/below").status().code(), absl::StatusCode::kNotFound);
}

TEST_P(StorageContractTest, RemoveFileAndDirectoryTree) {
  ASSERT_TRUE(storage_->WriteAtomic("state/1/a", "").ok());
  ASSERT_TRUE(storage_->WriteAtomic("state/1/sub/b", "").ok());
  ASSERT_TRUE(storage_->WriteAtomic("state/2/a", "").ok());
  ASSERT_TRUE(storage_->WriteAtomic("state-sibling", "").ok());

  ASSERT_TRUE(storage_->Remove("state/2/a").ok());
  EXPECT_FALSE(*storage_->Exists("state/2/a"));
  EXPECT_THAT(*storage_->List("state/2"), IsEmpty());  // The directory stays.

  ASSERT_TRUE(storage_->Remove("state/1").ok());
  EXPECT_FALSE(*storage_->Exists("state/1"));
  EXPECT_FALSE(*storage_->Exists("state/1/sub/b"));
  EXPECT_THAT(*storage_->List("state"), ElementsAre("2"));
  EXPECT_TRUE(*storage_->Exists("state-sibling"));
}

TEST_P(StorageContractTest, RejectsPathsOutsideTheRoot) {
  for (const char* bad : {"/etc/passwd", "../escape", "a/../../b", "a/..", ".."}) {
    EXPECT_EQ(storage_->WriteAtomic(bad, "x").code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_EQ(storage_->Read(bad).status().code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_EQ(storage_->Exists(bad).status().code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_EQ(storage_->List(bad).status().code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_EQ(storage_->Remove(bad).code(), absl::StatusCode::kInvalidArgument) << bad;
  }
  EXPECT_EQ(storage_->WriteAtomic("", "x").code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(storage_->Remove("").code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(storage_->Remove(".").code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(storage_->WriteAtomic(absl::StrCat("dir/", kStorageTempPrefix, "x"), "x").code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_P(StorageContractTest, ConcurrentWritersNeverTearAFile) {
  const std::string a(100'000, 'a');
  const std::string b(100'000, 'b');
  std::atomic<bool> torn{false};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 20; ++i) {
        ASSERT_TRUE(storage_->WriteAtomic("shared", t % 2 == 0 ? a : b).ok());
        absl::StatusOr<std::string> content = storage_->Read("shared");
        if (!content.ok() || (*content != a && *content != b)) torn = true;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_FALSE(torn);
  EXPECT_THAT(*storage_->List(""), ElementsAre("shared"));  // No temporary file left.
}

INSTANTIATE_TEST_SUITE_P(
    AllStorages, StorageContractTest,
    ::testing::Values(Implementation{"local",
                                     [](const std::string& dir) -> std::unique_ptr<Storage> {
                                       absl::StatusOr<std::unique_ptr<LocalStorage>> storage =
                                           LocalStorage::Open(dir);
                                       EXPECT_TRUE(storage.ok()) << storage.status();
                                       return storage.ok() ? *std::move(storage) : nullptr;
                                     }},
                      Implementation{"fake",
                                     [](const std::string&) -> std::unique_ptr<Storage> {
                                       return std::make_unique<FakeStorage>();
                                     }}),
    [](const ::testing::TestParamInfo<Implementation>& info) { return info.param.name; });

}  // namespace
}  // namespace centella

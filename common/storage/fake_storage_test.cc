#include "common/storage/fake_storage.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace centella {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(FakeStorageTest, InjectedWriteFailuresChangeNothing) {
  FakeStorage storage;
  ASSERT_TRUE(storage.WriteAtomic("commits/1", "old").ok());
  storage.FailNext(StorageOp::kWrite, 2);

  absl::Status first = storage.WriteAtomic("commits/1", "new");
  EXPECT_EQ(first.code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(storage.WriteAtomic("commits/2", "new").code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(*storage.Read("commits/1"), "old");
  EXPECT_THAT(*storage.List("commits"), ElementsAre("1"));

  ASSERT_TRUE(storage.WriteAtomic("commits/2", "new").ok());  // Third write succeeds.
  EXPECT_THAT(*storage.List("commits"), ElementsAre("1", "2"));
}

TEST(FakeStorageTest, InjectsCustomErrorsPerOperation) {
  FakeStorage storage;
  ASSERT_TRUE(storage.WriteAtomic("f", "x").ok());
  storage.FailNext(StorageOp::kRead, 1, absl::DataLossError("corrupt"));
  storage.FailNext(StorageOp::kList, 1, absl::InternalError("list"));
  storage.FailNext(StorageOp::kExists, 1, absl::InternalError("exists"));
  storage.FailNext(StorageOp::kRemove, 1, absl::PermissionDeniedError("remove"));

  EXPECT_EQ(storage.Read("f").status().code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(storage.List("").status().code(), absl::StatusCode::kInternal);
  EXPECT_EQ(storage.Exists("f").status().code(), absl::StatusCode::kInternal);
  EXPECT_EQ(storage.Remove("f").code(), absl::StatusCode::kPermissionDenied);

  EXPECT_EQ(*storage.Read("f"), "x");  // Each injection was used up.
  EXPECT_THAT(*storage.List(""), ElementsAre("f"));
  EXPECT_TRUE(*storage.Exists("f"));
  EXPECT_TRUE(storage.Remove("f").ok());
}

TEST(FakeStorageTest, FailNextReplacesEarlierInjectionAndZeroClearsIt) {
  FakeStorage storage;
  storage.FailNext(StorageOp::kWrite, 5);
  storage.FailNext(StorageOp::kWrite, 0);
  EXPECT_TRUE(storage.WriteAtomic("f", "x").ok());
}

TEST(FakeStorageTest, CountsCallsIncludingFailures) {
  FakeStorage storage;
  storage.FailNext(StorageOp::kWrite, 1);
  EXPECT_FALSE(storage.WriteAtomic("a", "1").ok());
  EXPECT_TRUE(storage.WriteAtomic("a", "1").ok());
  EXPECT_TRUE(storage.Read("a").ok());
  EXPECT_EQ(storage.CallCount(StorageOp::kWrite), 2);
  EXPECT_EQ(storage.CallCount(StorageOp::kRead), 1);
  EXPECT_EQ(storage.CallCount(StorageOp::kRemove), 0);
}

TEST(FakeStorageTest, ErrorsNameTheRootLabel) {
  FakeStorage storage("fake://checkpoints");
  EXPECT_EQ(storage.root(), "fake://checkpoints");
  EXPECT_THAT(std::string(storage.Read("x/y").status().message()),
              HasSubstr("fake://checkpoints/x/y"));
}

}  // namespace
}  // namespace centella

#include "common/storage/storage_path.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace centella {
namespace {

using ::testing::HasSubstr;

TEST(StoragePathTest, Normalizes) {
  EXPECT_EQ(*NormalizeStoragePath("a/b/c"), "a/b/c");
  EXPECT_EQ(*NormalizeStoragePath("a//./b/"), "a/b");
  EXPECT_EQ(*NormalizeStoragePath("./a"), "a");
  EXPECT_EQ(*NormalizeStoragePath(""), "");
  EXPECT_EQ(*NormalizeStoragePath("."), "");
  EXPECT_EQ(*NormalizeStoragePath("..."), "...");  // Just a name.
  EXPECT_EQ(*NormalizeStoragePath(".hidden"), ".hidden");
}

TEST(StoragePathTest, RejectsEscapesNamingThePath) {
  for (const char* bad : {"/abs", "..", "../x", "a/../b", "a/.."}) {
    absl::StatusOr<std::string> path = NormalizeStoragePath(bad);
    EXPECT_EQ(path.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_THAT(std::string(path.status().message()), HasSubstr(absl::StrCat("'", bad, "'")));
  }
  EXPECT_FALSE(NormalizeStoragePath(std::string("a\0b", 3)).ok());
  EXPECT_FALSE(NormalizeStoragePath(absl::StrCat("d/", kStorageTempPrefix, "f")).ok());
}

}  // namespace
}  // namespace centella

#include "common/digest/content_hash.h"

#include <fstream>

#include "gtest/gtest.h"

namespace centella {
namespace {

TEST(ContentHashTest, KnownVectorsAndChunking) {
  EXPECT_EQ(ContentHashOf(""),
            "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(ContentHashOf("abc"),
            "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  ContentHasher h;
  h.Update("a");
  h.Update("bc");
  EXPECT_EQ(h.Finish(), ContentHashOf("abc"));
  EXPECT_TRUE(IsValidContentHash(ContentHashOf("x")));
  EXPECT_FALSE(IsValidContentHash("sha256:XYZ"));
  EXPECT_FALSE(IsValidContentHash("md5:" + std::string(64, 'a')));
  EXPECT_EQ(*ContentHashHex("sha256:" + std::string(64, 'A')), std::string(64, 'a'));
  auto bad = ContentHashHex("sha256:../../etc/passwd");
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("../../etc/passwd"), absl::string_view::npos);
}

TEST(ContentHashTest, Files) {
  std::string path = ::testing::TempDir() + "/content-hash-file";
  std::ofstream(path, std::ios::binary) << std::string(3 << 20, 'z');
  EXPECT_EQ(*ContentHashOfFile(path), ContentHashOf(std::string(3 << 20, 'z')));
  auto missing = ContentHashOfFile("/nonexistent/file");
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(missing.status().message().find("/nonexistent/file"), absl::string_view::npos);
}

}  // namespace
}  // namespace centella

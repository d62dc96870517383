// BinaryStore: uploads are verified against their declared hash; stored files are
// re-verified before being served.
#include "cluster-manager/binary_store.h"

#include <fstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace centella::cluster_manager {
namespace {

using ::testing::HasSubstr;

TEST(ContentHashTest, KnownDigestAndParsing) {
  EXPECT_EQ(ContentHashOf("abc"),
            "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_TRUE(ContentHashHex(ContentHashOf("x")).ok());
  EXPECT_FALSE(ContentHashHex("sha256:xyz").ok());
  EXPECT_FALSE(ContentHashHex("").ok());
}

TEST(BinaryStoreTest, VerifiedUploadIsStoredAndServedInChunks) {
  auto store = BinaryStore::OpenTemporary();
  ASSERT_TRUE(store.ok());
  const std::string bytes = "0123456789abcdefghij";
  const std::string hash = ContentHashOf(bytes);
  EXPECT_TRUE(absl::IsNotFound((*store)->Stat(hash).status()));
  auto upload = (*store)->BeginUpload(hash, static_cast<int64_t>(bytes.size()));
  ASSERT_TRUE(upload.ok());
  ASSERT_TRUE((*upload)->Append(0, bytes.substr(0, 7)).ok());
  EXPECT_FALSE((*upload)->Append(3, "gap").ok()) << "offsets must follow each other";
  ASSERT_TRUE((*upload)->Append(7, bytes.substr(7)).ok());
  ASSERT_TRUE((*upload)->Commit().ok());
  EXPECT_EQ(*(*store)->Stat(hash), 20);

  std::string read;
  int chunks = 0;
  ASSERT_TRUE((*store)
                  ->Read(hash, 5, 8,
                         [&](int64_t offset, std::string_view data, int64_t total, bool last) {
                           EXPECT_EQ(offset, 5 + static_cast<int64_t>(read.size()));
                           EXPECT_EQ(total, 20);
                           EXPECT_EQ(last, offset + static_cast<int64_t>(data.size()) == 20);
                           read.append(data);
                           ++chunks;
                           return true;
                         })
                  .ok());
  EXPECT_EQ(read, bytes.substr(5));
  EXPECT_EQ(chunks, 2);
}

TEST(BinaryStoreTest, MismatchingUploadIsRejected) {
  auto store = BinaryStore::OpenTemporary();
  ASSERT_TRUE(store.ok());
  const std::string claimed = ContentHashOf("what the client said");
  auto upload = (*store)->BeginUpload(claimed, 5);
  ASSERT_TRUE(upload.ok());
  ASSERT_TRUE((*upload)->Append(0, "other").ok());
  absl::Status status = (*upload)->Commit();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("hash to"));
  EXPECT_TRUE(absl::IsNotFound((*store)->Stat(claimed).status()));
}

TEST(BinaryStoreTest, FilesNotVerifiedByThisProcessAreCheckedBeforeUse) {
  auto store = BinaryStore::OpenTemporary();
  ASSERT_TRUE(store.ok());
  const std::string good = "good bytes";
  const std::string hash = ContentHashOf(good);
  const std::string hex = *ContentHashHex(hash);
  { std::ofstream(((*store)->dir() + "/" + hex).c_str()) << "tampered"; }
  EXPECT_TRUE(absl::IsNotFound((*store)->Stat(hash).status()));
  { std::ofstream(((*store)->dir() + "/" + hex).c_str()) << good; }
  EXPECT_EQ(*(*store)->Stat(hash), static_cast<int64_t>(good.size()));
}

}  // namespace
}  // namespace centella::cluster_manager

#include "executor/daemon/binary_cache.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "executor/daemon/fake_manager_client.h"
#include "gtest/gtest.h"

namespace centella {
namespace {

class BinaryCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/centella-binary-cache-XXXXXX";
    dir_ = std::string(::mkdtemp(tmpl));
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string dir_;
  FakeManagerClient manager_;
};

TEST_F(BinaryCacheTest, KnownHashOfBytes) {
  // sha256("abc"), the FIPS 180-2 test vector.
  EXPECT_EQ(BinaryCache::ContentHash("abc"),
            "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST_F(BinaryCacheTest, FetchesOnceVerifiesAndMakesExecutable) {
  const std::string bytes = "#!/bin/sh\necho hello\n";
  const std::string hash = BinaryCache::ContentHash(bytes);
  manager_.AddBinary(hash, bytes);
  BinaryCache cache(dir_ + "/binaries", &manager_);
  absl::StatusOr<std::string> path = cache.Get(hash);
  ASSERT_TRUE(path.ok()) << path.status();
  EXPECT_EQ(*path, dir_ + "/binaries/" + hash.substr(7));
  std::ifstream in(*path);
  std::stringstream content;
  content << in.rdbuf();
  EXPECT_EQ(content.str(), bytes);
  struct stat st;
  ASSERT_EQ(::stat(path->c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0755u);
  ASSERT_TRUE(cache.Get(hash).ok());
  EXPECT_EQ(manager_.binary_fetches(), 1);
}

TEST_F(BinaryCacheTest, MismatchingBytesAreRefusedAndNotCached) {
  const std::string hash = BinaryCache::ContentHash("the real binary");
  manager_.AddBinary(hash, "something else");
  BinaryCache cache(dir_ + "/binaries", &manager_);
  absl::StatusOr<std::string> path = cache.Get(hash);
  ASSERT_EQ(path.status().code(), absl::StatusCode::kDataLoss) << path.status();
  EXPECT_NE(path.status().message().find("refusing to run it"), absl::string_view::npos);
  EXPECT_TRUE(std::filesystem::is_empty(dir_ + "/binaries"));
}

TEST_F(BinaryCacheTest, MalformedHashIsInvalidArgument) {
  BinaryCache cache(dir_ + "/binaries", &manager_);
  EXPECT_EQ(cache.Get("sha256:../../etc/passwd").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(cache.Get("md5:abc").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(manager_.binary_fetches(), 0);
}

TEST_F(BinaryCacheTest, UnreachableManagerIsReported) {
  manager_.SetDown(true);
  BinaryCache cache(dir_ + "/binaries", &manager_);
  EXPECT_EQ(cache.Get(BinaryCache::ContentHash("x")).status().code(),
            absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace centella

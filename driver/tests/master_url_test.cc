#include "driver/runtime/master_url.h"

#include <thread>

#include "gtest/gtest.h"

namespace centella {
namespace {

TEST(MasterUrlTest, LocalForms) {
  EXPECT_EQ(ParseMasterUrl("local")->threads, 1);
  EXPECT_EQ(ParseMasterUrl("local[3]")->threads, 3);
  EXPECT_EQ(ParseMasterUrl("local[*]")->threads,
            static_cast<int>(std::max(1u, std::thread::hardware_concurrency())));
  EXPECT_EQ(ParseMasterUrl("local[2]")->kind, MasterUrl::Kind::kLocal);
}

TEST(MasterUrlTest, ClusterForm) {
  auto url = ParseMasterUrl("centella://manager.example:7077");
  ASSERT_TRUE(url.ok());
  EXPECT_EQ(url->kind, MasterUrl::Kind::kCluster);
  EXPECT_EQ(url->host, "manager.example");
  EXPECT_EQ(url->port, 7077);
}

TEST(MasterUrlTest, BadFormsNameTheInput) {
  for (const char* bad :
       {"", "locl[2]", "local[0]", "local[-1]", "local[x]", "local[2", "centella://host",
        "centella://host:0", "centella://:7077", "spark://h:7077", "yarn"}) {
    auto url = ParseMasterUrl(bad);
    ASSERT_FALSE(url.ok()) << bad;
    EXPECT_EQ(url.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_NE(url.status().message().find(std::string("\"") + bad + "\""), absl::string_view::npos)
        << url.status();
  }
}

}  // namespace
}  // namespace centella

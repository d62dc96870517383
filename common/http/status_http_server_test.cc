#include "common/http/status_http_server.h"

#include <fstream>
#include <string>

#include "common/http/html_page.h"
#include "gtest/gtest.h"
#include "httplib.h"

namespace centella {
namespace {

StatusHttpServerOptions Options() {
  StatusHttpServerOptions options;
  options.bind_host = "127.0.0.1";
  options.port = 0;
  options.routes["/api/v1/things"] = [] {
    return absl::StatusOr<HttpBody>(HttpBody{"application/json", R"([{"id":"a"}])"});
  };
  options.routes["/broken"] = [] {
    return absl::StatusOr<HttpBody>(absl::UnavailableError("owner is shutting down"));
  };
  return options;
}

TEST(StatusHttpServerTest, ServesGetAndRejectsOtherMethods) {
  auto server = StatusHttpServer::Start(Options());
  ASSERT_TRUE(server.ok()) << server.status();
  ASSERT_GT((*server)->port(), 0);
  httplib::Client client("127.0.0.1", (*server)->port());

  auto get = client.Get("/api/v1/things");
  ASSERT_TRUE(get) << httplib::to_string(get.error());
  EXPECT_EQ(get->status, 200);
  EXPECT_EQ(get->body, R"([{"id":"a"}])");
  EXPECT_EQ(get->get_header_value("Content-Type"), "application/json");

  auto post = client.Post("/api/v1/things", "x", "text/plain");
  ASSERT_TRUE(post);
  EXPECT_EQ(post->status, 405);
  auto del = client.Delete("/api/v1/things");
  ASSERT_TRUE(del);
  EXPECT_EQ(del->status, 405);

  auto missing = client.Get("/nope");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);

  auto broken = client.Get("/broken");
  ASSERT_TRUE(broken);
  EXPECT_EQ(broken->status, 503);
  EXPECT_NE(broken->body.find("shutting down"), std::string::npos);

  (*server)->Stop();
  (*server)->Stop();  // idempotent
  EXPECT_FALSE(client.Get("/api/v1/things"));
}

TEST(StatusHttpServerTest, WritesAddressFile) {
  StatusHttpServerOptions options = Options();
  options.address_file = ::testing::TempDir() + "/ui_address";
  auto server = StatusHttpServer::Start(options);
  ASSERT_TRUE(server.ok()) << server.status();
  std::ifstream in(options.address_file);
  std::string line;
  std::getline(in, line);
  EXPECT_EQ(line, "127.0.0.1:" + std::to_string((*server)->port()));
}

TEST(StatusHttpServerTest, BusyPortIsUnavailable) {
  auto first = StatusHttpServer::Start(Options());
  ASSERT_TRUE(first.ok());
  StatusHttpServerOptions options = Options();
  options.port = (*first)->port();
  auto second = StatusHttpServer::Start(options);
  EXPECT_EQ(second.status().code(), absl::StatusCode::kUnavailable);
}

TEST(HtmlPageTest, EscapesEverything) {
  EXPECT_EQ(HtmlEscape(R"(<a href="x">'&'</a>)"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
  HtmlTable table{"Things <1>", {{"Id", "id"}, {"N", "n"}}, nlohmann::json::array()};
  table.rows.push_back({{"id", "<script>"}, {"n", 3}});
  std::string html = RenderHtmlPage("T&T", {table});
  EXPECT_NE(html.find("<td>&lt;script&gt;</td><td>3</td>"), std::string::npos) << html;
  EXPECT_EQ(html.find("<script>"), std::string::npos);
  EXPECT_NE(html.find("<title>T&amp;T</title>"), std::string::npos);
}

}  // namespace
}  // namespace centella

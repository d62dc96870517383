#include "common/http/status_http_server.h"

#include <optional>
#include <string>

#include "common/http/html_page.h"
#include "common/rpc/held_ports.h"
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

TEST(StatusHttpServerTest, AddressIsTheBindHostAndPort) {
  auto server = StatusHttpServer::Start(Options());
  ASSERT_TRUE(server.ok()) << server.status();
  EXPECT_EQ((*server)->address(), "127.0.0.1:" + std::to_string((*server)->port()));
}

TEST(StatusHttpServerTest, BusyPortWithoutRetriesIsUnavailable) {
  auto first = StatusHttpServer::Start(Options());
  ASSERT_TRUE(first.ok());
  StatusHttpServerOptions options = Options();
  options.port = (*first)->port();
  auto second = StatusHttpServer::Start(options);
  EXPECT_EQ(second.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_NE(second.status().message().find("port " + std::to_string(options.port)),
            std::string::npos)
      << second.status();
}

TEST(StatusHttpServerTest, TakenPortMovesToTheNextAndServesThere) {
  std::optional<HeldPorts> held = HeldPorts::Take(1);
  ASSERT_TRUE(held.has_value());
  StatusHttpServerOptions options = Options();
  options.port = held->first();
  options.port_max_retries = 16;
  auto server = StatusHttpServer::Start(options);
  ASSERT_TRUE(server.ok()) << server.status();
  EXPECT_EQ((*server)->port(), held->first() + 1);
  EXPECT_EQ((*server)->address(), "127.0.0.1:" + std::to_string(held->first() + 1));
  httplib::Client client("127.0.0.1", (*server)->port());
  auto get = client.Get("/api/v1/things");
  ASSERT_TRUE(get) << httplib::to_string(get.error());
  EXPECT_EQ(get->status, 200);
}

TEST(StatusHttpServerTest, ASecondServerOnTheSamePortTakesTheNext) {
  // Two UIs asking for one port, as two daemons left at --ui-port 8081 on one host do.
  std::optional<HeldPorts> held = HeldPorts::Take(2);
  ASSERT_TRUE(held.has_value());
  const int port = held->first();
  held.reset();  // frees port and port+1 (port+2 was free too)
  StatusHttpServerOptions options = Options();
  options.port = port;
  options.port_max_retries = 16;
  auto first = StatusHttpServer::Start(options);
  ASSERT_TRUE(first.ok()) << first.status();
  auto second = StatusHttpServer::Start(options);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ((*first)->port(), port);
  EXPECT_EQ((*second)->port(), port + 1);
}

TEST(StatusHttpServerTest, ExhaustedRetriesAreUnavailableNamingThePorts) {
  std::optional<HeldPorts> held = HeldPorts::Take(3);
  ASSERT_TRUE(held.has_value());
  StatusHttpServerOptions options = Options();
  options.port = held->first();
  options.port_max_retries = 2;
  auto server = StatusHttpServer::Start(options);
  EXPECT_EQ(server.status().code(), absl::StatusCode::kUnavailable);
  const std::string ports =
      "ports " + std::to_string(held->first()) + "-" + std::to_string(held->first() + 2);
  EXPECT_NE(server.status().message().find(ports), std::string::npos) << server.status();
  EXPECT_NE(server.status().message().find("status UI on 127.0.0.1"), std::string::npos)
      << server.status();
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

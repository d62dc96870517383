// The retry rule alone, over a scripted bind: which ports are tried, in which order, and
// what the error says when none is left.
#include "common/rpc/bind_with_retries.h"

#include <set>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace centella {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// A bind that fails on `taken` ports and records every attempt.
struct ScriptedBind {
  explicit ScriptedBind(std::set<int> taken_ports = {}) : taken(std::move(taken_ports)) {}
  std::set<int> taken;
  std::vector<int> tried;
  int operator()(int port) {
    tried.push_back(port);
    if (port == 0) return 40000;  // the kernel's choice
    return taken.count(port) > 0 ? 0 : port;
  }
};

BindAttempts Attempts(int port, int max_retries) {
  return BindAttempts{"test server", "127.0.0.1", port, max_retries, "test"};
}

TEST(BindWithRetriesTest, FreePortIsTakenAtOnce) {
  ScriptedBind bind;
  EXPECT_EQ(*BindWithRetries(Attempts(7077, 16), [&](int p) { return bind(p); }), 7077);
  EXPECT_THAT(bind.tried, ElementsAre(7077));
}

TEST(BindWithRetriesTest, TakenPortsMoveOnToTheNextOnes) {
  ScriptedBind bind({7077, 7078});
  EXPECT_EQ(*BindWithRetries(Attempts(7077, 16), [&](int p) { return bind(p); }), 7079);
  EXPECT_THAT(bind.tried, ElementsAre(7077, 7078, 7079));
}

TEST(BindWithRetriesTest, PortZeroIsOneAttemptWithTheKernelsChoice) {
  ScriptedBind bind;
  EXPECT_EQ(*BindWithRetries(Attempts(0, 16), [&](int p) { return bind(p); }), 40000);
  EXPECT_THAT(bind.tried, ElementsAre(0));
}

TEST(BindWithRetriesTest, ExhaustedRetriesAreUnavailableNamingThePortsTried) {
  ScriptedBind bind({8080, 8081, 8082});
  absl::StatusOr<int> port = BindWithRetries(Attempts(8080, 2), [&](int p) { return bind(p); });
  EXPECT_EQ(port.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(port.status().message(), HasSubstr("test server"));
  EXPECT_THAT(port.status().message(), HasSubstr("127.0.0.1"));
  EXPECT_THAT(port.status().message(), HasSubstr("ports 8080-8082 (3 tried)"));
  EXPECT_THAT(bind.tried, ElementsAre(8080, 8081, 8082));
}

TEST(BindWithRetriesTest, NoRetriesTriesOnlyTheGivenPort) {
  ScriptedBind bind({7077});
  absl::StatusOr<int> port = BindWithRetries(Attempts(7077, 0), [&](int p) { return bind(p); });
  EXPECT_EQ(port.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(port.status().message(), HasSubstr("port 7077 "));
  EXPECT_THAT(bind.tried, ElementsAre(7077));
}

TEST(BindWithRetriesTest, RetriesStopAtTheLastPort) {
  ScriptedBind bind({65534, 65535});
  absl::StatusOr<int> port = BindWithRetries(Attempts(65534, 16), [&](int p) { return bind(p); });
  EXPECT_EQ(port.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(bind.tried, ElementsAre(65534, 65535));
}

TEST(BindWithRetriesTest, BadArgumentsAreInvalid) {
  ScriptedBind bind;
  auto call = [&](int port, int retries) {
    return BindWithRetries(Attempts(port, retries), [&](int p) { return bind(p); }).status().code();
  };
  EXPECT_EQ(call(-1, 16), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(call(65536, 16), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(call(7077, -1), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(bind.tried.empty());
}

}  // namespace
}  // namespace centella

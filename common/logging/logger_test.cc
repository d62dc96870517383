#include "common/logging/logger.h"

#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace centella {
namespace {

using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using ::testing::Not;

class LoggerTest : public ::testing::Test {
 protected:
  void TearDown() override { SetLogLevel(spdlog::level::info); }
};

TEST_F(LoggerTest, SameComponentYieldsSameLogger) {
  auto first = GetLogger("driver");
  auto second = GetLogger("driver");
  ASSERT_NE(first, nullptr);
  EXPECT_EQ(first.get(), second.get());
  EXPECT_EQ(first->name(), "driver");
  EXPECT_NE(GetLogger("executor").get(), first.get());
}

TEST_F(LoggerTest, ConcurrentFirstUseCreatesOneLogger) {
  std::vector<spdlog::logger*> seen(8);
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&seen, i] { seen[i] = GetLogger("shuffle").get(); });
  }
  for (auto& thread : threads) thread.join();
  for (spdlog::logger* logger : seen) EXPECT_EQ(logger, seen[0]);
}

TEST_F(LoggerTest, WritesPatternToStderr) {
  ::testing::internal::CaptureStderr();
  GetLogger("cluster-manager")->info("hello {}", 42);
  std::string output = ::testing::internal::GetCapturedStderr();
  EXPECT_THAT(output, MatchesRegex(R"(\[[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}\.)"
                                   R"([0-9]{3}\] \[cluster-manager\] \[info\] hello 42\s*)"));
}

TEST_F(LoggerTest, SetLogLevelAppliesToExistingAndNewLoggers) {
  auto existing = GetLogger("level-existing");
  SetLogLevel(spdlog::level::warn);
  EXPECT_EQ(GetLogLevel(), spdlog::level::warn);
  EXPECT_EQ(existing->level(), spdlog::level::warn);
  EXPECT_EQ(GetLogger("level-new")->level(), spdlog::level::warn);

  ::testing::internal::CaptureStderr();
  existing->info("hidden");
  existing->warn("shown");
  std::string output = ::testing::internal::GetCapturedStderr();
  EXPECT_THAT(output, Not(HasSubstr("hidden")));
  EXPECT_THAT(output, HasSubstr("[warning] shown"));
}

// The level is read from the environment once, when the first logger is made, so these run
// in a freshly executed child ("threadsafe" death-test style re-executes the binary).
TEST(LoggerEnvironmentTest, InitialLevelComesFromEnvironment) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        setenv(kLogLevelEnv, "debug", 1);
        std::exit(GetLogger("env")->level() == spdlog::level::debug ? 0 : 1);
      },
      ::testing::ExitedWithCode(0), "");
}

TEST(LoggerEnvironmentTest, UnknownEnvironmentLevelWarnsAndUsesInfo) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        setenv(kLogLevelEnv, "chatty", 1);
        std::exit(GetLogger("env")->level() == spdlog::level::info ? 0 : 1);
      },
      ::testing::ExitedWithCode(0), "CENTELLA_LOG_LEVEL: unknown log level 'chatty'");
}

TEST(ParseLogLevelTest, AcceptsKnownNamesCaseInsensitively) {
  EXPECT_EQ(*ParseLogLevel("trace"), spdlog::level::trace);
  EXPECT_EQ(*ParseLogLevel("DEBUG"), spdlog::level::debug);
  EXPECT_EQ(*ParseLogLevel("info"), spdlog::level::info);
  EXPECT_EQ(*ParseLogLevel("warn"), spdlog::level::warn);
  EXPECT_EQ(*ParseLogLevel("Warning"), spdlog::level::warn);
  EXPECT_EQ(*ParseLogLevel("error"), spdlog::level::err);
  EXPECT_EQ(*ParseLogLevel("off"), spdlog::level::off);
}

TEST(ParseLogLevelTest, RejectsUnknownNamesNamingThem) {
  absl::StatusOr<spdlog::level::level_enum> level = ParseLogLevel("loud");
  EXPECT_EQ(level.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(level.status().message()), HasSubstr("'loud'"));
}

}  // namespace
}  // namespace centella

#include "tools/submit/submit_options.h"

#include <filesystem>
#include <fstream>

#include "gtest/gtest.h"

namespace centella {
namespace {

absl::StatusOr<SubmitOptions> Parse(std::vector<const char*> args) {
  args.insert(args.begin(), "centella-submit");
  return ParseSubmitOptions(static_cast<int>(args.size()), args.data());
}

TEST(SubmitOptionsTest, OptionsStopAtTheProgram) {
  auto o = Parse({"--master", "local[3]", "--conf", "a.b=1", "--name", "wc", "./job", "--conf",
                  "in", "out"});
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_EQ(o->master.threads, 3);
  EXPECT_EQ(o->app_name, "wc");
  EXPECT_EQ(o->program, "./job");
  EXPECT_EQ(o->program_args, (std::vector<std::string>{"--conf", "in", "out"}));
  EXPECT_EQ(o->conf.Get("a.b"), "1");
}

TEST(SubmitOptionsTest, DefaultsAndResourceFlags) {
  auto o = Parse({"--executor-cores", "2", "--executor-memory", "2g",
                  "--total-executor-cores", "8", "/opt/jobs/word_count"});
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_EQ(o->master.text, "local[*]");
  EXPECT_EQ(o->app_name, "word_count");
  EXPECT_EQ(o->conf.Get("centella.executor.cores"), "2");
  EXPECT_EQ(o->conf.Get("centella.executor.memory"), "2g");
  EXPECT_EQ(o->conf.Get("centella.cores.max"), "8");
}

TEST(SubmitOptionsTest, PropertiesFileThenConfOverrides) {
  std::string path = ::testing::TempDir() + "/submit-props.conf";
  std::ofstream(path) << "# settings\ncentella.x 1\ncentella.y=2\n";
  auto o = Parse({"--properties-file", path.c_str(), "--conf", "centella.y=3", "job"});
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_EQ(o->conf.Get("centella.x"), "1");
  EXPECT_EQ(o->conf.Get("centella.y"), "3");
  std::filesystem::remove(path);
}

TEST(SubmitOptionsTest, ErrorsNameWhatWasWrong) {
  struct Bad {
    std::vector<const char*> args;
    const char* fragment;
  };
  for (const Bad& bad : std::vector<Bad>{
           {{"--master", "mesos://x", "job"}, "invalid master \"mesos://x\""},
           {{"--deploy-mode", "remote", "job"}, "invalid --deploy-mode \"remote\""},
           {{"--deploy-mode", "cluster", "--master", "local[2]", "job"}, "cluster master"},
           {{"--supervise", "job"}, "--supervise"},
           {{"--conf", "novalue", "job"}, "novalue"},
           {{"--executor-memory", "lots", "job"}, "--executor-memory \"lots\""},
           {{"--properties-file", "/nonexistent/x.conf", "job"}, "/nonexistent/x.conf"},
           {{"--master", "local[2]"}, "no PROGRAM"},
           {{"--bogus", "job"}, "bogus"},
       }) {
    auto o = Parse(bad.args);
    ASSERT_FALSE(o.ok()) << bad.fragment;
    EXPECT_NE(o.status().message().find(bad.fragment), absl::string_view::npos)
        << o.status();
  }
}

TEST(SubmitOptionsTest, HelpIsNotAnError) {
  auto o = Parse({"--help"});
  EXPECT_EQ(o.status().code(), absl::StatusCode::kCancelled);
  EXPECT_NE(o.status().message().find("--master"), absl::string_view::npos);
}

}  // namespace
}  // namespace centella

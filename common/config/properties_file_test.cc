#include "common/config/properties_file.h"

#include <fstream>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace centella {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

MATCHER_P3(IsProperty, key, value, line, "") {
  return arg.key == key && arg.value == value && arg.line == line;
}

std::vector<Property> Parse(std::string_view text) {
  absl::StatusOr<std::vector<Property>> properties = ParseProperties(text, "test.conf");
  EXPECT_TRUE(properties.ok()) << properties.status();
  return properties.ok() ? *properties : std::vector<Property>{};
}

TEST(PropertiesFileTest, AcceptsAllThreeSeparators) {
  EXPECT_THAT(
      Parse("spark.app.name   word count\n"
            "spark.master=local[4]\n"
            "spark.ui.port: 4040\n"
            "spark.a = b\n"
            "spark.tab\tvalue\n"),
      ElementsAre(IsProperty("spark.app.name", "word count", 1),
                  IsProperty("spark.master", "local[4]", 2), IsProperty("spark.ui.port", "4040", 3),
                  IsProperty("spark.a", "b", 4), IsProperty("spark.tab", "value", 5)));
}

TEST(PropertiesFileTest, SkipsCommentsAndBlankLinesAndTrimsValues) {
  EXPECT_THAT(Parse("# a comment\n"
                    "   ! another\n"
                    "\n"
                    "   \t\n"
                    "  indented.key   spaced value   \r\n"
                    "url=jdbc:postgresql://h/db?a=b#frag\n"),
              ElementsAre(IsProperty("indented.key", "spaced value", 5),
                          IsProperty("url", "jdbc:postgresql://h/db?a=b#frag", 6)));
}

TEST(PropertiesFileTest, ExplicitEmptyValue) {
  EXPECT_THAT(Parse("empty=\nempty2 :\n"),
              ElementsAre(IsProperty("empty", "", 1), IsProperty("empty2", "", 2)));
}

TEST(PropertiesFileTest, LineContinuation) {
  EXPECT_THAT(Parse("list a,\\\n     b,\\\n     c\nnext 1\n"),
              ElementsAre(IsProperty("list", "a,b,c", 1), IsProperty("next", "1", 4)));
  // An escaped backslash at the end does not continue.
  EXPECT_THAT(Parse("path C:\\\\\nnext 1\n"),
              ElementsAre(IsProperty("path", "C:\\", 1), IsProperty("next", "1", 2)));
  // A comment ending in a backslash does not swallow the next line.
  EXPECT_THAT(Parse("# comment \\\nkey v\n"), ElementsAre(IsProperty("key", "v", 2)));
}

TEST(PropertiesFileTest, DecodesEscapes) {
  EXPECT_THAT(Parse("a\\=b\\:c\\ d value\n"
                    "tabs x\\ty\n"
                    "unicode caf\\u00e9 \\u20ac\n"),
              ElementsAre(IsProperty("a=b:c d", "value", 1), IsProperty("tabs", "x\ty", 2),
                          IsProperty("unicode", "caf\xC3\xA9 \xE2\x82\xAC", 3)));
}

TEST(PropertiesFileTest, LaterDuplicatesAppearLater) {
  EXPECT_THAT(Parse("k 1\nk 2\n"), ElementsAre(IsProperty("k", "1", 1), IsProperty("k", "2", 2)));
}

TEST(PropertiesFileTest, ErrorsNameSourceAndLine) {
  struct Case {
    std::string_view text;
    std::string_view expected;
  };
  for (const Case& c : {Case{"good 1\njust.a.key\n", "test.conf:2: key 'just.a.key' has no value"},
                        Case{"ok 1\n\n= value\n", "test.conf:3: missing key"},
                        Case{"bad \\u12g4\n", "test.conf:1: malformed \\uXXXX"},
                        Case{"bad \\u12\n", "test.conf:1: malformed \\uXXXX"}}) {
    absl::StatusOr<std::vector<Property>> result = ParseProperties(c.text, "test.conf");
    EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument) << c.text;
    EXPECT_THAT(std::string(result.status().message()), HasSubstr(c.expected));
  }
}

TEST(PropertiesFileTest, ReadsFile) {
  const std::string path = ::testing::TempDir() + "/properties_file_test.conf";
  std::ofstream(path) << "spark.executor.memory 2g\n";
  absl::StatusOr<std::vector<Property>> result = ReadPropertiesFile(path);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_THAT(*result, ElementsAre(IsProperty("spark.executor.memory", "2g", 1)));
}

TEST(PropertiesFileTest, MissingFileIsNotFoundNamingPath) {
  const std::string path = ::testing::TempDir() + "/no/such/file.conf";
  absl::StatusOr<std::vector<Property>> result = ReadPropertiesFile(path);
  EXPECT_EQ(result.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(result.status().message()), HasSubstr(path));
}

TEST(PropertiesFileTest, DirectoryIsAnErrorNamingPath) {
  absl::StatusOr<std::vector<Property>> result = ReadPropertiesFile(::testing::TempDir());
  EXPECT_FALSE(result.ok());
  EXPECT_THAT(std::string(result.status().message()), HasSubstr(::testing::TempDir()));
}

}  // namespace
}  // namespace centella

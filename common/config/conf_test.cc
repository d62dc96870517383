#include "common/config/conf.h"

#include <algorithm>
#include <fstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace centella {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;

std::string Message(const absl::Status& status) { return std::string(status.message()); }

std::string WriteFile(absl::string_view name, absl::string_view contents) {
  const std::string path = absl::StrCat(::testing::TempDir(), "/conf_test_", name);
  std::ofstream(path) << contents;
  return path;
}

TEST(ConfTest, SetAndGet) {
  Conf conf;
  EXPECT_TRUE(conf.empty());
  ASSERT_TRUE(conf.Set("spark.app.name", "wc").ok());
  EXPECT_EQ(conf.Get("spark.app.name"), "wc");
  EXPECT_TRUE(conf.Contains("spark.app.name"));
  EXPECT_EQ(conf.Get("spark.missing"), std::nullopt);
  ASSERT_TRUE(conf.Set("spark.app.name", "other").ok());
  EXPECT_EQ(conf.Get("spark.app.name"), "other");
  EXPECT_EQ(conf.size(), 1u);
  EXPECT_TRUE(conf.Remove("spark.app.name"));
  EXPECT_FALSE(conf.Remove("spark.app.name"));
  EXPECT_TRUE(conf.empty());
}

TEST(ConfTest, RejectsBadKeys) {
  Conf conf;
  EXPECT_EQ(conf.Set("", "v").code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(conf.Set("a b", "v").code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(conf.Set("a=b", "v").code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(conf.Set("a\nb", "v").code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(conf.empty());
}

TEST(ConfTest, SetIfMissingKeepsExisting) {
  Conf conf;
  EXPECT_TRUE(*conf.SetIfMissing("k", "1"));
  EXPECT_FALSE(*conf.SetIfMissing("k", "2"));
  EXPECT_EQ(conf.Get("k"), "1");
  EXPECT_FALSE(conf.SetIfMissing("", "x").ok());
}

TEST(ConfTest, SetFromArg) {
  Conf conf;
  ASSERT_TRUE(conf.SetFromArg("spark.executor.memory=2g").ok());
  ASSERT_TRUE(conf.SetFromArg("spark.extra=a=b=c").ok());
  ASSERT_TRUE(conf.SetFromArg("spark.empty=").ok());
  ASSERT_TRUE(conf.SetFromArg(" spark.spaced =value").ok());
  EXPECT_EQ(conf.Get("spark.executor.memory"), "2g");
  EXPECT_EQ(conf.Get("spark.extra"), "a=b=c");
  EXPECT_EQ(conf.Get("spark.empty"), "");
  EXPECT_EQ(conf.Get("spark.spaced"), "value");
}

TEST(ConfTest, SetFromArgErrorsNameTheArgument) {
  Conf conf;
  absl::Status no_equals = conf.SetFromArg("spark.executor.memory");
  EXPECT_EQ(no_equals.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Message(no_equals), HasSubstr("'spark.executor.memory'"));
  EXPECT_THAT(Message(no_equals), HasSubstr("key=value"));

  absl::Status empty_key = conf.SetFromArg("=2g");
  EXPECT_EQ(empty_key.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Message(empty_key), HasSubstr("'=2g'"));
  EXPECT_THAT(Message(empty_key), HasSubstr("empty key"));

  absl::Status bad_key = conf.SetFromArg("a b=1");
  EXPECT_THAT(Message(bad_key), HasSubstr("'a b=1'"));
  EXPECT_TRUE(conf.empty());
}

TEST(ConfTest, TypedGettersReturnDefaultsWhenAbsent) {
  Conf conf;
  EXPECT_EQ(*conf.GetString("s", "dflt"), "dflt");
  EXPECT_EQ(*conf.GetInt("i", 7), 7);
  EXPECT_EQ(*conf.GetBool("b", true), true);
  EXPECT_EQ(*conf.GetBytes("m", 1024), 1024);
  EXPECT_EQ(*conf.GetDuration("d", absl::Seconds(3)), absl::Seconds(3));
}

TEST(ConfTest, TypedGettersParseValues) {
  Conf conf;
  ASSERT_TRUE(conf.Set("s", "hello").ok());
  ASSERT_TRUE(conf.Set("i", "-12").ok());
  ASSERT_TRUE(conf.Set("b", "yes").ok());
  ASSERT_TRUE(conf.Set("m", "512m").ok());
  ASSERT_TRUE(conf.Set("d", "100ms").ok());
  ASSERT_TRUE(conf.Set("bare", "250").ok());
  EXPECT_EQ(*conf.GetString("s", ""), "hello");
  EXPECT_EQ(*conf.GetInt("i", 0), -12);
  EXPECT_TRUE(*conf.GetBool("b", false));
  EXPECT_EQ(*conf.GetBytes("m", 0), int64_t{512} << 20);
  EXPECT_EQ(*conf.GetDuration("d", absl::ZeroDuration()), absl::Milliseconds(100));
  EXPECT_EQ(*conf.GetDuration("bare", absl::ZeroDuration()), absl::Milliseconds(250));
  EXPECT_EQ(*conf.GetBytes("bare", 0), 250);
}

TEST(ConfTest, TypedGetterErrorsNameKeyAndValue) {
  Conf conf;
  ASSERT_TRUE(conf.Set("spark.executor.cores", "four").ok());
  ASSERT_TRUE(conf.Set("spark.flag", "maybe").ok());
  ASSERT_TRUE(conf.Set("spark.executor.memory", "2 gigs").ok());
  ASSERT_TRUE(conf.Set("spark.network.timeout", "soon").ok());
  ASSERT_TRUE(conf.Set("spark.huge", "99999999999999999999").ok());

  for (const absl::Status& status :
       {conf.GetInt("spark.executor.cores", 1).status(), conf.GetBool("spark.flag", false).status(),
        conf.GetBytes("spark.executor.memory", 0).status(),
        conf.GetDuration("spark.network.timeout", absl::Seconds(1)).status()}) {
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  }
  EXPECT_THAT(Message(conf.GetInt("spark.executor.cores", 1).status()),
              HasSubstr("spark.executor.cores=four"));
  EXPECT_THAT(Message(conf.GetBool("spark.flag", false).status()), HasSubstr("spark.flag=maybe"));
  EXPECT_THAT(Message(conf.GetBytes("spark.executor.memory", 0).status()),
              HasSubstr("spark.executor.memory=2 gigs"));
  EXPECT_THAT(Message(conf.GetDuration("spark.network.timeout", absl::Seconds(1)).status()),
              HasSubstr("spark.network.timeout=soon"));
  EXPECT_EQ(conf.GetInt("spark.huge", 0).status().code(), absl::StatusCode::kOutOfRange);
}

constexpr ConfEntry<int64_t> kCores{"spark.executor.cores", 1, "Cores per executor."};
constexpr ConfEntry<bool> kSpeculation{"spark.speculation", false, "Re-run slow tasks."};
constexpr ConfEntry<std::string_view> kAppName{"spark.app.name", "unnamed", "Display name."};
const ConfEntry<std::string> kMaster{"spark.master", "local[*]", "Where to run."};
constexpr ConfEntry<absl::Duration> kHeartbeat{"spark.executor.heartbeatInterval",
                                               absl::Seconds(10), "Heartbeat period."};
constexpr ConfEntry<ByteSize> kMemory{"spark.executor.memory", ByteSize::GiB(1),
                                      "Memory per executor."};

TEST(ConfTest, EntriesGiveTypedValuesAndDefaults) {
  Conf conf;
  EXPECT_EQ(*conf.Get(kCores), 1);
  EXPECT_FALSE(*conf.Get(kSpeculation));
  EXPECT_EQ(*conf.Get(kAppName), "unnamed");
  EXPECT_EQ(*conf.Get(kMaster), "local[*]");
  EXPECT_EQ(*conf.Get(kHeartbeat), absl::Seconds(10));
  EXPECT_EQ(*conf.Get(kMemory), ByteSize::GiB(1));

  ASSERT_TRUE(conf.SetFromArg("spark.executor.cores=4").ok());
  ASSERT_TRUE(conf.SetFromArg("spark.speculation=true").ok());
  ASSERT_TRUE(conf.SetFromArg("spark.app.name=wc").ok());
  ASSERT_TRUE(conf.SetFromArg("spark.master=centella://h:7077").ok());
  ASSERT_TRUE(conf.SetFromArg("spark.executor.heartbeatInterval=2s").ok());
  ASSERT_TRUE(conf.SetFromArg("spark.executor.memory=512m").ok());
  EXPECT_EQ(*conf.Get(kCores), 4);
  EXPECT_TRUE(*conf.Get(kSpeculation));
  EXPECT_EQ(*conf.Get(kAppName), "wc");
  EXPECT_EQ(*conf.Get(kMaster), "centella://h:7077");
  EXPECT_EQ(*conf.Get(kHeartbeat), absl::Seconds(2));
  EXPECT_EQ(*conf.Get(kMemory), ByteSize::MiB(512));

  ASSERT_TRUE(conf.SetFromArg("spark.executor.memory=lots").ok());
  EXPECT_THAT(Message(conf.Get(kMemory).status()), HasSubstr("spark.executor.memory=lots"));
}

TEST(ConfTest, EntriesAreSorted) {
  Conf conf;
  ASSERT_TRUE(conf.Set("b", "2").ok());
  ASSERT_TRUE(conf.Set("c", "3").ok());
  ASSERT_TRUE(conf.Set("a", "1").ok());
  EXPECT_THAT(conf.Entries(), ElementsAre(Pair("a", "1"), Pair("b", "2"), Pair("c", "3")));
}

TEST(ConfTest, LoadPropertiesFileOverridesAndConfArgsOverrideIt) {
  const std::string path = WriteFile("defaults.conf",
                                     "# spark-defaults\n"
                                     "spark.master            centella://cm:7077\n"
                                     "spark.executor.memory=2g\n"
                                     "spark.app.name: from file\n");
  Conf conf;
  ASSERT_TRUE(conf.Set("spark.master", "local[2]").ok());
  ASSERT_TRUE(conf.LoadPropertiesFile(path).ok());
  EXPECT_EQ(conf.Get("spark.master"), "centella://cm:7077");
  EXPECT_EQ(*conf.GetBytes("spark.executor.memory", 0), int64_t{2} << 30);
  EXPECT_EQ(conf.Get("spark.app.name"), "from file");
  ASSERT_TRUE(conf.SetFromArg("spark.app.name=from arg").ok());
  EXPECT_EQ(conf.Get("spark.app.name"), "from arg");
}

TEST(ConfTest, LoadPropertiesFileMissingIsNotFoundNamingPath) {
  Conf conf;
  const std::string path = ::testing::TempDir() + "/conf_test_absent.conf";
  absl::Status status = conf.LoadPropertiesFile(path);
  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(Message(status), HasSubstr(path));
}

TEST(ConfTest, LoadPropertiesFileErrorNamesFileAndLineAndSetsNothing) {
  const std::string path = WriteFile("broken.conf", "spark.a 1\n\nspark.lonely\n");
  Conf conf;
  absl::Status status = conf.LoadPropertiesFile(path);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Message(status), HasSubstr(path + ":3:"));
  EXPECT_TRUE(conf.empty());

  // A key Properties accepts but Conf does not ("a\=b" decodes to "a=b").
  const std::string bad_key = WriteFile("bad_key.conf", "ok 1\na\\=b 2\n");
  status = conf.LoadPropertiesFile(bad_key);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Message(status), HasSubstr(bad_key + ":2:"));
  EXPECT_TRUE(conf.empty());
}

TEST(ConfTest, SerializeRoundTripsAwkwardValues) {
  Conf conf;
  ASSERT_TRUE(conf.Set("plain", "value").ok());
  ASSERT_TRUE(conf.Set("multi.line", "line1\nline2\r\n").ok());
  ASSERT_TRUE(conf.Set("with.equals", "a=b==c").ok());
  ASSERT_TRUE(conf.Set("backslash", "C:\\dir\\n").ok());
  ASSERT_TRUE(conf.Set("nul", std::string_view("a\0b", 3)).ok());
  ASSERT_TRUE(conf.Set("utf8", "caf\xC3\xA9").ok());
  ASSERT_TRUE(conf.Set("quotes", "'single' \"double\"").ok());
  ASSERT_TRUE(conf.Set("empty", "").ok());

  const std::string text = conf.Serialize();
  EXPECT_EQ(text.find('\0'), std::string::npos);             // Fits in an environment variable.
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 8);  // One line per entry.
  absl::StatusOr<Conf> back = Conf::Deserialize(text);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(*back, conf);
  EXPECT_EQ(back->Get("nul"), std::string("a\0b", 3));
}

TEST(ConfTest, SerializeEmptyConf) {
  EXPECT_EQ(Conf().Serialize(), "");
  EXPECT_TRUE(Conf::Deserialize("")->empty());
}

TEST(ConfTest, DeserializeRejectsMalformedTextNamingLine) {
  absl::StatusOr<Conf> no_equals = Conf::Deserialize("a=1\nnoequals\n");
  EXPECT_EQ(no_equals.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Message(no_equals.status()), HasSubstr("line 2"));

  absl::StatusOr<Conf> bad_escape = Conf::Deserialize("a=\\q\n");
  EXPECT_EQ(bad_escape.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Message(bad_escape.status()), HasSubstr("line 1"));

  EXPECT_FALSE(Conf::Deserialize("=value\n").ok());
}

}  // namespace
}  // namespace centella

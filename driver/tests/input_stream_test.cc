// Decompressing input streams and the line reader, against the bytes they were made from:
// every read size, concatenated members and frames, empty inputs, and the errors of
// truncated and corrupt files.
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "driver/tests/compressed_fixtures.h"
#include "engine/io/gzip_input_stream.h"
#include "engine/io/line_reader.h"
#include "engine/io/zstd_input_stream.h"
#include "gtest/gtest.h"

namespace centella {
namespace {

enum class Codec { kGzip, kZstd };

std::string Compress(Codec codec, const std::string& data) {
  return codec == Codec::kGzip ? GzipCompress(data) : ZstdCompress(data);
}

std::unique_ptr<InputStream> Decoder(Codec codec, std::string compressed, size_t max_read) {
  auto source = std::make_unique<StringInputStream>(std::move(compressed), max_read);
  if (codec == Codec::kGzip) return std::make_unique<GzipInputStream>(std::move(source), "f.gz");
  return std::make_unique<ZstdInputStream>(std::move(source), "f.zst");
}

// Everything the stream yields, read `buffer_size` bytes at a time, or its first error.
absl::StatusOr<std::string> Drain(InputStream& in, size_t buffer_size) {
  std::string out;
  std::string buffer(buffer_size, '\0');
  while (true) {
    absl::StatusOr<size_t> n = in.Read(buffer.data(), buffer.size());
    if (!n.ok()) return n.status();
    if (*n == 0) return out;
    out.append(buffer.data(), *n);
  }
}

std::string RandomBytes(std::mt19937_64& rng, size_t n, int alphabet) {
  std::string s(n, '\0');
  for (char& c : s) c = static_cast<char>(rng() % alphabet);
  return s;
}

class DecompressingStreamTest : public ::testing::TestWithParam<Codec> {};

TEST_P(DecompressingStreamTest, RoundTripsWhateverTheReadSizes) {
  std::mt19937_64 rng(5);
  for (size_t size : {size_t{0}, size_t{1}, size_t{1000}, size_t{300000}}) {
    for (int alphabet : {4, 256}) {  // compressible and incompressible
      std::string data = RandomBytes(rng, size, alphabet);
      std::string compressed = Compress(GetParam(), data);
      for (size_t max_read : {size_t{1}, size_t{13}, size_t{1} << 20}) {
        for (size_t buffer : {size_t{1}, size_t{100}, size_t{1} << 20}) {
          if (size > 1000 && (max_read == 1 || buffer == 1)) continue;  // slow, no news
          auto in = Decoder(GetParam(), compressed, max_read);
          absl::StatusOr<std::string> got = Drain(*in, buffer);
          ASSERT_TRUE(got.ok()) << got.status();
          EXPECT_EQ(*got, data) << size << " " << max_read << " " << buffer;
        }
      }
    }
  }
}

TEST_P(DecompressingStreamTest, ConcatenatedMembersDecodeToTheirConcatenation) {
  std::string compressed =
      Compress(GetParam(), "first\n") + Compress(GetParam(), "") + Compress(GetParam(), "second\n");
  for (size_t max_read : {size_t{1}, size_t{1} << 20}) {
    auto in = Decoder(GetParam(), compressed, max_read);
    absl::StatusOr<std::string> got = Drain(*in, 3);
    ASSERT_TRUE(got.ok()) << got.status();
    EXPECT_EQ(*got, "first\nsecond\n");
  }
}

TEST_P(DecompressingStreamTest, ZeroBytesAreAnEmptyStream) {
  auto in = Decoder(GetParam(), "", 10);
  absl::StatusOr<std::string> got = Drain(*in, 10);
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(*got, "");
}

TEST_P(DecompressingStreamTest, EveryTruncationIsDataLossNamingTheFile) {
  std::mt19937_64 rng(9);
  std::string compressed = Compress(GetParam(), RandomBytes(rng, 5000, 16));
  const std::string name = GetParam() == Codec::kGzip ? "f.gz" : "f.zst";
  for (size_t cut = 1; cut < compressed.size(); ++cut) {
    auto in = Decoder(GetParam(), compressed.substr(0, cut), 64);
    absl::StatusOr<std::string> got = Drain(*in, 4096);
    ASSERT_FALSE(got.ok()) << "cut at " << cut << " of " << compressed.size();
    EXPECT_EQ(got.status().code(), absl::StatusCode::kDataLoss);
    EXPECT_NE(got.status().message().find("truncated"), absl::string_view::npos) << got.status();
    EXPECT_NE(got.status().message().find(name), absl::string_view::npos) << got.status();
  }
}

TEST_P(DecompressingStreamTest, GarbageIsCorrupt) {
  const std::string valid = Compress(GetParam(), "some text\n");
  for (const std::string& bad :
       {std::string("plain text, not compressed\n"), valid + "trailing garbage"}) {
    auto in = Decoder(GetParam(), bad, 1 << 20);
    absl::StatusOr<std::string> got = Drain(*in, 4096);
    ASSERT_FALSE(got.ok());
    EXPECT_EQ(got.status().code(), absl::StatusCode::kDataLoss);
    EXPECT_NE(got.status().message().find("corrupt"), absl::string_view::npos) << got.status();
  }
}

INSTANTIATE_TEST_SUITE_P(Codecs, DecompressingStreamTest,
                         ::testing::Values(Codec::kGzip, Codec::kZstd), [](const auto& info) {
                           return std::string(info.param == Codec::kGzip ? "Gzip" : "Zstd");
                         });

TEST(GzipInputStreamTest, ChecksumMismatchIsCorrupt) {
  std::string compressed = GzipCompress("checked text\n");
  compressed[compressed.size() - 8] ^= 0x55;  // the CRC-32 of the member's trailer
  GzipInputStream in(std::make_unique<StringInputStream>(compressed, 1 << 20), "c.gz");
  absl::StatusOr<std::string> got = Drain(in, 4096);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_NE(got.status().message().find("corrupt gzip input file c.gz"), absl::string_view::npos)
      << got.status();
}

// The reference: split on "\n", no empty last line after a final "\n", one trailing "\r"
// dropped from each line.
std::vector<std::string> ReferenceLines(const std::string& content) {
  if (content.empty()) return {};
  std::vector<std::string> lines = absl::StrSplit(content, '\n');
  if (content.back() == '\n') lines.pop_back();
  for (auto& l : lines) {
    if (!l.empty() && l.back() == '\r') l.pop_back();
  }
  return lines;
}

TEST(LineReaderTest, MatchesTheReferenceForEveryChunkSize) {
  std::mt19937_64 rng(21);
  for (int round = 0; round < 200; ++round) {
    std::string content;
    for (int i = 0, n = static_cast<int>(rng() % 30); i < n; ++i) {
      content.push_back("ab\r\n\n"[rng() % 5]);
    }
    for (size_t chunk : {size_t{1}, size_t{2}, size_t{5}, size_t{64}}) {
      StringInputStream in(content, 1 + rng() % 7);
      LineReader reader(in, chunk);
      std::vector<std::string> lines;
      std::string line;
      uint64_t last_position = 0;
      while (true) {
        absl::StatusOr<bool> more = reader.Next(&line);
        ASSERT_TRUE(more.ok());
        if (!*more) break;
        lines.push_back(line);
        EXPECT_GT(reader.position(), last_position);
        last_position = reader.position();
      }
      EXPECT_EQ(lines, ReferenceLines(content)) << "round " << round << " chunk " << chunk;
      EXPECT_EQ(reader.position(), content.size());
    }
  }
}

}  // namespace
}  // namespace centella

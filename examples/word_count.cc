// word_count IN OUT: counts the words of the text files at IN (a file, directory or
// glob) and writes OUT/part-NNNNN files of "word<TAB>count" lines plus OUT/_SUCCESS.
// A word is a maximal run of bytes other than ASCII whitespace.
//
//   centella-submit --master local[2] build/examples/word_count corpus.txt counts
#include <cstdint>
#include <cstdio>
#include <functional>
#include <string>
#include <string_view>
#include <utility>

#include "centella/centella.h"

namespace {

absl::Status CountWords(centella::Context& ctx, const std::string& in, const std::string& out) {
  return ctx.text_file(in)
      .flat_map([](const std::string& line) { return centella::Words(line); })
      .map([](std::string_view word) { return std::pair<std::string, int64_t>(word, 1); })
      .reduce_by_key(std::plus<int64_t>())
      .save_as_text_file(out);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: word_count IN OUT\n");
    return 2;
  }
  auto ctx = centella::Context::FromEnvironment("word-count");
  if (!ctx.ok()) {
    std::fprintf(stderr, "word_count: %s\n", std::string(ctx.status().message()).c_str());
    return 1;
  }
  absl::Status s = CountWords(**ctx, argv[1], argv[2]);
  if (!s.ok()) {
    std::fprintf(stderr, "word_count: %s\n", std::string(s.message()).c_str());
    return 1;
  }
  return 0;
}

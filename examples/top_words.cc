// top_words IN N: prints the N most frequent words of the text at IN (a file, directory
// or glob), "word<TAB>count" by count descending, ties by word ascending.
//
// Unlike word_count it brings the counts back to the driver (collect), so on a cluster
// the per-partition results travel from executors to the driver.
//
//   centella-submit --master local[2] build/examples/top_words corpus.txt 20
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "centella/centella.h"

namespace {

absl::StatusOr<std::vector<std::pair<std::string, int64_t>>> TopWords(centella::Context& ctx,
                                                                      const std::string& in,
                                                                      size_t n) {
  using Counts = std::vector<std::pair<std::string, int64_t>>;
  ASSIGN_OR_RETURN(
      Counts counts,
      ctx.text_file(in)
          .flat_map([](const std::string& line) { return centella::Words(line); })
          .map([](std::string_view w) { return std::pair<std::string, int64_t>(w, 1); })
          .reduce_by_key(std::plus<int64_t>())
          .collect());
  auto by_count = [](const auto& a, const auto& b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  };
  n = std::min(n, counts.size());
  std::partial_sort(counts.begin(), counts.begin() + n, counts.end(), by_count);
  counts.resize(n);
  return counts;
}

}  // namespace

int main(int argc, char** argv) {
  size_t n = 0;
  if (argc != 3 || !absl::SimpleAtoi(argv[2], &n)) {
    std::fprintf(stderr, "usage: top_words IN N\n");
    return 2;
  }
  auto ctx = centella::Context::FromEnvironment("top-words");
  if (!ctx.ok()) {
    std::fprintf(stderr, "top_words: %s\n", std::string(ctx.status().message()).c_str());
    return 1;
  }
  auto top = TopWords(**ctx, argv[1], n);
  if (!top.ok()) {
    std::fprintf(stderr, "top_words: %s\n", std::string(top.status().message()).c_str());
    return 1;
  }
  for (const auto& [word, count] : *top)
    std::printf("%s\t%lld\n", word.c_str(), static_cast<long long>(count));
  return 0;
}

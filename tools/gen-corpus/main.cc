// centella-gen-corpus: writes a deterministic Zipf-distributed text corpus.
//
//   centella-gen-corpus --bytes 1GiB --seed 42 --out corpus.txt
//
// Exit codes: 0 success, 1 I/O error, 2 inconsistent flags (e.g. --min-words > --max-words),
// CLI11's own non-zero codes for malformed flags.
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <iostream>
#include <string>
#include <system_error>

#include "CLI/CLI.hpp"
#include "absl/status/statusor.h"
#include "tools/gen-corpus/corpus_generator.h"

int main(int argc, char** argv) {
  using centella::gen_corpus::CorpusGenerator;
  using centella::gen_corpus::CorpusOptions;
  using centella::gen_corpus::CorpusStats;

  CLI::App app{
      "Writes a synthetic text corpus: lines of words drawn with Zipf frequencies from a "
      "seeded vocabulary. Same flags, same bytes."};
  app.name("centella-gen-corpus");
  CorpusOptions options;
  std::string out;
  bool quiet = false;
  app.add_option("--bytes", options.target_bytes,
                 "Stop after the first whole line reaching this size (e.g. 1073741824, "
                 "1GiB, 64MiB, 500MB)")
      ->required()
      // Before the transform, which would silently wrap "-5" to 2^64 - 5 (a corpus that
      // fills the disk).
      ->check(
          [](const std::string& value) -> std::string {
            return value.find('-') == std::string::npos ? "" : "must not be negative";
          },
          "NONNEGATIVE")
      ->transform(CLI::AsSizeValue(/*kb_is_1000=*/true));
  app.add_option("--out", out, "Output file (created or truncated)")->required();
  app.add_option("--seed", options.seed, "Seed for the vocabulary and the word stream")
      ->capture_default_str();
  app.add_option("--distinct", options.distinct_words, "Vocabulary size (distinct words)")
      ->capture_default_str()
      ->check(CLI::Range(uint64_t{1}, centella::gen_corpus::Vocabulary::kMaxSize));
  app.add_option("--zipf-s", options.zipf_s, "Zipf exponent s > 0 of word frequencies")
      ->capture_default_str()
      ->check(
          [](const std::string& value) -> std::string {
            double s = 0;
            const char* end = value.data() + value.size();
            const auto [parsed_end, error] = std::from_chars(value.data(), end, s);
            return error == std::errc() && parsed_end == end && s > 0 && std::isfinite(s)
                       ? ""
                       : "must be a number > 0";
          },
          "POSITIVE");
  app.add_option("--min-words", options.min_words_per_line, "Fewest words per line")
      ->capture_default_str()
      ->check(CLI::Range(1, CorpusOptions::kMaxWordsPerLine));
  app.add_option("--max-words", options.max_words_per_line, "Most words per line")
      ->capture_default_str()
      ->check(CLI::Range(1, CorpusOptions::kMaxWordsPerLine));
  app.add_flag("-q,--quiet", quiet, "Do not print the summary line on stderr");
  CLI11_PARSE(app, argc, argv);

  const auto start = std::chrono::steady_clock::now();
  absl::StatusOr<CorpusGenerator> generator = CorpusGenerator::Create(options);
  if (!generator.ok()) {
    std::cerr << "centella-gen-corpus: " << generator.status().message() << "\n";
    return 2;
  }
  absl::StatusOr<CorpusStats> stats = generator->WriteFile(out);
  if (!stats.ok()) {
    std::cerr << "centella-gen-corpus: " << stats.status().message() << "\n";
    return 1;
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!quiet) {
    std::cerr << "centella-gen-corpus: wrote " << stats->bytes << " bytes, " << stats->lines
              << " lines, " << stats->words << " words to " << out << " in " << seconds << " s\n";
  }
  return 0;
}

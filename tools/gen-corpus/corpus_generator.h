// CorpusGenerator: writes a synthetic text corpus for word-count style benchmarks.
//
// The corpus is lines of `min_words_per_line..max_words_per_line` words (uniform) separated
// by single spaces, each line ending in '\n'. Words come from a Vocabulary of
// `distinct_words` words and are drawn with Zipf(zipf_s) frequencies by rank, which mimics
// natural text: a few very hot keys and a long tail, the shape that stresses hash maps and
// shuffle skew.
//
// Determinism: the output is a pure function of the options. Only `target_bytes` decides
// where it stops, so a smaller corpus is a prefix of a larger one with the same seed.
//
// Thread safety: a generator is immutable after Create(); each Generate() call keeps its
// own random state, so concurrent calls are safe and produce identical output.
#ifndef CENTELLA_TOOLS_GEN_CORPUS_CORPUS_GENERATOR_H_
#define CENTELLA_TOOLS_GEN_CORPUS_CORPUS_GENERATOR_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "tools/gen-corpus/vocabulary.h"
#include "tools/gen-corpus/zipf_sampler.h"

namespace centella::gen_corpus {

struct CorpusOptions {
  // Generation stops after the first whole line that brings the size to >= this many bytes.
  uint64_t target_bytes = 0;
  // Seeds both the vocabulary and the word stream.
  uint64_t seed = 0;
  // Vocabulary size D; ranks 1..D.
  uint64_t distinct_words = 1'000'000;
  // Zipf exponent s > 0; 1.1 is close to English word frequencies.
  double zipf_s = 1.1;
  // Words per line, both inclusive; 1 <= min <= max <= kMaxWordsPerLine.
  int min_words_per_line = 5;
  int max_words_per_line = 15;

  // Keeps one line far below the write buffer.
  static constexpr int kMaxWordsPerLine = 100'000;
};

// What one Generate() call produced.
struct CorpusStats {
  uint64_t bytes = 0;
  uint64_t lines = 0;
  uint64_t words = 0;
};

class CorpusGenerator {
 public:
  // Builds the vocabulary and the sampler (about a second for 10^6 words).
  // InvalidArgument for out-of-range options.
  static absl::StatusOr<CorpusGenerator> Create(const CorpusOptions& options);

  // Generates the corpus, handing it to `sink` in chunks of a few MiB. A non-OK status from
  // the sink stops generation and is returned as is.
  absl::StatusOr<CorpusStats> Generate(
      absl::FunctionRef<absl::Status(std::string_view chunk)> sink) const;

  // Generates the corpus into the file at `path`, created or truncated. Errors name the
  // path: NotFound / PermissionDenied / Internal after the errno of the failed call.
  absl::StatusOr<CorpusStats> WriteFile(const std::string& path) const;

  const Vocabulary& vocabulary() const { return vocabulary_; }

 private:
  CorpusGenerator(const CorpusOptions& options, Vocabulary vocabulary, ZipfSampler sampler)
      : options_(options), vocabulary_(std::move(vocabulary)), sampler_(std::move(sampler)) {}

  CorpusOptions options_;
  Vocabulary vocabulary_;
  ZipfSampler sampler_;
};

}  // namespace centella::gen_corpus

#endif  // CENTELLA_TOOLS_GEN_CORPUS_CORPUS_GENERATOR_H_

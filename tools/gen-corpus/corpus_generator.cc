#include "tools/gen-corpus/corpus_generator.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "common/status/status_macros.h"
#include "common/storage/fd_io.h"
#include "tools/gen-corpus/random_bit_source.h"

namespace centella::gen_corpus {
namespace {

// Large enough that write(2) calls are a rounding error, small enough to stay in L2/L3.
constexpr size_t kChunkBytes = size_t{4} << 20;

absl::Status ValidateOptions(const CorpusOptions& options) {
  if (options.min_words_per_line < 1 ||
      options.max_words_per_line > CorpusOptions::kMaxWordsPerLine ||
      options.min_words_per_line > options.max_words_per_line) {
    return absl::InvalidArgumentError(absl::StrCat(
        "words per line must satisfy 1 <= min <= max <= ", CorpusOptions::kMaxWordsPerLine,
        ", got min=", options.min_words_per_line, " max=", options.max_words_per_line));
  }
  return absl::OkStatus();
}

// Closes the descriptor on every path out of WriteFile.
class ScopedFd {
 public:
  explicit ScopedFd(int fd) : fd_(fd) {}
  ScopedFd(const ScopedFd&) = delete;
  ScopedFd& operator=(const ScopedFd&) = delete;
  ~ScopedFd() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }
  // Closes now so that a failing close (delayed write errors on some filesystems) is seen.
  int Close() {
    const int result = ::close(fd_);
    fd_ = -1;
    return result;
  }

 private:
  int fd_;
};

}  // namespace

absl::StatusOr<CorpusGenerator> CorpusGenerator::Create(const CorpusOptions& options) {
  RETURN_IF_ERROR(ValidateOptions(options));
  ASSIGN_OR_RETURN(ZipfSampler sampler,
                   ZipfSampler::Create(options.distinct_words, options.zipf_s));
  ASSIGN_OR_RETURN(Vocabulary vocabulary,
                   Vocabulary::Generate(options.distinct_words, options.seed));
  return CorpusGenerator(options, std::move(vocabulary), std::move(sampler));
}

absl::StatusOr<CorpusStats> CorpusGenerator::Generate(
    absl::FunctionRef<absl::Status(std::string_view chunk)> sink) const {
  // Worst case one line: max words of max length, separators, and the slack of the last
  // full-slot copy (it writes kSlotSize bytes but advances by the word's length only).
  const size_t max_line_bytes =
      static_cast<size_t>(options_.max_words_per_line) * (Vocabulary::kMaxWordLength + 1) +
      Vocabulary::kSlotSize;
  std::string buffer(kChunkBytes + max_line_bytes, '\0');
  char* const begin = buffer.data();
  char* const flush_at = begin + kChunkBytes;
  char* out = begin;

  RandomBitSource random(options_.seed ^ 0x636f72707573ULL);
  const uint64_t word_count_choices =
      static_cast<uint64_t>(options_.max_words_per_line - options_.min_words_per_line) + 1;
  CorpusStats stats;
  uint64_t flushed = 0;
  while (flushed + static_cast<uint64_t>(out - begin) < options_.target_bytes) {
    const int words =
        options_.min_words_per_line + static_cast<int>(random.Below(word_count_choices));
    for (int i = 0; i < words; ++i) {
      const char* slot = vocabulary_.Slot(sampler_.Sample(random.Next()));
      std::memcpy(out, slot, Vocabulary::kSlotSize);
      out += static_cast<unsigned char>(slot[Vocabulary::kSlotSize - 1]);
      *out++ = ' ';
    }
    out[-1] = '\n';  // The last separator becomes the line end.
    stats.words += static_cast<uint64_t>(words);
    ++stats.lines;
    if (out >= flush_at) {
      RETURN_IF_ERROR(sink(std::string_view(begin, static_cast<size_t>(out - begin))));
      flushed += static_cast<uint64_t>(out - begin);
      out = begin;
    }
  }
  if (out != begin) {
    RETURN_IF_ERROR(sink(std::string_view(begin, static_cast<size_t>(out - begin))));
    flushed += static_cast<uint64_t>(out - begin);
  }
  stats.bytes = flushed;
  return stats;
}

absl::StatusOr<CorpusStats> CorpusGenerator::WriteFile(const std::string& path) const {
  ScopedFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
  if (fd.get() < 0) return ErrnoStatus(errno, "cannot open", path);

  ASSIGN_OR_RETURN(CorpusStats stats, Generate([&](std::string_view chunk) {
                     return WriteFully(fd.get(), chunk, path);
                   }));
  if (fd.Close() != 0) return ErrnoStatus(errno, "cannot close", path);
  return stats;
}

}  // namespace centella::gen_corpus

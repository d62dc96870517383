// log_errors IN OUT: counts the error lines of the logs at IN (a file, directory or glob;
// .gz and .zst files are decompressed) by error code and by URL.
//
//   - an error line is a line containing "ERROR";
//   - its code is its first whitespace-separated token starting with "ERROR", else
//     UNKNOWN_ERROR; its URL is its first token starting with "http://" or "https://",
//     else UNKNOWN_URL;
//   - OUT/error_counts/part-NNNNN: "code<TAB>count" lines (and OUT/error_counts/_SUCCESS);
//   - OUT/top_urls.txt: the 10 URLs other than UNKNOWN_URL with the most error lines,
//     "url<TAB>count", by count descending, ties by URL ascending.
// Both are printed on stdout too (error codes in the same order as URLs). OUT must not
// exist; if the job fails, nothing is left at OUT.
//
//   centella-submit --master local[2] build/examples/log_errors examples/data/app.log out
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "centella/centella.h"

namespace {

constexpr size_t kTopUrls = 10;

// What an error line is counted under: its code, and its URL when it has one.
enum class Kind { kCode = 0, kUrl = 1 };
using Key = std::pair<Kind, std::string>;
using Counts = std::vector<std::pair<std::string, int64_t>>;

std::string ErrorCode(std::string_view line) {
  for (std::string_view token : centella::Words(line)) {
    if (token.starts_with("ERROR")) return std::string(token);
  }
  return "UNKNOWN_ERROR";
}

std::string Url(std::string_view line) {
  for (std::string_view token : centella::Words(line)) {
    if (token.starts_with("http://") || token.starts_with("https://")) return std::string(token);
  }
  return "UNKNOWN_URL";
}

// Count descending, then name ascending.
struct ByCountThenName {
  bool operator()(const std::pair<std::string, int64_t>& a,
                  const std::pair<std::string, int64_t>& b) const {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  }
};

void SortByCount(Counts& counts) { std::sort(counts.begin(), counts.end(), ByCountThenName()); }

std::string Format(const Counts& counts) {
  std::string text;
  for (const auto& [name, count] : counts) absl::StrAppend(&text, name, "\t", count, "\n");
  return text;
}

// Writes `path` so that readers see either no file or all of it: a hidden temporary file
// in the same directory, flushed to disk, then renamed over `path`.
absl::Status WriteFileAtomically(const std::string& path, const std::string& content) {
  const std::filesystem::path target(path);
  const std::string temp =
      (target.parent_path() / ("." + target.filename().string() + ".tmp")).string();
  std::FILE* f = std::fopen(temp.c_str(), "wb");
  if (f == nullptr) {
    return absl::PermissionDeniedError(
        absl::StrCat("cannot create ", temp, ": ", std::strerror(errno)));
  }
  bool ok = std::fwrite(content.data(), 1, content.size(), f) == content.size() &&
            std::fflush(f) == 0 && ::fsync(::fileno(f)) == 0;
  ok = std::fclose(f) == 0 && ok;
  if (!ok || std::rename(temp.c_str(), path.c_str()) != 0) {
    std::string error = std::strerror(errno);
    std::remove(temp.c_str());
    return absl::InternalError(absl::StrCat("cannot write ", path, ": ", error));
  }
  return absl::OkStatus();
}

struct Report {
  Counts error_counts;  // every code, sorted by count
  Counts top_urls;      // at most kTopUrls, sorted by count
};

// Runs the jobs. `out` exists (and is empty) on entry.
absl::StatusOr<Report> CountErrors(centella::Context& ctx, const std::string& in,
                                   const std::string& out) {
  // One shuffle counts codes and URLs together, so the input is read once; the jobs below
  // all read its output (its map stage runs only for the first).
  auto counts =
      ctx.text_file(in)
          .filter([](const std::string& line) { return line.find("ERROR") != std::string::npos; })
          .flat_map([](const std::string& line) {
            std::vector<std::pair<Key, int64_t>> keys;
            keys.emplace_back(Key(Kind::kCode, ErrorCode(line)), 1);
            std::string url = Url(line);
            if (url != "UNKNOWN_URL") keys.emplace_back(Key(Kind::kUrl, std::move(url)), 1);
            return keys;
          })
          .reduce_by_key(std::plus<int64_t>());
  auto of_kind = [](Kind kind) {
    return [kind](const std::pair<Key, int64_t>& kv) { return kv.first.first == kind; };
  };
  auto drop_kind = [](std::pair<Key, int64_t> kv) {
    return std::pair<std::string, int64_t>(std::move(kv.first.second), kv.second);
  };
  auto codes = counts.filter(of_kind(Kind::kCode)).map(drop_kind);
  RETURN_IF_ERROR(codes.save_as_text_file(out + "/error_counts"));

  Report report;
  ASSIGN_OR_RETURN(report.error_counts, codes.collect());
  SortByCount(report.error_counts);
  // The executors keep only their partitions' best kTopUrls; the driver merges those.
  ASSIGN_OR_RETURN(
      report.top_urls,
      counts.filter(of_kind(Kind::kUrl)).map(drop_kind).take_ordered(kTopUrls, ByCountThenName()));
  RETURN_IF_ERROR(WriteFileAtomically(out + "/top_urls.txt", Format(report.top_urls)));
  return report;
}

// Creates `out` (and its missing parents); AlreadyExists if it is there already, so that
// no earlier result is ever mixed with or replaced by this one.
absl::Status CreateOutputDir(const std::string& out) {
  std::error_code ec;
  std::filesystem::path parent = std::filesystem::path(out).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  if (::mkdir(out.c_str(), 0777) != 0) {
    if (errno == EEXIST) {
      return absl::AlreadyExistsError(absl::StrCat("output directory ", out, " already exists"));
    }
    return absl::PermissionDeniedError(
        absl::StrCat("cannot create output directory ", out, ": ", std::strerror(errno)));
  }
  return absl::OkStatus();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: log_errors IN OUT\n");
    return 2;
  }
  auto ctx = centella::Context::FromEnvironment("log-errors");
  if (!ctx.ok()) {
    std::fprintf(stderr, "log_errors: %s\n", std::string(ctx.status().message()).c_str());
    return 1;
  }
  const std::string in = argv[1];
  const std::string out = std::filesystem::absolute(argv[2]).lexically_normal().string();
  absl::Status created = CreateOutputDir(out);
  if (!created.ok()) {
    std::fprintf(stderr, "log_errors: %s\n", std::string(created.message()).c_str());
    return 1;
  }
  absl::StatusOr<Report> report = CountErrors(**ctx, in, out);
  if (!report.ok()) {
    std::error_code ec;
    std::filesystem::remove_all(out, ec);  // created above: holds only this run's partial output
    std::fprintf(stderr, "log_errors: %s\n", std::string(report.status().message()).c_str());
    return 1;
  }
  std::printf("error counts:\n%stop URLs:\n%s", Format(report->error_counts).c_str(),
              Format(report->top_urls).c_str());
  return 0;
}

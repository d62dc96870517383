// my_job IN OUT: the log levels of the log lines at IN (a file, directory or glob) with
// the number of lines of each, written as OUT/part-NNNNN files of "level<TAB>count"
// lines; the five most frequent levels are also printed. A line's level is its first
// word in INFO, WARN, ERROR, DEBUG, TRACE, FATAL; other lines count as "OTHER".
//
//   centella-submit --master 'local[2]' ./build/my_job app.log levels
#include <cstdint>
#include <cstdio>
#include <string>
#include <utility>

#include "centella/centella.h"

namespace {

std::pair<std::string, int64_t> LevelOf(const std::string& line) {
  for (const char* level : {"INFO", "WARN", "ERROR", "DEBUG", "TRACE", "FATAL"}) {
    for (std::string_view word : centella::Words(line)) {
      if (word == level) return {level, 1};
    }
  }
  return {"OTHER", 1};
}

absl::Status CountLevels(centella::Context& ctx, const std::string& in, const std::string& out) {
  auto counts = ctx.text_file(in)
                    .map([](const std::string& line) { return LevelOf(line); })
                    .reduce_by_key([](int64_t a, int64_t b) { return a + b; });
  RETURN_IF_ERROR(counts.save_as_text_file(out));
  ASSIGN_OR_RETURN(auto top, counts
                                 .map([](std::pair<std::string, int64_t> kv) {
                                   return std::pair<int64_t, std::string>(kv.second, kv.first);
                                 })
                                 .top(5));
  for (const auto& [n, level] : top) std::printf("%s\t%lld\n", level.c_str(), (long long)n);
  return absl::OkStatus();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: my_job IN OUT\n");
    return 2;
  }
  auto ctx = centella::Context::FromEnvironment("my-job");
  absl::Status s = ctx.ok() ? CountLevels(**ctx, argv[1], argv[2]) : ctx.status();
  if (!s.ok()) {
    std::fprintf(stderr, "my_job: %s\n", std::string(s.message()).c_str());
    return 1;
  }
  return 0;
}

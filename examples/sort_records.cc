// sort_records IN OUT: sorts the lines of the text files at IN (a file, directory or glob)
// by key and writes them to OUT/part-NNNNN files plus OUT/_SUCCESS.
//
//   - a line's key is its bytes before the first TAB (the whole line if it has none);
//     keys compare as unsigned bytes (std::string's operator<);
//   - lines with equal keys keep their input order (sort_by_key is stable);
//   - the part files are ranges of keys: concatenated in part order they are the sorted
//     input, each line ending in "\n" ("\r\n" line ends become "\n", as text_file reads).
//
// The sort benchmark (bench/sort) runs it on TeraSort-like 100-byte records from
// `centella-gen-records sort`; see docs/benchmarks.md.
//
//   centella-submit --master local[2] build/examples/sort_records records.txt sorted
#include <cstdio>
#include <string>
#include <utility>

#include "centella/centella.h"

namespace {

absl::Status SortRecords(centella::Context& ctx, const std::string& in, const std::string& out) {
  return ctx
      .text_file(in)
      // (key, line): the key is copied out, the line moved along as the value. A lambda,
      // not a function pointer: executors in other processes load the code elsewhere.
      .map([](std::string line) {
        std::string key = line.substr(0, line.find('\t'));
        return std::pair<std::string, std::string>(std::move(key), std::move(line));
      })
      .sort_by_key()
      .values()
      .save_as_text_file(out);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: sort_records IN OUT\n");
    return 2;
  }
  auto ctx = centella::Context::FromEnvironment("sort-records");
  if (!ctx.ok()) {
    std::fprintf(stderr, "sort_records: %s\n", std::string(ctx.status().message()).c_str());
    return 1;
  }
  absl::Status s = SortRecords(**ctx, argv[1], argv[2]);
  if (!s.ok()) {
    std::fprintf(stderr, "sort_records: %s\n", std::string(s.message()).c_str());
    return 1;
  }
  return 0;
}

// sort_baseline IN OUT: the single-threaded plain-C++ sort that Centella's sort_records
// example is measured against (bench/sort, docs/benchmarks.md).
//
// Same contract as examples/sort_records: lines end at "\n" (a "\r" before it is dropped,
// the last line needs no terminator); a line's key is its bytes before the first TAB, or
// the whole line; lines are sorted by key as unsigned bytes, equal keys in input order;
// OUT must not exist; the result is OUT/part-00000, every line ending in "\n", and an empty
// OUT/_SUCCESS. Its output equals the engine's part files concatenated in part order.
//
// It is what a careful engineer writes without a framework: the whole file read into one
// buffer with large read(2) calls; a 24-byte index entry per line holding the first 8 key
// bytes as a big-endian integer, so that almost every comparison is one integer compare
// inside the index array and never touches the lines; std::sort over the index (the tie
// rule "equal keys in input order" is the line's offset as the last sort key, which gives
// exactly std::stable_sort's order with the faster unstable sort); and the lines gathered
// into 1 MiB write(2) calls.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace {

constexpr size_t kReadBytes = size_t{16} << 20;
constexpr size_t kWriteBytes = size_t{1} << 20;

absl::Status ErrnoError(absl::string_view what, const std::string& path) {
  return absl::ErrnoToStatus(errno, absl::StrCat(what, " ", path));
}

// One line of the input: where it is, and enough of its key to order most pairs.
struct Line {
  uint64_t prefix;      // the first 8 key bytes, big-endian, zero-padded
  uint64_t offset;      // of the line in the input
  uint32_t key_length;  // bytes before the first TAB, or the whole line
  uint32_t length;      // without the line end
};

uint64_t KeyPrefix(const char* key, size_t length) {
  unsigned char bytes[8] = {};
  std::memcpy(bytes, key, std::min<size_t>(length, 8));
  uint64_t prefix = 0;
  for (unsigned char b : bytes) prefix = prefix << 8 | b;
  return prefix;
}

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ErrnoError("cannot open", path);
  ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    absl::Status status = ErrnoError("cannot stat", path);
    ::close(fd);
    return status;
  }
  std::string data;
  data.resize(static_cast<size_t>(st.st_size));
  size_t filled = 0;
  while (true) {
    if (filled == data.size()) data.resize(data.size() + kReadBytes);  // The file grew.
    const ssize_t n = ::read(fd, data.data() + filled, std::min(kReadBytes, data.size() - filled));
    if (n < 0) {
      if (errno == EINTR) continue;
      absl::Status status = ErrnoError("cannot read", path);
      ::close(fd);
      return status;
    }
    if (n == 0) break;
    filled += static_cast<size_t>(n);
  }
  ::close(fd);
  data.resize(filled);
  return data;
}

absl::StatusOr<std::vector<Line>> IndexLines(const std::string& data, const std::string& path) {
  std::vector<Line> lines;
  // A good guess for 100-byte records; the vector grows if it is wrong.
  lines.reserve(data.size() / 100 + 1);
  const char* const base = data.data();
  const char* p = base;
  const char* const end = base + data.size();
  while (p < end) {
    const char* newline = static_cast<const char*>(std::memchr(p, '\n', end - p));
    const char* line_end = newline != nullptr ? newline : end;
    const char* next = newline != nullptr ? newline + 1 : end;
    if (newline != nullptr && line_end > p && line_end[-1] == '\r') --line_end;
    const size_t length = static_cast<size_t>(line_end - p);
    if (length > UINT32_MAX) {
      return absl::OutOfRangeError(absl::StrCat("a line of ", path, " exceeds 4 GiB"));
    }
    const char* tab = static_cast<const char*>(std::memchr(p, '\t', length));
    const size_t key_length = tab != nullptr ? static_cast<size_t>(tab - p) : length;
    lines.push_back({KeyPrefix(p, key_length), static_cast<uint64_t>(p - base),
                     static_cast<uint32_t>(key_length), static_cast<uint32_t>(length)});
    p = next;
  }
  return lines;
}

void SortLines(const std::string& data, std::vector<Line>& lines) {
  const char* const base = data.data();
  std::sort(lines.begin(), lines.end(), [base](const Line& a, const Line& b) {
    if (a.prefix != b.prefix) return a.prefix < b.prefix;
    // The rare tie on 8 bytes: the whole keys (std::string_view compares unsigned bytes),
    // then the input order.
    const std::string_view ka(base + a.offset, a.key_length);
    const std::string_view kb(base + b.offset, b.key_length);
    const int c = ka.compare(kb);
    return c != 0 ? c < 0 : a.offset < b.offset;
  });
}

absl::Status WriteAll(int fd, std::string_view data, const std::string& path) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoError("cannot write", path);
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return absl::OkStatus();
}

absl::Status WriteLines(const std::string& path, const std::string& data,
                        const std::vector<Line>& lines) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return ErrnoError("cannot create", path);
  std::string buffer;
  buffer.reserve(kWriteBytes);
  absl::Status status;
  for (const Line& line : lines) {
    if (buffer.size() + line.length + 1 > kWriteBytes && !buffer.empty()) {
      status = WriteAll(fd, buffer, path);
      if (!status.ok()) break;
      buffer.clear();
    }
    buffer.append(data, line.offset, line.length);
    buffer.push_back('\n');
  }
  if (status.ok()) status = WriteAll(fd, buffer, path);
  if (::close(fd) != 0 && status.ok()) status = ErrnoError("cannot close", path);
  return status;
}

absl::Status Run(const std::string& in, const std::string& out) {
  // Fail before spending the time to sort, as the engine does.
  std::error_code error;
  if (std::filesystem::exists(out, error) || error) {
    return absl::AlreadyExistsError(absl::StrCat("output ", out, " already exists"));
  }
  absl::StatusOr<std::string> data = ReadFile(in);
  if (!data.ok()) return data.status();
  absl::StatusOr<std::vector<Line>> lines = IndexLines(*data, in);
  if (!lines.ok()) return lines.status();
  SortLines(*data, *lines);

  std::filesystem::create_directories(out, error);
  if (error) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot create ", out, ": ", error.message()));
  }
  if (absl::Status s = WriteLines(out + "/part-00000", *data, *lines); !s.ok()) return s;
  // _SUCCESS last: its presence means the part file is complete.
  return WriteLines(out + "/_SUCCESS", {}, {});
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: sort_baseline IN OUT\n";
    return 2;
  }
  if (absl::Status status = Run(argv[1], argv[2]); !status.ok()) {
    std::cerr << "sort_baseline: " << status.message() << "\n";
    return 1;
  }
  return 0;
}

#include "engine/io/gzip_input_stream.h"

#include <algorithm>
#include <cstdint>

#include "common/status/status_macros.h"

namespace centella {
namespace {

constexpr size_t kInputChunk = 256 << 10;
// 16 + 15: a gzip wrapper (not zlib's own) around a deflate stream with a 32 KiB window.
constexpr int kGzipWindowBits = 16 + MAX_WBITS;

}  // namespace

GzipInputStream::GzipInputStream(std::unique_ptr<InputStream> source, std::string name)
    : DecompressingInputStream(std::move(source), "gzip", std::move(name), kInputChunk) {
  initialized_ = inflateInit2(&z_, kGzipWindowBits) == Z_OK;
}

GzipInputStream::~GzipInputStream() {
  if (initialized_) inflateEnd(&z_);
}

absl::StatusOr<size_t> GzipInputStream::Read(char* buffer, size_t size) {
  if (!initialized_) return CannotStart();
  z_.next_out = reinterpret_cast<Bytef*>(buffer);
  z_.avail_out = static_cast<uInt>(std::min<size_t>(size, UINT32_MAX));
  const uInt capacity = z_.avail_out;
  while (z_.avail_out == capacity) {
    if (z_.avail_in == 0 && !source_done()) {
      ASSIGN_OR_RETURN(absl::Span<char> in, Refill());
      z_.next_in = reinterpret_cast<Bytef*>(in.data());
      z_.avail_in = static_cast<uInt>(in.size());
    }
    // The input may end only between members.
    if (z_.avail_in == 0 && source_done() && !in_member_) break;
    if (!in_member_) {
      // A new member starts here (the input and output pointers survive the reset).
      if (inflateReset(&z_) != Z_OK) return Corrupt(z_.msg);
      in_member_ = true;
    }
    int rc = inflate(&z_, Z_NO_FLUSH);
    if (rc == Z_STREAM_END) {
      in_member_ = false;
    } else if (rc == Z_BUF_ERROR) {
      // No progress was possible: more input is needed (output space is not the problem,
      // since nothing has been produced into it yet).
      if (z_.avail_in == 0 && source_done()) {
        return Truncated("it ends inside a member");
      }
    } else if (rc != Z_OK) {
      return Corrupt(z_.msg);
    }
  }
  return static_cast<size_t>(capacity - z_.avail_out);
}

}  // namespace centella

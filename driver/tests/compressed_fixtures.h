// Compressed fixtures for tests: gzip and zstd encodings made with zlib and libzstd, and
// an in-memory InputStream that hands out its bytes in small pieces.
#ifndef CENTELLA_DRIVER_TESTS_COMPRESSED_FIXTURES_H_
#define CENTELLA_DRIVER_TESTS_COMPRESSED_FIXTURES_H_

#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <string>

#include "engine/io/input_stream.h"

namespace centella {

// One gzip member holding `data`.
inline std::string GzipCompress(const std::string& data, int level = Z_DEFAULT_COMPRESSION) {
  z_stream z{};
  if (deflateInit2(&z, level, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    throw std::runtime_error("deflateInit2");
  }
  std::string out(deflateBound(&z, data.size()) + 64, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  int rc = deflate(&z, Z_FINISH);
  deflateEnd(&z);
  if (rc != Z_STREAM_END) throw std::runtime_error("deflate");
  out.resize(z.total_out);
  return out;
}

// One zstd frame holding `data`.
inline std::string ZstdCompress(const std::string& data, int level = 3) {
  std::string out(ZSTD_compressBound(data.size()), '\0');
  size_t n = ZSTD_compress(out.data(), out.size(), data.data(), data.size(), level);
  if (ZSTD_isError(n)) throw std::runtime_error("ZSTD_compress");
  out.resize(n);
  return out;
}

inline void WriteFile(const std::string& path, const std::string& content) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << content;
}

// The bytes of a string, at most `max_read` per Read (to exercise refills everywhere).
class StringInputStream final : public InputStream {
 public:
  StringInputStream(std::string data, size_t max_read)
      : data_(std::move(data)), max_read_(max_read) {}
  absl::StatusOr<size_t> Read(char* buffer, size_t size) override {
    size_t n = std::min({size, max_read_, data_.size() - pos_});
    std::memcpy(buffer, data_.data() + pos_, n);
    pos_ += n;
    return n;
  }

 private:
  std::string data_;
  size_t max_read_;
  size_t pos_ = 0;
};

}  // namespace centella

#endif  // CENTELLA_DRIVER_TESTS_COMPRESSED_FIXTURES_H_

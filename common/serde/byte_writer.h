// ByteWriter: appends encoded values to a caller-owned std::string.
//
// Encoding (little-endian, the wire format of every serialized record):
//   varint    LEB128, 1-10 bytes, for lengths and unsigned integers
//   zigzag    signed integers as varint(zigzag(x))
//   fixed     float/double as raw IEEE-754 bytes, little-endian
// Not thread-safe; one writer per buffer.
#ifndef CENTELLA_COMMON_SERDE_BYTE_WRITER_H_
#define CENTELLA_COMMON_SERDE_BYTE_WRITER_H_

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace centella {

class ByteWriter {
 public:
  // `out` must outlive the writer; bytes are appended after its current contents.
  explicit ByteWriter(std::string* out) : out_(out) {}

  void PutVarint(uint64_t v) {
    char buf[10];
    int n = 0;
    while (v >= 0x80) {
      buf[n++] = static_cast<char>(v | 0x80);
      v >>= 7;
    }
    buf[n++] = static_cast<char>(v);
    out_->append(buf, n);
  }
  void PutZigZag(int64_t v) {
    PutVarint((static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63));
  }
  template <class T>
  void PutFixed(T v) {
    static_assert(std::is_trivially_copyable_v<T>);
    char buf[sizeof(T)];
    std::memcpy(buf, &v, sizeof(T));
    out_->append(buf, sizeof(T));
  }
  // Length-prefixed bytes.
  void PutBytes(std::string_view s) {
    PutVarint(s.size());
    out_->append(s.data(), s.size());
  }
  // Raw bytes with no length prefix (the reader must know the size).
  void PutRaw(const void* data, size_t n) { out_->append(static_cast<const char*>(data), n); }

  size_t size() const { return out_->size(); }
  std::string* buffer() { return out_; }

 private:
  std::string* out_;
};

}  // namespace centella

#endif  // CENTELLA_COMMON_SERDE_BYTE_WRITER_H_

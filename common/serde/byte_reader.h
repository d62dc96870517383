// ByteReader: decodes values written by ByteWriter from a borrowed byte range.
//
// Every Get* returns false on truncated or malformed input and latches an error, so a
// decode loop can check once at the end; status() names the offset where it went wrong.
// The viewed bytes must outlive the reader. Not thread-safe.
#ifndef CENTELLA_COMMON_SERDE_BYTE_READER_H_
#define CENTELLA_COMMON_SERDE_BYTE_READER_H_

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace centella {

class ByteReader {
 public:
  explicit ByteReader(std::string_view data) : data_(data) {}

  bool GetVarint(uint64_t* v) {
    uint64_t result = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos_ >= data_.size()) return Fail("truncated varint");
      uint8_t byte = static_cast<uint8_t>(data_[pos_++]);
      result |= static_cast<uint64_t>(byte & 0x7f) << shift;
      if ((byte & 0x80) == 0) {
        *v = result;
        return true;
      }
    }
    return Fail("varint longer than 10 bytes");
  }
  bool GetZigZag(int64_t* v) {
    uint64_t u = 0;
    if (!GetVarint(&u)) return false;
    *v = static_cast<int64_t>((u >> 1) ^ (~(u & 1) + 1));
    return true;
  }
  template <class T>
  bool GetFixed(T* v) {
    static_assert(std::is_trivially_copyable_v<T>);
    if (data_.size() - pos_ < sizeof(T)) return Fail("truncated fixed-width value");
    std::memcpy(v, data_.data() + pos_, sizeof(T));
    pos_ += sizeof(T);
    return true;
  }
  // Length-prefixed bytes; the view points into the reader's input.
  bool GetBytes(std::string_view* s) {
    uint64_t n = 0;
    if (!GetVarint(&n)) return false;
    return GetRaw(n, s);
  }
  bool GetRaw(uint64_t n, std::string_view* s) {
    if (data_.size() - pos_ < n) return Fail("truncated byte string");
    *s = data_.substr(pos_, n);
    pos_ += n;
    return true;
  }
  // Records a decode error found by a caller (e.g. a length above a limit).
  bool Fail(std::string_view what) {
    if (error_.empty()) error_ = absl::StrCat(absl::string_view(what.data(), what.size()), " at byte ", pos_, " of ", data_.size());
    pos_ = data_.size();
    return false;
  }

  bool done() const { return pos_ >= data_.size(); }
  size_t position() const { return pos_; }
  size_t remaining() const { return data_.size() - pos_; }
  bool ok() const { return error_.empty(); }
  absl::Status status() const {
    return ok() ? absl::OkStatus() : absl::DataLossError(absl::StrCat("corrupt record: ", error_));
  }

 private:
  std::string_view data_;
  size_t pos_ = 0;
  std::string error_;
};

}  // namespace centella

#endif  // CENTELLA_COMMON_SERDE_BYTE_READER_H_

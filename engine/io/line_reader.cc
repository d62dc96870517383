#include "engine/io/line_reader.h"

#include <cstring>

#include "common/status/status_macros.h"

namespace centella {

LineReader::LineReader(InputStream& in, size_t chunk_size) : in_(in), chunk_(chunk_size, '\0') {}

absl::StatusOr<bool> LineReader::Next(std::string* line) {
  line->clear();
  bool started = false;  // some byte of a line has been seen
  while (true) {
    if (cursor_ == avail_) {
      if (eof_) break;
      ASSIGN_OR_RETURN(size_t n, in_.Read(chunk_.data(), chunk_.size()));
      if (n == 0) {
        eof_ = true;
        break;
      }
      avail_ = n;
      cursor_ = 0;
    }
    started = true;
    const char* begin = chunk_.data() + cursor_;
    const size_t left = avail_ - cursor_;
    const char* nl = static_cast<const char*>(std::memchr(begin, '\n', left));
    if (nl != nullptr) {
      const size_t used = static_cast<size_t>(nl - begin) + 1;
      line->append(begin, used - 1);
      cursor_ += used;
      position_ += used;
      break;
    }
    line->append(begin, left);
    cursor_ = avail_;
    position_ += left;
  }
  if (!started) return false;
  if (!line->empty() && line->back() == '\r') line->pop_back();
  return true;
}

}  // namespace centella

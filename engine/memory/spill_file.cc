#include "engine/memory/spill_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "absl/strings/str_cat.h"
#include "common/serde/byte_reader.h"
#include "common/serde/byte_writer.h"
#include "common/storage/fd_io.h"

namespace centella {
namespace {
constexpr size_t kBufferBytes = 1 << 20;
}  // namespace

absl::StatusOr<std::unique_ptr<SpillFile>> SpillFile::Create(std::string path) {
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return ErrnoStatus(errno, "cannot create spill file", path);
  return std::unique_ptr<SpillFile>(new SpillFile(std::move(path), fd));
}

SpillFile::~SpillFile() {
  ::close(fd_);
  ::unlink(path_.c_str());
}

absl::Status SpillFile::Append(std::string_view record) {
  ByteWriter w(&buffer_);
  w.PutVarint(record.size());
  buffer_.append(record);
  if (buffer_.size() >= kBufferBytes) return FlushBuffer();
  return absl::OkStatus();
}

absl::StatusOr<uint64_t> SpillFile::AppendRaw(std::string_view bytes) {
  const uint64_t offset = written_ + buffer_.size();
  buffer_.append(bytes);
  if (buffer_.size() >= kBufferBytes) {
    absl::Status s = FlushBuffer();
    if (!s.ok()) return s;
  }
  return offset;
}

absl::Status SpillFile::FlushBuffer() {
  absl::Status s = WriteFully(fd_, buffer_, path_);
  written_ += buffer_.size();
  buffer_.clear();
  return s;
}

absl::Status SpillFile::FinishWriting() {
  absl::Status s = FlushBuffer();
  buffer_.shrink_to_fit();
  read_offset_ = 0;
  pos_ = 0;
  return s;
}

absl::Status SpillFile::Fill(size_t need) {
  // Keep the unread tail, then read until `need` bytes are buffered or the file ends.
  buffer_.erase(0, pos_);
  pos_ = 0;
  while (buffer_.size() < need && read_offset_ < written_) {
    const size_t want = std::max(need - buffer_.size(), kBufferBytes);
    const size_t n = static_cast<size_t>(std::min<uint64_t>(want, written_ - read_offset_));
    const size_t old = buffer_.size();
    buffer_.resize(old + n);
    absl::Status s = PreadFully(fd_, read_offset_, n, buffer_.data() + old, path_);
    if (!s.ok()) return s;
    read_offset_ += n;
  }
  return absl::OkStatus();
}

absl::StatusOr<bool> SpillFile::Next(std::string_view* record) {
  // A frame header is at most 10 bytes (varint).
  if (buffer_.size() - pos_ < 10) {
    absl::Status s = Fill(10);
    if (!s.ok()) return s;
  }
  if (pos_ == buffer_.size()) return false;
  ByteReader header(std::string_view(buffer_).substr(pos_));
  uint64_t length = 0;
  if (!header.GetVarint(&length)) {
    return absl::DataLossError(absl::StrCat("spill file ", path_, " has a torn record header"));
  }
  const size_t header_bytes = header.position();
  if (buffer_.size() - pos_ < header_bytes + length) {
    absl::Status s = Fill(header_bytes + length);
    if (!s.ok()) return s;
    if (buffer_.size() - pos_ < header_bytes + length) {
      return absl::DataLossError(absl::StrCat("spill file ", path_, " ends inside a record"));
    }
  }
  *record = std::string_view(buffer_).substr(pos_ + header_bytes, length);
  pos_ += header_bytes + length;
  return true;
}

absl::Status SpillFile::ReadRaw(uint64_t offset, uint64_t length, std::string* out) const {
  const size_t old = out->size();
  out->resize(old + length);
  return PreadFully(fd_, offset, length, out->data() + old, path_);
}

}  // namespace centella

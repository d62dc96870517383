// Spill files: runs of serialized records written once and read back once, sequentially,
// by the task that wrote them. Each record is framed by its length so a reader never
// needs more than one record plus a buffer in memory. The file is deleted when its
// SpillFile goes away, whatever happened to the task.
#ifndef CENTELLA_ENGINE_MEMORY_SPILL_FILE_H_
#define CENTELLA_ENGINE_MEMORY_SPILL_FILE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace centella {

class SpillFile {
 public:
  // Creates (truncates) `path` for writing.
  static absl::StatusOr<std::unique_ptr<SpillFile>> Create(std::string path);
  ~SpillFile();
  SpillFile(const SpillFile&) = delete;
  SpillFile& operator=(const SpillFile&) = delete;

  // ---- writing ----
  // Appends one framed record.
  absl::Status Append(std::string_view record);
  // Appends raw bytes (no framing); returns their offset. For segment files.
  absl::StatusOr<uint64_t> AppendRaw(std::string_view bytes);
  // Flushes buffered bytes; call before reading.
  absl::Status FinishWriting();
  uint64_t bytes_written() const { return written_; }

  // ---- reading (after FinishWriting) ----
  // Reads the next framed record into `record` (valid until the next call); false at the
  // end of the file. A truncated or unreadable file is an error.
  absl::StatusOr<bool> Next(std::string_view* record);
  // Reads raw bytes [offset, offset + length) and appends them to `out`.
  absl::Status ReadRaw(uint64_t offset, uint64_t length, std::string* out) const;

  const std::string& path() const { return path_; }

 private:
  SpillFile(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}
  absl::Status FlushBuffer();
  absl::Status Fill(size_t need);

  std::string path_;
  int fd_;
  std::string buffer_;  // pending writes, then read-ahead
  uint64_t written_ = 0;
  uint64_t read_offset_ = 0;  // file offset of the next byte to read into buffer_
  size_t pos_ = 0;            // next unread byte in buffer_
};

}  // namespace centella

#endif  // CENTELLA_ENGINE_MEMORY_SPILL_FILE_H_

// FileInputStream: the bytes of a local file from a given offset to its end.
#ifndef CENTELLA_ENGINE_IO_FILE_INPUT_STREAM_H_
#define CENTELLA_ENGINE_IO_FILE_INPUT_STREAM_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "engine/io/input_stream.h"

namespace centella {

class FileInputStream final : public InputStream {
 public:
  // Opens `path` for reading from byte `offset`. Unavailable (naming the file) when it
  // cannot be opened.
  static absl::StatusOr<std::unique_ptr<FileInputStream>> Open(const std::string& path,
                                                               uint64_t offset = 0);
  ~FileInputStream() override;

  FileInputStream(const FileInputStream&) = delete;
  FileInputStream& operator=(const FileInputStream&) = delete;

  absl::StatusOr<size_t> Read(char* buffer, size_t size) override;

  const std::string& path() const { return path_; }

 private:
  FileInputStream(std::string path, int fd, uint64_t offset)
      : path_(std::move(path)), fd_(fd), position_(offset) {}

  const std::string path_;
  const int fd_;
  uint64_t position_;  // file offset of the next byte to read
};

}  // namespace centella

#endif  // CENTELLA_ENGINE_IO_FILE_INPUT_STREAM_H_

// DecompressingInputStream: what every decompressing InputStream shares — the compressed
// source it owns, the buffer of compressed bytes its decoder consumes and the refilling of
// that buffer from the source, and the errors that name the codec and the file.
//
// Subclasses (GzipInputStream, ZstdInputStream) implement Read with their decoder; the
// error messages are the same for every codec:
//   ResourceExhausted "cannot start a <codec> decoder for input file NAME"
//   DataLoss "corrupt <codec> input file NAME: <what the decoder said>"
//   DataLoss "truncated <codec> input file NAME: <where it ends>"
#ifndef CENTELLA_ENGINE_IO_DECOMPRESSING_INPUT_STREAM_H_
#define CENTELLA_ENGINE_IO_DECOMPRESSING_INPUT_STREAM_H_

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "engine/io/input_stream.h"

namespace centella {

class DecompressingInputStream : public InputStream {
 public:
  DecompressingInputStream(const DecompressingInputStream&) = delete;
  DecompressingInputStream& operator=(const DecompressingInputStream&) = delete;

 protected:
  // Reads `source` in chunks of `chunk_size` bytes; `codec` ("gzip", "zstd") and `name`
  // (the file's path) are used in error messages.
  DecompressingInputStream(std::unique_ptr<InputStream> source, absl::string_view codec,
                           std::string name, size_t chunk_size);

  // Reads the next chunk of compressed bytes into the buffer, overwriting the previous one
  // (the decoder must have consumed it), and returns it. An empty chunk means the source
  // has ended; source_done() is then true and Refill must not be called again.
  absl::StatusOr<absl::Span<char>> Refill();
  bool source_done() const { return source_done_; }

  absl::Status CannotStart() const;
  // `detail` is what the decoder said; null when it said nothing.
  absl::Status Corrupt(const char* detail) const;
  // `detail` says where the input ends, e.g. "it ends inside a frame".
  absl::Status Truncated(absl::string_view detail) const;

 private:
  std::unique_ptr<InputStream> source_;
  const std::string codec_;
  const std::string name_;
  std::string in_;  // the current chunk of compressed bytes
  bool source_done_ = false;
};

}  // namespace centella

#endif  // CENTELLA_ENGINE_IO_DECOMPRESSING_INPUT_STREAM_H_

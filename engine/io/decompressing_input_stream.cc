#include "engine/io/decompressing_input_stream.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/status/status_macros.h"

namespace centella {

DecompressingInputStream::DecompressingInputStream(std::unique_ptr<InputStream> source,
                                                   absl::string_view codec, std::string name,
                                                   size_t chunk_size)
    : source_(std::move(source)), codec_(codec), name_(std::move(name)), in_(chunk_size, '\0') {}

absl::StatusOr<absl::Span<char>> DecompressingInputStream::Refill() {
  ASSIGN_OR_RETURN(size_t n, source_->Read(in_.data(), in_.size()));
  source_done_ = n == 0;
  return absl::Span<char>(in_.data(), n);
}

absl::Status DecompressingInputStream::CannotStart() const {
  return absl::ResourceExhaustedError(
      absl::StrCat("cannot start a ", codec_, " decoder for input file ", name_));
}

absl::Status DecompressingInputStream::Corrupt(const char* detail) const {
  return absl::DataLossError(absl::StrCat("corrupt ", codec_, " input file ", name_, ": ",
                                          detail != nullptr ? detail : "undecodable data"));
}

absl::Status DecompressingInputStream::Truncated(absl::string_view detail) const {
  return absl::DataLossError(
      absl::StrCat("truncated ", codec_, " input file ", name_, ": ", detail));
}

}  // namespace centella

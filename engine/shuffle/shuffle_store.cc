#include "engine/shuffle/shuffle_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/serde/byte_reader.h"
#include "common/serde/byte_writer.h"
#include "common/storage/fd_io.h"

namespace centella {
namespace {

constexpr char kMagic[8] = {'C', 'T', 'L', 'S', 'H', 'I', 'X', '1'};
constexpr size_t kHeaderSize = 12;
constexpr size_t kEntrySize = 40;

absl::Status ErrnoError(std::string_view what, const std::string& path) {
  return ErrnoStatus(errno, what, path);
}

absl::Status PreadExact(int fd, uint64_t offset, size_t n, char* out, const std::string& path) {
  absl::Status s = PreadFully(fd, offset, n, out, path);
  if (absl::IsDataLoss(s)) {
    return absl::DataLossError(absl::StrCat("shuffle file ", path, " is truncated"));
  }
  return s;
}

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  int release() { return std::exchange(fd_, -1); }

 private:
  int fd_;
};

}  // namespace

ShuffleStore::ShuffleStore(std::string root_dir, BlockCodec codec)
    : root_(std::move(root_dir)), codec_(codec) {}

std::string ShuffleStore::DataPath(int shuffle_id, int map_id, int attempt) const {
  return absl::StrCat(root_, "/shuffle_", shuffle_id, "/", map_id, "_", attempt, ".data");
}

std::string ShuffleStore::IndexPath(int shuffle_id, int map_id, int attempt) const {
  return absl::StrCat(root_, "/shuffle_", shuffle_id, "/", map_id, "_", attempt, ".index");
}

absl::StatusOr<std::vector<uint64_t>> ShuffleStore::WriteMapOutput(
    int shuffle_id, int map_id, int attempt, const std::vector<std::string>& raw_blocks) {
  return WriteMapOutput(shuffle_id, map_id, attempt, static_cast<int>(raw_blocks.size()),
                        [&raw_blocks](int r, std::string* raw) {
                          *raw = raw_blocks[r];
                          return absl::OkStatus();
                        });
}

absl::StatusOr<std::vector<uint64_t>> ShuffleStore::WriteMapOutput(
    int shuffle_id, int map_id, int attempt, int num_blocks,
    absl::FunctionRef<absl::Status(int reduce_id, std::string* raw)> produce) {
  std::error_code ec;
  std::string dir = absl::StrCat(root_, "/shuffle_", shuffle_id);
  std::filesystem::create_directories(dir, ec);
  if (ec) return absl::InternalError(absl::StrCat("cannot create ", dir, ": ", ec.message()));

  const std::string data_path = DataPath(shuffle_id, map_id, attempt);
  const std::string index_path = IndexPath(shuffle_id, map_id, attempt);
  const std::string data_tmp = data_path + ".tmp";
  Fd data(::open(data_tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
  if (data.get() < 0) return ErrnoError("cannot create", data_tmp);

  std::string index(kMagic, sizeof(kMagic));
  ByteWriter iw(&index);
  iw.PutFixed<uint32_t>(static_cast<uint32_t>(num_blocks));
  std::vector<uint64_t> sizes;
  sizes.reserve(num_blocks);
  std::string raw, stored;
  uint64_t offset = 0;
  for (int r = 0; r < num_blocks; ++r) {
    raw.clear();
    stored.clear();
    absl::Status s = produce(r, &raw);
    if (s.ok()) {
      BlockCodec used = EncodeBlock(codec_, raw, &stored);
      iw.PutFixed<uint64_t>(offset);
      iw.PutFixed<uint64_t>(stored.size());
      iw.PutFixed<uint64_t>(raw.size());
      iw.PutFixed<uint64_t>(BlockChecksum(stored));
      iw.PutFixed<uint64_t>(static_cast<uint64_t>(used));
      sizes.push_back(stored.size());
      offset += stored.size();
      s = WriteFully(data.get(), stored, data_tmp);
    }
    if (!s.ok()) {
      ::unlink(data_tmp.c_str());
      return s;
    }
  }
  if (::close(data.release()) != 0) return ErrnoError("cannot close", data_tmp);
  if (::rename(data_tmp.c_str(), data_path.c_str()) != 0) {
    return ErrnoError("cannot rename to", data_path);
  }
  // The index last: the map output exists exactly when its index does.
  const std::string index_tmp = index_path + ".tmp";
  {
    Fd out(::open(index_tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
    if (out.get() < 0) return ErrnoError("cannot create", index_tmp);
    absl::Status s = WriteFully(out.get(), index, index_tmp);
    if (!s.ok()) return s;
    if (::close(out.release()) != 0) return ErrnoError("cannot close", index_tmp);
  }
  if (::rename(index_tmp.c_str(), index_path.c_str()) != 0) {
    return ErrnoError("cannot rename to", index_path);
  }
  return sizes;
}

namespace {

// Validates the index header and returns its block count.
absl::StatusOr<uint32_t> ReadIndexHeader(int fd, const std::string& index_path) {
  char header[kHeaderSize];
  absl::Status s = PreadExact(fd, 0, kHeaderSize, header, index_path);
  if (!s.ok()) return s;
  if (std::memcmp(header, kMagic, sizeof(kMagic)) != 0) {
    return absl::DataLossError(absl::StrCat(index_path, " is not a shuffle index"));
  }
  uint32_t count;
  std::memcpy(&count, header + sizeof(kMagic), sizeof(count));
  return count;
}

bool ParseEntry(ByteReader& r, ShuffleBlockEntry* e) {
  uint64_t codec = 0;
  if (!r.GetFixed(&e->offset) || !r.GetFixed(&e->stored_length) || !r.GetFixed(&e->raw_length) ||
      !r.GetFixed(&e->checksum) || !r.GetFixed(&codec) || codec > kMaxBlockCodec) {
    return false;
  }
  e->codec = static_cast<BlockCodec>(codec);
  return true;
}

}  // namespace

absl::Status ShuffleStore::ReadBlock(int shuffle_id, int map_id, int attempt, int reduce_id,
                                     std::string* out) const {
  // Only this block's entry is read: a reducer reads one block of each map output, and an
  // index holds one entry per reduce partition.
  std::string index_path = IndexPath(shuffle_id, map_id, attempt);
  ShuffleBlockEntry e;
  {
    Fd index(::open(index_path.c_str(), O_RDONLY | O_CLOEXEC));
    if (index.get() < 0) return ErrnoError("cannot open", index_path);
    absl::StatusOr<uint32_t> count = ReadIndexHeader(index.get(), index_path);
    if (!count.ok()) return count.status();
    if (reduce_id < 0 || static_cast<uint32_t>(reduce_id) >= *count) {
      return absl::DataLossError(
          absl::StrCat(index_path, " has ", *count, " blocks, reduce ", reduce_id, " requested"));
    }
    char raw_entry[kEntrySize];
    absl::Status s = PreadExact(index.get(), kHeaderSize + kEntrySize * reduce_id, kEntrySize,
                                raw_entry, index_path);
    if (!s.ok()) return s;
    ByteReader er(std::string_view(raw_entry, kEntrySize));
    if (!ParseEntry(er, &e)) {
      return absl::DataLossError(absl::StrCat(index_path, " has a corrupt entry"));
    }
  }
  std::string stored;
  absl::Status s = ReadStoredRange(shuffle_id, map_id, attempt, e, 0, e.stored_length, &stored);
  if (!s.ok()) return s;
  if (BlockChecksum(stored) != e.checksum) {
    return absl::DataLossError(absl::StrCat("checksum mismatch in block ", reduce_id, " of ",
                                            DataPath(shuffle_id, map_id, attempt)));
  }
  return DecodeBlock(e.codec, stored, e.raw_length, out);
}

absl::StatusOr<std::vector<ShuffleBlockEntry>> ShuffleStore::ReadIndex(int shuffle_id, int map_id,
                                                                       int attempt) const {
  std::string index_path = IndexPath(shuffle_id, map_id, attempt);
  Fd index(::open(index_path.c_str(), O_RDONLY | O_CLOEXEC));
  if (index.get() < 0) return ErrnoError("cannot open", index_path);
  absl::StatusOr<uint32_t> count = ReadIndexHeader(index.get(), index_path);
  if (!count.ok()) return count.status();
  // A corrupt count must not make us allocate gigabytes: check it against the file size.
  struct stat st;
  if (::fstat(index.get(), &st) != 0) return ErrnoError("cannot stat", index_path);
  if (static_cast<uint64_t>(st.st_size) != kHeaderSize + uint64_t{kEntrySize} * *count) {
    return absl::DataLossError(absl::StrCat(index_path, " has ", st.st_size,
                                            " bytes, inconsistent with its ", *count, " blocks"));
  }
  std::string raw(kEntrySize * *count, '\0');
  absl::Status s = PreadExact(index.get(), kHeaderSize, raw.size(), raw.data(), index_path);
  if (!s.ok()) return s;
  ByteReader reader{std::string_view(raw)};
  std::vector<ShuffleBlockEntry> entries(*count);
  for (ShuffleBlockEntry& e : entries) {
    if (!ParseEntry(reader, &e)) {
      return absl::DataLossError(absl::StrCat(index_path, " has a corrupt entry"));
    }
  }
  return entries;
}

absl::Status ShuffleStore::ReadStoredRange(int shuffle_id, int map_id, int attempt,
                                           const ShuffleBlockEntry& entry, uint64_t from,
                                           uint64_t length, std::string* out) const {
  if (from > entry.stored_length || length > entry.stored_length - from) {
    return absl::OutOfRangeError(absl::StrCat("range [", from, ", ", from + length,
                                              ") outside a block of ", entry.stored_length,
                                              " bytes"));
  }
  out->assign(length, '\0');
  if (length == 0) return absl::OkStatus();
  std::string data_path = DataPath(shuffle_id, map_id, attempt);
  Fd data(::open(data_path.c_str(), O_RDONLY | O_CLOEXEC));
  if (data.get() < 0) {
    // The index exists (the caller read it), so a missing data file is corruption.
    absl::Status s = ErrnoError("cannot open", data_path);
    return absl::IsNotFound(s) ? absl::DataLossError(s.message()) : s;
  }
  return PreadExact(data.get(), entry.offset + from, length, out->data(), data_path);
}

absl::Status ShuffleStore::RemoveShuffle(int shuffle_id) {
  std::error_code ec;
  std::filesystem::remove_all(absl::StrCat(root_, "/shuffle_", shuffle_id), ec);
  if (ec)
    return absl::InternalError(
        absl::StrCat("cannot remove shuffle ", shuffle_id, ": ", ec.message()));
  return absl::OkStatus();
}

}  // namespace centella

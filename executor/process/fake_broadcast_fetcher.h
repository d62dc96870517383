// FakeBroadcastFetcher: a BroadcastFetcher over values held in memory, for tests. Serves
// pieces like the driver does, counts fetches, and can be made slow, failing or corrupt.
#ifndef CENTELLA_EXECUTOR_PROCESS_FAKE_BROADCAST_FETCHER_H_
#define CENTELLA_EXECUTOR_PROCESS_FAKE_BROADCAST_FETCHER_H_

#include <xxhash.h>

#include <algorithm>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "executor/process/broadcast_fetcher.h"

namespace centella {

class FakeBroadcastFetcher : public BroadcastFetcher {
 public:
  explicit FakeBroadcastFetcher(size_t piece_bytes = 1024) : piece_bytes_(piece_bytes) {}

  void Put(int64_t id, std::string bytes) {
    absl::MutexLock lock(&mu_);
    values_[id] = std::move(bytes);
  }
  // The next fetches fail with `status` (OK: serve normally again).
  void FailWith(absl::Status status) {
    absl::MutexLock lock(&mu_);
    fail_ = std::move(status);
  }
  // Flip a byte of the piece with this index in every fetch (-1: none).
  void CorruptPiece(int index) {
    absl::MutexLock lock(&mu_);
    corrupt_piece_ = index;
  }
  void set_delay(absl::Duration d) {
    absl::MutexLock lock(&mu_);
    delay_ = d;
  }
  int fetches() const {
    absl::MutexLock lock(&mu_);
    return fetches_;
  }

  absl::Status Fetch(int64_t id,
                     absl::FunctionRef<absl::Status(const v1::BroadcastPiece&)> on_piece) override {
    std::string bytes;
    int corrupt;
    absl::Duration delay;
    {
      absl::MutexLock lock(&mu_);
      ++fetches_;
      if (!fail_.ok()) return fail_;
      auto it = values_.find(id);
      if (it == values_.end()) return absl::NotFoundError("no broadcast " + std::to_string(id));
      bytes = it->second;
      corrupt = corrupt_piece_;
      delay = delay_;
    }
    absl::SleepFor(delay);
    const int n =
        static_cast<int>(std::max<size_t>(1, (bytes.size() + piece_bytes_ - 1) / piece_bytes_));
    for (int i = 0; i < n; ++i) {
      v1::BroadcastPiece p;
      p.set_index(i);
      p.set_num_pieces(n);
      p.set_offset(static_cast<int64_t>(i * piece_bytes_));
      p.set_data(bytes.substr(i * piece_bytes_, piece_bytes_));
      p.set_checksum(XXH3_64bits(p.data().data(), p.data().size()));
      if (i == corrupt && !p.data().empty()) (*p.mutable_data())[0] ^= 1;
      if (absl::Status s = on_piece(p); !s.ok()) return s;
    }
    return absl::OkStatus();
  }

 private:
  const size_t piece_bytes_;
  mutable absl::Mutex mu_;
  absl::flat_hash_map<int64_t, std::string> values_ ABSL_GUARDED_BY(mu_);
  absl::Status fail_ ABSL_GUARDED_BY(mu_);
  int corrupt_piece_ ABSL_GUARDED_BY(mu_) = -1;
  absl::Duration delay_ ABSL_GUARDED_BY(mu_);
  int fetches_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace centella

#endif  // CENTELLA_EXECUTOR_PROCESS_FAKE_BROADCAST_FETCHER_H_

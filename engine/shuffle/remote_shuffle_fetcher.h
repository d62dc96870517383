// RemoteShuffleFetcher: reads the shuffle blocks of a reduce partition from the executor
// daemons that hold them, over ShuffleService.FetchBlocks; blocks held by this machine's
// own daemon are read straight from disk.
//
// Bytes in flight are bounded: the blocks of one daemon are requested in groups of at
// most `max_request_bytes` (by their sizes in the map statuses), one request at a time,
// and each block is handed on (and freed) as soon as it is complete and verified.
// Any block that cannot be obtained, or whose checksum does not match, is a fetch failure
// naming the map output. Thread-safe; channels are cached per daemon address.
//
// A daemon that cannot be reached at all (every attempt failed in transport: connection
// refused or timed out, or dropped by keepalive because the host went silent) makes a
// fetch failure marked server_unreachable: then none of the map output it holds can be
// read, not just the block named, and the driver forgets all of it at once.
#ifndef CENTELLA_ENGINE_SHUFFLE_REMOTE_SHUFFLE_FETCHER_H_
#define CENTELLA_ENGINE_SHUFFLE_REMOTE_SHUFFLE_FETCHER_H_

#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "common/auth/shared_secret.h"
#include "engine/shuffle/local_shuffle_fetcher.h"
#include "engine/shuffle/shuffle_fetcher.h"
#include "engine/shuffle/shuffle_store.h"
#include "grpcpp/channel.h"

namespace centella {

class RemoteShuffleFetcher : public ShuffleFetcher {
 public:
  // `local_store` holds this machine's map outputs (those whose shuffle_address equals
  // `local_address`); both it and `secret` must outlive the fetcher.
  RemoteShuffleFetcher(std::string app_id, std::string executor_id, std::string local_address,
                       const ShuffleStore* local_store, const SharedSecret* secret,
                       int64_t max_request_bytes = (48 << 20) / 5);

  absl::Status Fetch(
      const v1::ShuffleReadInput& input, int reduce_id,
      absl::FunctionRef<absl::Status(int map_id, std::string_view block)> consume) override;

 private:
  std::shared_ptr<grpc::Channel> ChannelTo(const std::string& address);
  absl::Status FetchGroup(const std::string& address, int shuffle_id, int reduce_id,
                          const std::vector<const v1::MapStatus*>& group,
                          absl::FunctionRef<absl::Status(int, std::string_view)> consume);

  const std::string app_id_;
  const std::string executor_id_;
  const std::string local_address_;
  LocalShuffleFetcher local_;  // blocks held by this machine's daemon
  const SharedSecret* secret_;
  const int64_t max_request_bytes_;
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, std::shared_ptr<grpc::Channel>> channels_ ABSL_GUARDED_BY(mu_);
};

}  // namespace centella

#endif  // CENTELLA_ENGINE_SHUFFLE_REMOTE_SHUFFLE_FETCHER_H_

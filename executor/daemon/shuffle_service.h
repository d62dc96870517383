// ShuffleServiceImpl: the gRPC ShuffleService (shuffle.proto) over the map-output files
// of every application on this machine, <work-dir>/apps/<app_id>/shuffle (ShuffleStore
// layout).
//
// FetchBlocks streams each block as stored (still compressed) in chunks, reading one
// chunk ahead at most, so memory per stream is one chunk; the last chunk of a block
// carries its checksum, codec and raw size from the index, for the reducer to verify and
// decode. A missing or corrupt block is reported in its own last chunk (NOT_FOUND /
// CORRUPT / IO) and the call goes on with the next block.
//
// Stateless apart from the work directory; thread-safe (files are committed by atomic
// rename, so a reader sees a whole map output or none).
#ifndef CENTELLA_EXECUTOR_DAEMON_SHUFFLE_SERVICE_H_
#define CENTELLA_EXECUTOR_DAEMON_SHUFFLE_SERVICE_H_

#include "common/auth/shared_secret.h"
#include "executor/daemon/work_dir_layout.h"
#include "shuffle.grpc.pb.h"

namespace centella {

class ShuffleServiceImpl final : public v1::ShuffleService::Service {
 public:
  static constexpr int kDefaultChunkBytes = 1 << 20;
  // Below gRPC's default 4 MiB message limit, leaving room for the other fields.
  static constexpr int kMaxChunkBytes = (4 << 20) - (64 << 10);

  ShuffleServiceImpl(WorkDirLayout layout, SharedSecret secret)
      : layout_(std::move(layout)), secret_(std::move(secret)) {}

  grpc::Status FetchBlocks(grpc::ServerContext* context, const v1::FetchBlocksRequest* request,
                           grpc::ServerWriter<v1::FetchBlocksResponse>* writer) override;
  grpc::Status RemoveShuffle(grpc::ServerContext* context, const v1::RemoveShuffleRequest* request,
                             v1::RemoveShuffleResponse* response) override;
  grpc::Status GetShuffleStatus(grpc::ServerContext* context,
                                const v1::GetShuffleStatusRequest* request,
                                v1::GetShuffleStatusResponse* response) override;

 private:
  const WorkDirLayout layout_;
  const SharedSecret secret_;
};

}  // namespace centella

#endif  // CENTELLA_EXECUTOR_DAEMON_SHUFFLE_SERVICE_H_

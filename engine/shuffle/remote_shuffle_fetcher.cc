#include "engine/shuffle/remote_shuffle_fetcher.h"

#include <chrono>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "engine/shuffle/fetch_failure.h"
#include "engine/shuffle/shuffle_block_codec.h"
#include "shuffle.grpc.pb.h"

namespace centella {

RemoteShuffleFetcher::RemoteShuffleFetcher(std::string app_id, std::string executor_id,
                                           std::string local_address,
                                           const ShuffleStore* local_store,
                                           const SharedSecret* secret, int64_t max_request_bytes)
    : app_id_(std::move(app_id)),
      executor_id_(std::move(executor_id)),
      local_address_(std::move(local_address)),
      local_(local_store),
      secret_(secret),
      max_request_bytes_(max_request_bytes) {}

namespace {
constexpr int kFetchAttempts = 3;
constexpr absl::Duration kFirstRetryWait = absl::Milliseconds(200);
}  // namespace

std::shared_ptr<grpc::Channel> RemoteShuffleFetcher::ChannelTo(const std::string& address) {
  absl::MutexLock lock(&mu_);
  auto it = channels_.find(address);
  if (it != channels_.end()) return it->second;
  auto channel = secret_->Connect(address);
  channels_[address] = channel;
  return channel;
}

absl::Status RemoteShuffleFetcher::Fetch(
    const v1::ShuffleReadInput& input, int reduce_id,
    absl::FunctionRef<absl::Status(int map_id, std::string_view block)> consume) {
  // Blocks of this machine's daemon are read from disk first (no network); remote ones
  // are grouped by daemon as we go.
  v1::ShuffleReadInput local;
  local.set_shuffle_id(input.shuffle_id());
  std::vector<std::pair<std::string, std::vector<const v1::MapStatus*>>> remote;
  absl::flat_hash_map<std::string, size_t> index_of;
  for (const v1::MapStatus& status : input.map_statuses()) {
    if (reduce_id < status.block_sizes_size() && status.block_sizes(reduce_id) == 0) continue;
    if (status.shuffle_address().empty() || status.shuffle_address() == local_address_) {
      *local.add_map_statuses() = status;
      continue;
    }
    auto [it, inserted] = index_of.try_emplace(status.shuffle_address(), remote.size());
    if (inserted)
      remote.emplace_back(status.shuffle_address(), std::vector<const v1::MapStatus*>{});
    remote[it->second].second.push_back(&status);
  }
  if (local.map_statuses_size() > 0) {
    absl::Status s = local_.Fetch(local, reduce_id, consume);
    if (!s.ok()) return s;
  }
  for (const auto& [address, statuses] : remote) {
    std::vector<const v1::MapStatus*> group;
    int64_t group_bytes = 0;
    for (const v1::MapStatus* status : statuses) {
      int64_t size = reduce_id < status->block_sizes_size() ? status->block_sizes(reduce_id) : 0;
      if (!group.empty() && group_bytes + size > max_request_bytes_) {
        absl::Status s = FetchGroup(address, input.shuffle_id(), reduce_id, group, consume);
        if (!s.ok()) return s;
        group.clear();
        group_bytes = 0;
      }
      group.push_back(status);
      group_bytes += size;
    }
    if (!group.empty()) {
      absl::Status s = FetchGroup(address, input.shuffle_id(), reduce_id, group, consume);
      if (!s.ok()) return s;
    }
  }
  return absl::OkStatus();
}

absl::Status RemoteShuffleFetcher::FetchGroup(
    const std::string& address, int shuffle_id, int reduce_id,
    const std::vector<const v1::MapStatus*>& group,
    absl::FunctionRef<absl::Status(int, std::string_view)> consume) {
  v1::FetchBlocksRequest request;
  request.set_app_id(app_id_);
  request.set_shuffle_id(shuffle_id);
  request.set_executor_id(executor_id_);
  for (const v1::MapStatus* status : group) {
    v1::ShuffleBlockRequest* b = request.add_blocks();
    b->set_map_id(status->map_id());
    b->set_map_attempt(status->map_attempt());
    b->set_reduce_id(reduce_id);
  }
  auto fail = [&](int map_id, std::string_view why) {
    return FetchFailedError({shuffle_id, map_id, reduce_id, address}, why);
  };
  // Transport errors are retried; the retry starts after the blocks already consumed.
  size_t done = 0;
  std::string last_error;
  bool transport_failure = false;
  for (int attempt = 0; attempt < kFetchAttempts && done < group.size(); ++attempt) {
    if (attempt > 0) {
      // A busy server is not a dead one: wait before asking again (200 ms, then 400 ms),
      // since giving up declares the whole host lost and recomputes all it served.
      absl::SleepFor(kFirstRetryWait * (1 << (attempt - 1)));
    }
    v1::FetchBlocksRequest req = request;
    if (done > 0) {
      req.clear_blocks();
      for (size_t i = done; i < group.size(); ++i) *req.add_blocks() = request.blocks(i);
    }
    auto stub = v1::ShuffleService::NewStub(ChannelTo(address));
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::minutes(5));
    auto reader = stub->FetchBlocks(&ctx, req);
    v1::FetchBlocksResponse chunk;
    std::string stored, raw;
    while (reader->Read(&chunk)) {
      size_t i = done;  // chunks arrive in request order
      if (chunk.error() != v1::SHUFFLE_BLOCK_ERROR_NONE) {
        ctx.TryCancel();
        return fail(group[i]->map_id(), chunk.error_message());
      }
      stored.append(chunk.data());
      if (!chunk.last()) continue;
      if (BlockChecksum(stored) != chunk.checksum()) {
        ctx.TryCancel();
        return fail(group[i]->map_id(), "checksum mismatch in fetched block");
      }
      absl::Status d = DecodeBlock(static_cast<BlockCodec>(chunk.codec()), stored,
                                   static_cast<uint64_t>(chunk.raw_size()), &raw);
      if (!d.ok()) {
        ctx.TryCancel();
        return fail(group[i]->map_id(), std::string(d.message()));
      }
      stored.clear();
      absl::Status c = consume(group[i]->map_id(), raw);
      if (!c.ok()) {
        ctx.TryCancel();
        return c;
      }
      ++done;
    }
    grpc::Status s = reader->Finish();
    if (s.ok() && done == group.size()) return absl::OkStatus();
    last_error = s.ok() ? "stream ended early" : s.error_message();
    transport_failure = s.error_code() == grpc::StatusCode::UNAVAILABLE ||
                        s.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED;
    if (!transport_failure && !s.ok()) break;
  }
  if (done == group.size()) return absl::OkStatus();
  FetchFailureInfo info{shuffle_id, group[done]->map_id(), reduce_id, address};
  // Only transport errors reach here after the retries: the server is gone, not a block.
  info.server_unreachable = transport_failure;
  return FetchFailedError(info, last_error);
}

}  // namespace centella

#include "driver/streaming/redis_sink.h"

#include <hiredis/hiredis.h>
#include <sys/time.h>

#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/logging/logger.h"
#include "common/status/status_macros.h"

namespace centella {
namespace {

std::shared_ptr<spdlog::logger> Log() { return GetLogger("redis-sink"); }

// Frees a reply when it goes out of scope.
struct Reply {
  redisReply* r = nullptr;
  ~Reply() {
    if (r != nullptr) freeReplyObject(r);
  }
};

}  // namespace

absl::StatusOr<std::unique_ptr<RedisSink>> RedisSink::Connect(RedisSinkOptions options) {
  std::unique_ptr<RedisSink> sink(new RedisSink(std::move(options)));
  absl::MutexLock lock(&sink->mu_);
  RETURN_IF_ERROR(sink->EnsureConnected());
  return sink;
}

RedisSink::~RedisSink() {
  absl::MutexLock lock(&mu_);
  if (redis_ != nullptr) redisFree(redis_);
}

std::string RedisSink::name() const {
  return absl::StrCat("Redis at ", options_.host, ":", options_.port);
}

absl::Status RedisSink::Lost(const std::string& what) {
  std::string reason = redis_ != nullptr && redis_->err != 0 ? redis_->errstr : "no reply";
  if (redis_ != nullptr) redisFree(redis_);
  redis_ = nullptr;
  return absl::UnavailableError(absl::StrCat(name(), ": ", what, ": ", reason));
}

absl::Status RedisSink::EnsureConnected() {
  if (redis_ != nullptr) return absl::OkStatus();
  redis_ = redisConnectWithTimeout(options_.host.c_str(), options_.port,
                                   absl::ToTimeval(options_.timeout));
  if (redis_ == nullptr || redis_->err != 0) return Lost("cannot connect");
  redisSetTimeout(redis_, absl::ToTimeval(options_.timeout));
  Reply pong{static_cast<redisReply*>(redisCommand(redis_, "PING"))};
  if (pong.r == nullptr) return Lost("PING");
  if (pong.r->type == REDIS_REPLY_ERROR) {
    return absl::FailedPreconditionError(absl::StrCat(name(), " refused PING: ", pong.r->str));
  }
  return absl::OkStatus();
}

absl::Status RedisSink::WriteBatch(const BatchRef& batch, const std::vector<SinkRow>& rows) {
  absl::MutexLock lock(&mu_);
  RETURN_IF_ERROR(EnsureConnected());
  const std::string batch_key =
      absl::StrCat("centella:sink:", batch.stream_id, ":", options_.key_prefix);
  {
    Reply last{static_cast<redisReply*>(
        redisCommand(redis_, "GET %b", batch_key.data(), batch_key.size()))};
    if (last.r == nullptr) return Lost("GET");
    int64_t id = -1;
    if (last.r->type == REDIS_REPLY_STRING &&
        absl::SimpleAtoi(absl::string_view(last.r->str, last.r->len), &id) && id >= batch.id) {
      Log()->info("batch {} of stream {} is in {} already: nothing to write", batch.id,
                  batch.stream_id, name());
      return absl::OkStatus();
    }
  }
  // MULTI, a SET per row, the batch id, EXEC: pipelined, then every reply read.
  auto append = [this](std::initializer_list<std::string_view> args) {
    std::vector<const char*> argv;
    std::vector<size_t> lens;
    for (std::string_view a : args) {
      argv.push_back(a.data());
      lens.push_back(a.size());
    }
    return redisAppendCommandArgv(redis_, static_cast<int>(argv.size()), argv.data(),
                                  lens.data()) == REDIS_OK;
  };
  bool ok = append({"MULTI"});
  std::string key;
  for (const SinkRow& row : rows) {
    key = absl::StrCat(options_.key_prefix, row.key);
    ok = ok && append({"SET", key, row.value});
  }
  const std::string id = absl::StrCat(batch.id);
  ok = ok && append({"SET", batch_key, id}) && append({"EXEC"});
  if (!ok) return Lost("sending the batch");
  const size_t replies = rows.size() + 3;
  std::string refused;
  for (size_t i = 0; i < replies; ++i) {
    void* raw = nullptr;
    if (redisGetReply(redis_, &raw) != REDIS_OK || raw == nullptr) return Lost("reading replies");
    Reply reply{static_cast<redisReply*>(raw)};
    if (reply.r->type == REDIS_REPLY_ERROR && refused.empty()) refused = reply.r->str;
    if (i + 1 == replies && reply.r->type != REDIS_REPLY_ARRAY && refused.empty()) {
      refused = "the transaction was not executed";
    }
  }
  if (!refused.empty()) {
    return absl::InternalError(absl::StrCat(name(), " refused batch ", batch.id, ": ", refused));
  }
  return absl::OkStatus();
}

}  // namespace centella

// ReceiverInputDStream<T>: the input stream of a Receiver (receiver.h): each batch is the
// records stored since the previous batch, as one RDD (parallelized over the default
// parallelism).
//
// As a StreamInput its checkpoint record of a batch is the batch's records themselves (a
// write-ahead log, in the batch's offsets entry), so a re-run batch after a restart reads
// exactly what it read the first time. Fit for the rates a driver can receive; a source
// with offsets (Kafka) should be read directly instead.
#ifndef CENTELLA_DRIVER_STREAMING_RECEIVER_INPUT_DSTREAM_H_
#define CENTELLA_DRIVER_STREAMING_RECEIVER_INPUT_DSTREAM_H_

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "common/serde/serde.h"
#include "driver/streaming/dstream_node.h"
#include "driver/streaming/receiver.h"
#include "driver/streaming/stream_input.h"

namespace centella {

template <class T>
class ReceiverInputDStream final : public DStreamNode<T>, public StreamInput {
 public:
  ReceiverInputDStream(Context* ctx, absl::Duration interval, std::shared_ptr<Receiver<T>> receiver)
      : DStreamNode<T>("receiver_stream", interval, {}),
        ctx_(ctx),
        receiver_(std::move(receiver)) {}
  ~ReceiverInputDStream() override { Stop(); }

  absl::Status Start() override {
    if (started_) return absl::OkStatus();
    absl::Status s = receiver_->Start([this](T record) {
      absl::MutexLock lock(&mu_);
      buffer_.push_back(std::move(record));
    });
    started_ = s.ok();
    return s;
  }
  void Stop() override {
    if (started_) receiver_->Stop();
    started_ = false;
  }

  std::string input_id() const override { return receiver_->id(); }
  std::string BatchState(absl::Time t) const override {
    auto it = taken_.find(t);
    return it == taken_.end() ? std::string() : SerializeToString(it->second);
  }
  int64_t BatchRecords(absl::Time t) const override {
    auto it = taken_.find(t);
    return it == taken_.end() ? 0 : static_cast<int64_t>(it->second.size());
  }
  std::string BatchOffsets(absl::Time t) const override {
    return absl::StrCat(BatchRecords(t), " records received");
  }
  absl::Status Restore(absl::Time t, std::string_view state, bool rerun) override {
    if (!rerun) return absl::OkStatus();  // what was received after it is gone
    std::vector<T> records;
    if (!DeserializeFromString(state, &records).ok()) {
      return absl::DataLossError(
          absl::StrCat("the checkpointed records of input ", input_id(), " do not decode"));
    }
    rerun_ = std::make_pair(t, std::move(records));
    return absl::OkStatus();
  }

  void ForgetUpTo(absl::Time t) override {
    taken_.erase(taken_.begin(), taken_.upper_bound(t));
    DStreamNode<T>::ForgetUpTo(t);
  }

 protected:
  absl::StatusOr<std::optional<Rdd<T>>> Compute(absl::Time t) override {
    std::vector<T> records;
    if (rerun_ && rerun_->first == t) {
      records = std::move(rerun_->second);
      rerun_.reset();
    } else {
      absl::MutexLock lock(&mu_);
      records.swap(buffer_);
    }
    taken_[t] = records;
    const int slices = records.empty() ? 1 : ctx_->default_parallelism();
    return std::optional<Rdd<T>>(Rdd<T>(ctx_->parallelize(std::move(records), slices)));
  }

 private:
  Context* ctx_;
  std::shared_ptr<Receiver<T>> receiver_;
  bool started_ = false;
  absl::Mutex mu_;
  std::vector<T> buffer_ ABSL_GUARDED_BY(mu_);
  std::map<absl::Time, std::vector<T>> taken_;  // by batch, while the batch is remembered
  std::optional<std::pair<absl::Time, std::vector<T>>> rerun_;
};

}  // namespace centella

#endif  // CENTELLA_DRIVER_STREAMING_RECEIVER_INPUT_DSTREAM_H_

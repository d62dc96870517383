// JobFuture<R>: a job started without waiting (Rdd::collect_async, count_async,
// foreach_async, foreach_partition_async) — Spark's FutureAction.
//
//   auto counting = rdd.count_async();              // returns at once
//   counting.OnComplete([](absl::StatusOr<int64_t> n) { ... });  // or:
//   absl::StatusOr<int64_t> n = counting.Get();     // waits
//   counting.Cancel();                              // kills its running tasks
//
// R = void for actions without a value: Get() then returns absl::Status. A cancelled job
// ends with Cancelled. Copies share the job; any thread may use them. Callbacks run on the
// context's callback thread, never on the scheduler's, so they may block or run another
// job; they must not outlive the Context.
#ifndef CENTELLA_DRIVER_API_JOB_FUTURE_H_
#define CENTELLA_DRIVER_API_JOB_FUTURE_H_

#include <functional>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "driver/runtime/job_completion.h"

namespace centella {

template <class R>
class JobFuture {
 public:
  using Outcome = std::conditional_t<std::is_void_v<R>, absl::Status, absl::StatusOr<R>>;
  // Turns the partitions' results into the action's value, on the thread that asks.
  using Decoder = std::function<Outcome(const std::vector<std::string>&)>;

  JobFuture(std::shared_ptr<JobCompletion> completion, Decoder decode)
      : completion_(std::move(completion)), decode_(std::move(decode)) {}

  // The scheduler's id of the job (as in logs, the UI and the event log).
  int job_id() const { return completion_->job_id(); }
  bool done() const { return completion_->done(); }
  // Waits up to `timeout`; true when the job has ended.
  bool WaitFor(absl::Duration timeout) const { return completion_->WaitFor(timeout); }

  // Waits for the job and returns its value or error. Each call decodes the results
  // again: call it once.
  Outcome Get() const { return Decode(completion_->Wait()); }

  // Calls `callback(Get())` once the job has ended (at once if it has).
  void OnComplete(std::function<void(Outcome)> callback) const {
    completion_->OnComplete(
        [decode = decode_, callback = std::move(callback)](const JobCompletion::Outcome& outcome) {
          callback(outcome.ok() ? decode(*outcome) : Outcome(outcome.status()));
        });
  }

  // Cancels the job (Context::CancelJob); no effect once it has ended.
  void Cancel(std::string reason = "cancelled through its JobFuture") const {
    completion_->Cancel(std::move(reason));
  }

 private:
  Outcome Decode(const JobCompletion::Outcome& outcome) const {
    if (!outcome.ok()) return outcome.status();
    return decode_(*outcome);
  }

  std::shared_ptr<JobCompletion> completion_;
  Decoder decode_;
};

}  // namespace centella

#endif  // CENTELLA_DRIVER_API_JOB_FUTURE_H_

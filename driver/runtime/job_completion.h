// JobCompletion: the shared state of one submitted job — its id, its outcome once the
// DAG scheduler has delivered it, the callbacks waiting for it, and how to cancel it.
//
// The scheduler completes it on its loop thread (a move and a notify, nothing more);
// callbacks run on the runtime's callback thread, never on the scheduler's loop, so a
// callback may block or submit and wait for another job. Thread-safe.
#ifndef CENTELLA_DRIVER_RUNTIME_JOB_COMPLETION_H_
#define CENTELLA_DRIVER_RUNTIME_JOB_COMPLETION_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/thread_pool/thread_pool.h"

namespace centella {

// Always held by shared_ptr (make_shared): scheduled callbacks keep it alive.
class JobCompletion : public std::enable_shared_from_this<JobCompletion> {
 public:
  using Outcome = absl::StatusOr<std::vector<std::string>>;
  using Callback = std::function<void(const Outcome&)>;

  // `callbacks` runs the callbacks and must outlive the completion's last callback;
  // `cancel(job_id, reason)` cancels the job (DagScheduler::CancelJob).
  JobCompletion(ThreadPool* callbacks, std::function<void(int, std::string)> cancel)
      : callbacks_(callbacks), cancel_(std::move(cancel)) {}

  int job_id() const { return job_id_; }
  void set_job_id(int id) { job_id_ = id; }

  // Records the outcome (the first call only) and schedules the waiting callbacks.
  void Complete(Outcome outcome) ABSL_LOCKS_EXCLUDED(mu_);

  bool done() const ABSL_LOCKS_EXCLUDED(mu_);
  // Waits for the outcome; it stays valid as long as the completion.
  const Outcome& Wait() const ABSL_LOCKS_EXCLUDED(mu_);
  // Waits up to `timeout`; true when the job has ended.
  bool WaitFor(absl::Duration timeout) const ABSL_LOCKS_EXCLUDED(mu_);
  // Calls `callback(outcome)` on the callback thread once the job has ended (at once,
  // if it has). Callbacks of one job run in the order they were added.
  void OnComplete(Callback callback) ABSL_LOCKS_EXCLUDED(mu_);
  // Asks the scheduler to cancel the job; no effect once it has ended.
  void Cancel(std::string reason) const { cancel_(job_id_, std::move(reason)); }

 private:
  ThreadPool* const callbacks_;
  const std::function<void(int, std::string)> cancel_;
  int job_id_ = -1;
  mutable absl::Mutex mu_;
  bool done_ ABSL_GUARDED_BY(mu_) = false;
  Outcome outcome_ ABSL_GUARDED_BY(mu_);
  std::vector<Callback> waiting_ ABSL_GUARDED_BY(mu_);
};

}  // namespace centella

#endif  // CENTELLA_DRIVER_RUNTIME_JOB_COMPLETION_H_

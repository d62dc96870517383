// BackgroundJob: runs an action on its own thread, so that a test can act on the cluster
// while the job runs (kill an executor, damage files, let held tasks go).
//
// Tests hold tasks by making them wait for a file; `release` must create every such file.
// The destructor calls it and then waits for the job, so that a failed assertion never
// leaves a job running (or a task waiting) behind the test.
#ifndef CENTELLA_TESTS_OPERATORS_BACKGROUND_JOB_H_
#define CENTELLA_TESTS_OPERATORS_BACKGROUND_JOB_H_

#include <functional>
#include <optional>
#include <thread>
#include <utility>

#include "absl/synchronization/notification.h"

namespace centella {

template <class R>
class BackgroundJob {
 public:
  BackgroundJob(std::function<R()> job, std::function<void()> release)
      : release_(std::move(release)), thread_([this, job = std::move(job)] {
          result_ = job();
          done_.Notify();
        }) {}
  ~BackgroundJob() {
    release_();
    Join();
  }
  BackgroundJob(const BackgroundJob&) = delete;
  BackgroundJob& operator=(const BackgroundJob&) = delete;

  bool done() const { return done_.HasBeenNotified(); }
  // Waits for the job and returns its result.
  const R& Join() {
    if (thread_.joinable()) thread_.join();
    return *result_;
  }

 private:
  std::function<void()> release_;
  std::optional<R> result_;
  absl::Notification done_;
  std::thread thread_;  // last: started once the members it uses exist
};

}  // namespace centella

#endif  // CENTELLA_TESTS_OPERATORS_BACKGROUND_JOB_H_

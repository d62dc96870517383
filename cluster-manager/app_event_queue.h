// AppEventQueue: the events of one WatchApplication stream, between the manager's event
// loop (which pushes) and the gRPC handler thread that writes them to the driver (which
// pops). The queue numbers events per stream (ApplicationEvent.sequence).
//
// Lifecycle: open --Close()--> closed; after Close, Pop drains what is queued and then
// reports the end. The loop closes a queue when the application ends or the manager
// shuts down; the handler stops popping when its client goes away.
//
// Thread safety: all methods may be called from any thread.
#ifndef CENTELLA_CLUSTER_MANAGER_APP_EVENT_QUEUE_H_
#define CENTELLA_CLUSTER_MANAGER_APP_EVENT_QUEUE_H_

#include <cstdint>
#include <deque>
#include <optional>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "cluster_manager.pb.h"

namespace centella::cluster_manager {

class AppEventQueue {
 public:
  // What Pop found.
  enum class PopResult { kEvent, kTimeout, kClosed };

  // Appends `event` with the next sequence number; ignored once closed.
  void Push(v1::ApplicationEvent event) ABSL_LOCKS_EXCLUDED(mu_);
  // No more events will come; Pop reports kClosed once the queue is drained.
  void Close() ABSL_LOCKS_EXCLUDED(mu_);

  // Waits up to `timeout` (real time: the handler must poll its call for cancellation)
  // for the next event and moves it into `*event`.
  PopResult Pop(absl::Duration timeout, v1::ApplicationEvent* event) ABSL_LOCKS_EXCLUDED(mu_);

  int64_t pushed() const ABSL_LOCKS_EXCLUDED(mu_);

 private:
  mutable absl::Mutex mu_;
  std::deque<v1::ApplicationEvent> events_ ABSL_GUARDED_BY(mu_);
  int64_t next_sequence_ ABSL_GUARDED_BY(mu_) = 1;
  bool closed_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace centella::cluster_manager

#endif  // CENTELLA_CLUSTER_MANAGER_APP_EVENT_QUEUE_H_

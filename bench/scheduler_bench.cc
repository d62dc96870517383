// scheduler_bench: the scheduler's own overhead, as a Centella job.
//
//   centella-submit --master MASTER build/bench/scheduler_bench [TASKS] [JOBS]
//
// Prints three figures measured in this one run:
//   raw gRPC round trip  p50/p99 of an empty unary call over loopback (the floor any
//                        remote task launch pays), measured with the cluster's own server
//                        and channel code;
//   empty tasks/s        a job of TASKS partitions that do nothing but count;
//   trivial job latency  p50/p99 of JOBS runs of a 2-partition count().
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/time/clock.h"
#include "centella/centella.h"
#include "common/auth/shared_secret.h"
#include "common/rpc/rpc_server.h"
#include "shuffle.grpc.pb.h"

namespace {

class EchoService final : public centella::v1::ShuffleService::Service {
  grpc::Status GetShuffleStatus(grpc::ServerContext*, const centella::v1::GetShuffleStatusRequest*,
                                centella::v1::GetShuffleStatusResponse*) override {
    return grpc::Status::OK;
  }
};

double Percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * v.size()))];
}

std::vector<double> RawRoundTrips(int n) {
  EchoService service;
  centella::RpcServerOptions options;
  options.bind_host = "127.0.0.1";
  auto server = centella::RpcServer::Start(options, {&service});
  auto stub = centella::v1::ShuffleService::NewStub(
      centella::SharedSecret::Insecure().Connect((*server)->address()));
  std::vector<double> micros;
  for (int i = 0; i < n + 50; ++i) {
    grpc::ClientContext ctx;
    centella::v1::GetShuffleStatusRequest req;
    centella::v1::GetShuffleStatusResponse resp;
    absl::Time start = absl::Now();
    stub->GetShuffleStatus(&ctx, req, &resp);
    if (i >= 50) micros.push_back(absl::ToDoubleMicroseconds(absl::Now() - start));
  }
  return micros;
}

}  // namespace

int main(int argc, char** argv) {
  auto ctx = centella::Context::FromEnvironment("scheduler-bench");
  if (!ctx.ok()) {
    std::fprintf(stderr, "scheduler_bench: %s\n", std::string(ctx.status().message()).c_str());
    return 1;
  }
  int tasks = 20000, jobs = 200;
  if (argc > 1 && !absl::SimpleAtoi(argv[1], &tasks)) return 2;
  if (argc > 2 && !absl::SimpleAtoi(argv[2], &jobs)) return 2;
  centella::Context& c = **ctx;

  std::vector<double> rtt = RawRoundTrips(1000);

  // Warm up: executors registered and every code path touched once.
  std::vector<int> two = {1, 2};
  for (int i = 0; i < 5; ++i) (void)c.parallelize(two, 2).count();

  std::vector<int> data(tasks);
  absl::Time start = absl::Now();
  absl::StatusOr<int64_t> n = c.parallelize(data, tasks).count();
  double seconds = absl::ToDoubleSeconds(absl::Now() - start);
  if (!n.ok() || *n != tasks) {
    std::fprintf(stderr, "scheduler_bench: empty-task job failed\n");
    return 1;
  }

  std::vector<double> job_ms;
  for (int i = 0; i < jobs; ++i) {
    absl::Time t = absl::Now();
    absl::StatusOr<int64_t> r = c.parallelize(two, 2).count();
    if (!r.ok() || *r != 2) return 1;
    job_ms.push_back(absl::ToDoubleMilliseconds(absl::Now() - t));
  }

  std::printf("| measure | value | baseline in this run | ratio |\n|---|---:|---:|---:|\n");
  std::printf("| raw gRPC round trip p50 / p99 | %.0f / %.0f us | - | - |\n", Percentile(rtt, 0.5),
              Percentile(rtt, 0.99));
  std::printf(
      "| empty tasks per second (%d tasks) | %.0f | %.0f (1 / raw round trip p50) | %.2f |\n",
      tasks, tasks / seconds, 1e6 / Percentile(rtt, 0.5),
      (tasks / seconds) / (1e6 / Percentile(rtt, 0.5)));
  std::printf(
      "| trivial 2-partition job p50 / p99 | %.2f / %.2f ms | %.3f ms (raw round trip p50) | %.1f "
      "|\n",
      Percentile(job_ms, 0.5), Percentile(job_ms, 0.99), Percentile(rtt, 0.5) / 1000,
      Percentile(job_ms, 0.5) / (Percentile(rtt, 0.5) / 1000));
  return 0;
}

#include "tools/submit/cluster_commands.h"

#include <chrono>
#include <cstdio>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "cluster_manager.grpc.pb.h"
#include "common/status/grpc_status.h"
#include "driver/cluster/grpc_application_client.h"

namespace centella {
namespace {

std::string ManagerAddress(const SubmitOptions& o) {
  return absl::StrCat(o.master.host, ":", o.master.port);
}

absl::Status Annotate(const grpc::Status& s, const SubmitOptions& o) {
  absl::Status a = FromGrpcStatus(s);
  return absl::Status(a.code(), absl::StrCat("cluster manager ", ManagerAddress(o), ": ",
                                             std::string(a.message())));
}

std::unique_ptr<v1::ClusterManager::Stub> Stub(const SubmitOptions& o, const SharedSecret& secret) {
  return v1::ClusterManager::NewStub(secret.Connect(ManagerAddress(o)));
}

void WithDeadline(grpc::ClientContext& ctx) {
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
}

std::string StateName(v1::DriverState s) {
  std::string name = v1::DriverState_Name(s);
  return name.substr(name.rfind('_') + 1);
}

std::string AppStateName(v1::ApplicationState s) {
  std::string name = v1::ApplicationState_Name(s);
  return name.substr(name.rfind('_') + 1);
}

void PrintDriver(const v1::DriverInfo& d) {
  std::printf("%s\t%s\t%s\t%s\trestarts=%d%s%s\n", d.driver_id().c_str(),
              StateName(d.state()).c_str(), d.description().name().c_str(),
              d.app_id().empty() ? "-" : d.app_id().c_str(), d.restart_count(),
              d.has_exit_code() ? absl::StrCat("\texit=", d.exit_code()).c_str() : "",
              d.message().empty() ? "" : ("\t" + d.message()).c_str());
}

}  // namespace

absl::Status SubmitClusterDriver(const SubmitOptions& o, const SharedSecret& secret) {
  GrpcApplicationClient session(ManagerAddress(o), &secret);
  absl::StatusOr<std::string> hash = session.UploadBinary(o.program);
  if (!hash.ok()) return hash.status();
  v1::SubmitDriverRequest req;
  req.set_protocol_version(v1::PROTOCOL_VERSION_CURRENT);
  v1::DriverDescription* d = req.mutable_description();
  d->set_name(o.app_name);
  d->set_binary_hash(*hash);
  for (const std::string& a : o.program_args) d->add_args(a);
  d->set_supervise(o.supervise);
  d->mutable_resources()->set_cores(1);
  d->mutable_resources()->set_memory_bytes(int64_t{1} << 30);
  for (const auto& [k, v] : o.conf.Entries()) (*d->mutable_conf())[k] = v;
  grpc::ClientContext ctx;
  WithDeadline(ctx);
  v1::SubmitDriverResponse resp;
  grpc::Status s = Stub(o, secret)->SubmitDriver(&ctx, req, &resp);
  if (!s.ok()) return Annotate(s, o);
  std::printf("%s\n", resp.driver_id().c_str());
  return absl::OkStatus();
}

absl::Status PrintDriverStatus(const SubmitOptions& o, const SharedSecret& secret) {
  grpc::ClientContext ctx;
  WithDeadline(ctx);
  v1::DriverStatusRequest req;
  req.set_driver_id(o.command_arg);
  v1::DriverStatusResponse resp;
  grpc::Status s = Stub(o, secret)->DriverStatus(&ctx, req, &resp);
  if (!s.ok()) return Annotate(s, o);
  PrintDriver(resp.driver());
  return absl::OkStatus();
}

absl::Status KillClusterDriver(const SubmitOptions& o, const SharedSecret& secret) {
  grpc::ClientContext ctx;
  WithDeadline(ctx);
  v1::KillDriverRequest req;
  req.set_driver_id(o.command_arg);
  v1::KillDriverResponse resp;
  grpc::Status s = Stub(o, secret)->KillDriver(&ctx, req, &resp);
  if (!s.ok()) return Annotate(s, o);
  std::printf("%s\t%s\n", o.command_arg.c_str(), StateName(resp.state()).c_str());
  return absl::OkStatus();
}

absl::Status ListApplications(const SubmitOptions& o, const SharedSecret& secret) {
  grpc::ClientContext ctx;
  WithDeadline(ctx);
  v1::ListApplicationsRequest req;
  req.set_include_completed(true);
  v1::ListApplicationsResponse resp;
  grpc::Status s = Stub(o, secret)->ListApplications(&ctx, req, &resp);
  if (!s.ok()) return Annotate(s, o);
  std::printf("applications:\n");
  for (const v1::ApplicationInfo& a : resp.applications()) {
    std::printf("%s\t%s\t%s\tcores=%d\texecutors=%d%s\n", a.app_id().c_str(),
                AppStateName(a.state()).c_str(), a.description().name().c_str(), a.granted_cores(),
                a.executors_size(), a.message().empty() ? "" : ("\t" + a.message()).c_str());
  }
  std::printf("drivers:\n");
  for (const v1::DriverInfo& d : resp.drivers()) PrintDriver(d);
  return absl::OkStatus();
}

}  // namespace centella

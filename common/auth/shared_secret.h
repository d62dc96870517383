// SharedSecret: the cluster's shared secret, which every RPC carries and every server
// checks (Spark's spark.authenticate, on by default here).
//
// The secret travels as gRPC metadata ("authorization: Bearer <secret>") on every call.
// Without TLS it crosses the network in clear text, like a bearer token: it keeps out
// processes that do not hold the secret file, not an eavesdropper on the wire; enable TLS
// for that. Running without a secret needs an explicit --insecure and logs a warning.
//
// Thread-safe after construction.
#ifndef CENTELLA_COMMON_AUTH_SHARED_SECRET_H_
#define CENTELLA_COMMON_AUTH_SHARED_SECRET_H_

#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "grpcpp/channel.h"
#include "grpcpp/server_context.h"
#include "grpcpp/support/status.h"

namespace centella {

inline constexpr char kSecretFileEnvVar[] = "CENTELLA_SECRET_FILE";

class SharedSecret {
 public:
  // The secret in `secret_file`, or else in the file named by $CENTELLA_SECRET_FILE.
  // With neither: FailedPrecondition telling how to provide one, unless `insecure`, which
  // logs a warning for `component` and disables authentication. Errors name the file
  // (missing, unreadable, empty); a file other users may read is accepted with a warning.
  static absl::StatusOr<SharedSecret> Load(const std::string& secret_file, bool insecure,
                                           std::string_view component);
  static SharedSecret FromValue(std::string secret);
  static SharedSecret Insecure();

  bool insecure() const { return secret_.empty(); }

  // Server side: OK when the call carries the secret (or authentication is off), else
  // UNAUTHENTICATED; refusals are logged with the peer and the method.
  grpc::Status Check(const grpc::ServerContext& context) const;

  // Client side: a channel to `target` ("host:port") whose every call carries the secret.
  // Its connections ping the peer, so calls to a peer cut off from the network fail with
  // UNAVAILABLE within seconds (common/rpc/keepalive.h).
  std::shared_ptr<grpc::Channel> Connect(const std::string& target) const;

  // The value sent on the wire, for code that builds its own ClientContext.
  std::string AuthorizationValue() const { return "Bearer " + secret_; }

 private:
  explicit SharedSecret(std::string secret) : secret_(std::move(secret)) {}
  std::string secret_;
};

}  // namespace centella

#endif  // CENTELLA_COMMON_AUTH_SHARED_SECRET_H_

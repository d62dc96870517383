#include "common/auth/shared_secret.h"

#include <sys/stat.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/logging/logger.h"
#include "common/rpc/keepalive.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/support/client_interceptor.h"

namespace centella {
namespace {

constexpr char kAuthorizationKey[] = "authorization";

// Adds the authorization header to every call of a channel.
class AuthInterceptor : public grpc::experimental::Interceptor {
 public:
  explicit AuthInterceptor(std::string value) : value_(std::move(value)) {}
  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(
            grpc::experimental::InterceptionHookPoints::PRE_SEND_INITIAL_METADATA)) {
      methods->GetSendInitialMetadata()->insert({kAuthorizationKey, value_});
    }
    methods->Proceed();
  }

 private:
  std::string value_;
};

class AuthInterceptorFactory : public grpc::experimental::ClientInterceptorFactoryInterface {
 public:
  explicit AuthInterceptorFactory(std::string value) : value_(std::move(value)) {}
  grpc::experimental::Interceptor* CreateClientInterceptor(
      grpc::experimental::ClientRpcInfo*) override {
    return new AuthInterceptor(value_);  // gRPC owns interceptors it creates
  }

 private:
  std::string value_;
};

// Compares without an early exit, so timing does not reveal a matching prefix.
bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

}  // namespace

absl::StatusOr<SharedSecret> SharedSecret::Load(const std::string& secret_file, bool insecure,
                                                std::string_view component) {
  std::string path = secret_file;
  if (path.empty()) {
    if (const char* env = std::getenv(kSecretFileEnvVar); env != nullptr) path = env;
  }
  if (path.empty()) {
    if (insecure) {
      GetLogger(component)->warn(
          "running with --insecure: RPCs are not authenticated; anyone who can reach this "
          "port can control it");
      return Insecure();
    }
    return absl::FailedPreconditionError(absl::StrCat(
        "no shared secret: pass --secret-file FILE or set $", kSecretFileEnvVar,
        " (./dev setup creates .centella/secret), or run with --insecure"));
  }
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) {
    return absl::NotFoundError(absl::StrCat("secret file ", path, " does not exist"));
  }
  if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
    GetLogger(component)->warn("secret file {} is readable by other users; chmod 600 it",
                               path);
  }
  std::ifstream in(path);
  if (!in) return absl::PermissionDeniedError(absl::StrCat("cannot read secret file ", path));
  std::stringstream buf;
  buf << in.rdbuf();
  std::string secret(absl::StripAsciiWhitespace(buf.str()));
  if (secret.empty()) {
    return absl::InvalidArgumentError(absl::StrCat("secret file ", path, " is empty"));
  }
  return SharedSecret(std::move(secret));
}

SharedSecret SharedSecret::FromValue(std::string secret) { return SharedSecret(std::move(secret)); }

SharedSecret SharedSecret::Insecure() { return SharedSecret(""); }

grpc::Status SharedSecret::Check(const grpc::ServerContext& context) const {
  if (insecure()) return grpc::Status::OK;
  const auto& metadata = context.client_metadata();
  auto it = metadata.find(kAuthorizationKey);
  if (it != metadata.end() &&
      ConstantTimeEquals(std::string_view(it->second.data(), it->second.size()),
                         AuthorizationValue())) {
    return grpc::Status::OK;
  }
  static auto log = GetLogger("auth");
  log->warn("refused an unauthenticated call from {}: {}", context.peer(),
            it == metadata.end() ? "no shared secret" : "wrong shared secret");
  return grpc::Status(grpc::StatusCode::UNAUTHENTICATED,
                      it == metadata.end()
                          ? "this call carries no shared secret (configure --secret-file)"
                          : "wrong shared secret");
}

std::shared_ptr<grpc::Channel> SharedSecret::Connect(const std::string& target) const {
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(64 << 20);
  args.SetMaxSendMessageSize(64 << 20);
  // Peers restart (a manager, a daemon): reconnect within a second or two of their
  // return rather than after gRPC's default backoff of up to two minutes. (gRPC also
  // takes the minimum as the least time a connection attempt is given; an attempt gets
  // the current backoff, at most 1 s, so one to a vanished host fails within a second.)
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 100);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 1000);
  // Despite its name, this is how long one connection attempt may take (TCP connect plus
  // the HTTP/2 handshake) before gRPC gives up on it. At 100 ms a peer busy on a loaded
  // machine looked dead: shuffle fetches failed with "connection attempt timed out
  // before receiving SETTINGS frame" and live hosts' map outputs were recomputed (the
  // chaos suite caught it). A refused connection still fails at once.
  args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 5000);
  // A peer cut off from the network must fail the calls in flight within seconds, not
  // hold them until their deadlines (common/rpc/keepalive.h).
  AddClientKeepalive(args);
  std::vector<std::unique_ptr<grpc::experimental::ClientInterceptorFactoryInterface>> factories;
  if (!insecure()) {
    factories.push_back(std::make_unique<AuthInterceptorFactory>(AuthorizationValue()));
  }
  return grpc::experimental::CreateCustomChannelWithInterceptors(
      target, grpc::InsecureChannelCredentials(), args, std::move(factories));
}

}  // namespace centella

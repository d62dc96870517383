#include "common/status/grpc_status.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace centella {
namespace {

// Every canonical code other than OK (which carries no message in gRPC).
constexpr absl::StatusCode kErrorCodes[] = {
    absl::StatusCode::kCancelled,          absl::StatusCode::kUnknown,
    absl::StatusCode::kInvalidArgument,    absl::StatusCode::kDeadlineExceeded,
    absl::StatusCode::kNotFound,           absl::StatusCode::kAlreadyExists,
    absl::StatusCode::kPermissionDenied,   absl::StatusCode::kResourceExhausted,
    absl::StatusCode::kFailedPrecondition, absl::StatusCode::kAborted,
    absl::StatusCode::kOutOfRange,         absl::StatusCode::kUnimplemented,
    absl::StatusCode::kInternal,           absl::StatusCode::kUnavailable,
    absl::StatusCode::kDataLoss,           absl::StatusCode::kUnauthenticated,
};

TEST(GrpcStatusTest, OkRoundTrips) {
  grpc::Status grpc_status = ToGrpcStatus(absl::OkStatus());
  EXPECT_TRUE(grpc_status.ok());
  EXPECT_TRUE(FromGrpcStatus(grpc_status).ok());
  EXPECT_TRUE(FromGrpcStatus(grpc::Status::OK).ok());
}

TEST(GrpcStatusTest, EveryErrorCodeRoundTripsWithItsMessage) {
  EXPECT_EQ(std::size(kErrorCodes), 16u);
  for (absl::StatusCode code : kErrorCodes) {
    const std::string message = absl::StrCat("failure for ", absl::StatusCodeToString(code));
    absl::Status original(code, message);

    grpc::Status on_wire = ToGrpcStatus(original);
    EXPECT_EQ(static_cast<int>(on_wire.error_code()), static_cast<int>(code)) << message;
    if (code != absl::StatusCode::kUnknown) {
      EXPECT_NE(on_wire.error_code(), grpc::StatusCode::UNKNOWN) << message;
    }
    EXPECT_EQ(on_wire.error_message(), message);

    absl::Status back = FromGrpcStatus(on_wire);
    EXPECT_EQ(back.code(), code) << message;
    EXPECT_EQ(back.message(), message);
    EXPECT_EQ(back, original);
  }
}

TEST(GrpcStatusTest, EveryGrpcCodeRoundTrips) {
  for (int raw = grpc::StatusCode::CANCELLED; raw <= grpc::StatusCode::UNAUTHENTICATED; ++raw) {
    grpc::Status original(static_cast<grpc::StatusCode>(raw), "from the wire");
    absl::Status converted = FromGrpcStatus(original);
    EXPECT_EQ(static_cast<int>(converted.code()), raw);
    grpc::Status back = ToGrpcStatus(converted);
    EXPECT_EQ(back.error_code(), original.error_code());
    EXPECT_EQ(back.error_message(), "from the wire");
  }
}

TEST(GrpcStatusTest, UnrecognizedGrpcCodeBecomesUnknownNamingTheCode) {
  // 20 is unassigned but inside the enum's value range (a larger value would be UB).
  grpc::Status strange(static_cast<grpc::StatusCode>(20), "newer peer");
  absl::Status converted = FromGrpcStatus(strange);
  EXPECT_EQ(converted.code(), absl::StatusCode::kUnknown);
  EXPECT_NE(converted.message().find("20"), absl::string_view::npos);
  EXPECT_NE(converted.message().find("newer peer"), absl::string_view::npos);
}

}  // namespace
}  // namespace centella

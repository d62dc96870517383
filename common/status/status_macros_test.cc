#include "common/status/status_macros.h"

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "gtest/gtest.h"

namespace centella {
namespace {

absl::Status FailIf(bool fail) {
  return fail ? absl::InvalidArgumentError("asked to fail") : absl::OkStatus();
}

absl::StatusOr<int> Half(int value) {
  if (value % 2 != 0) return absl::InvalidArgumentError("odd");
  return value / 2;
}

absl::Status Chain(bool fail, int* steps) {
  RETURN_IF_ERROR(FailIf(fail));
  ++*steps;
  return absl::OkStatus();
}

absl::StatusOr<int> Quarter(int value) {
  ASSIGN_OR_RETURN(int half, Half(value));
  ASSIGN_OR_RETURN(int quarter, Half(half));  // Second use on another line must compile.
  return quarter;
}

absl::StatusOr<std::unique_ptr<int>> MakeBox(int value) { return std::make_unique<int>(value); }

absl::StatusOr<int> Unbox() {
  ASSIGN_OR_RETURN(std::unique_ptr<int> box, MakeBox(7));  // Move-only values work.
  return *box;
}

absl::StatusOr<std::string> ReturnIfErrorInStatusOr(bool fail) {
  RETURN_IF_ERROR(FailIf(fail));
  return std::string("ok");
}

TEST(StatusMacrosTest, ReturnIfErrorPassesOkThrough) {
  int steps = 0;
  EXPECT_TRUE(Chain(false, &steps).ok());
  EXPECT_EQ(steps, 1);
}

TEST(StatusMacrosTest, ReturnIfErrorReturnsTheError) {
  int steps = 0;
  absl::Status status = Chain(true, &steps);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(), "asked to fail");
  EXPECT_EQ(steps, 0);
}

TEST(StatusMacrosTest, ReturnIfErrorWorksInStatusOrFunctions) {
  EXPECT_EQ(*ReturnIfErrorInStatusOr(false), "ok");
  EXPECT_EQ(ReturnIfErrorInStatusOr(true).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(StatusMacrosTest, AssignOrReturnAssignsValues) {
  absl::StatusOr<int> result = Quarter(8);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(*result, 2);
}

TEST(StatusMacrosTest, AssignOrReturnPropagatesErrors) {
  EXPECT_EQ(Quarter(3).status().message(), "odd");
  EXPECT_EQ(Quarter(6).status().message(), "odd");  // Fails at the second step.
}

TEST(StatusMacrosTest, AssignOrReturnMovesMoveOnlyValues) { EXPECT_EQ(*Unbox(), 7); }

TEST(StatusMacrosTest, AssignOrReturnAssignsToExistingVariable) {
  auto assign = [](int input, int* out) -> absl::Status {
    ASSIGN_OR_RETURN(*out, Half(input));
    return absl::OkStatus();
  };
  int out = 0;
  EXPECT_TRUE(assign(10, &out).ok());
  EXPECT_EQ(out, 5);
  EXPECT_FALSE(assign(11, &out).ok());
  EXPECT_EQ(out, 5);
}

}  // namespace
}  // namespace centella

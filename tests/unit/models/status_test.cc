#include <gtest/gtest.h>

#include <chartscan/models/status.h>

namespace chartscan {
namespace {

Result<int> Half(int x) {
  if (x % 2) return Status::InvalidArgument("odd");
  return x / 2;
}

Result<int> Quarter(int x) {
  CHARTSCAN_ASSIGN_OR_RETURN(int h, Half(x));
  CHARTSCAN_ASSIGN_OR_RETURN(int q, Half(h));
  return q;
}

Status CheckEven(int x) {
  CHARTSCAN_RETURN_IF_ERROR(Half(x).status());
  return Status::Ok();
}

TEST(Status, DefaultIsOk) {
  Status s;
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(s.ToString(), "ok");
}

TEST(Status, ToStringNamesCodeAndMessage) {
  EXPECT_EQ(Status::Corrupt("page 3 of scan.tif").ToString(), "corrupt: page 3 of scan.tif");
}

TEST(Status, WithContextPrefixesMessage) {
  Status s = Status::IoError("disk full").WithContext("store");
  EXPECT_EQ(s.code(), StatusCode::kIoError);
  EXPECT_EQ(s.message(), "store: disk full");
  EXPECT_TRUE(Status::Ok().WithContext("x").ok());
}

TEST(Result, PropagatesFirstError) {
  EXPECT_EQ(*Quarter(8), 2);
  Result<int> r = Quarter(6);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_FALSE(CheckEven(3).ok());
  EXPECT_TRUE(CheckEven(4).ok());
}

TEST(Result, ValueOfFailedResultIsProgrammerError) {
  Result<int> r = Status::NotFound("x");
  EXPECT_THROW((void)r.value(), std::logic_error);
  EXPECT_EQ(r.value_or(7), 7);
}

TEST(Result, ConstructingFromOkStatusIsProgrammerError) {
  EXPECT_THROW(Result<int>{Status::Ok()}, std::logic_error);
}

}  // namespace
}  // namespace chartscan

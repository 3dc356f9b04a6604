// Status and Result<T>: expected failures as values.
//
// Every stage reports an expected failure (unreadable file, scanner jam, SQLITE_BUSY, missing
// language data...) by returning a Status or a Result<T> instead of throwing. Adapters at each
// stage boundary convert third-party errors (cv::Exception, SANE_Status, SQLite codes, Poppler
// nulls) into these values. Exceptions are reserved for programmer misuse, such as reading the
// value of a failed Result.
//
// Messages name files and pages by id or path, never by patient data or recognized text.
//
// Thread safety: Status and Result are values; distinct objects may be used from distinct threads.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace chartscan {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,   // the caller passed something unusable (bad option, malformed query)
  kNotFound,          // a file, page or record does not exist
  kCorrupt,           // data exists but cannot be decoded (truncated, damaged)
  kUnsupported,       // a well-formed input of a kind chartscan does not handle
  kEncrypted,         // password-protected input
  kTooLarge,          // input exceeds a safety limit (dimensions, page count, size)
  kIoError,           // the operating system refused a read or write
  kBusy,              // a resource is temporarily held by someone else (SQLITE_BUSY)
  kUnavailable,       // a required component is missing (language data, device)
  kDeadlineExceeded,  // work was abandoned because it took too long
  kCancelled,         // the user asked to stop
  kAlreadyExists,     // a unique thing would be created twice
  kInternal,          // an invariant broke inside a library we call
};

std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return {}; }
  static Status InvalidArgument(std::string m) {
    return {StatusCode::kInvalidArgument, std::move(m)};
  }
  static Status NotFound(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
  static Status Corrupt(std::string m) { return {StatusCode::kCorrupt, std::move(m)}; }
  static Status Unsupported(std::string m) { return {StatusCode::kUnsupported, std::move(m)}; }
  static Status Encrypted(std::string m) { return {StatusCode::kEncrypted, std::move(m)}; }
  static Status TooLarge(std::string m) { return {StatusCode::kTooLarge, std::move(m)}; }
  static Status IoError(std::string m) { return {StatusCode::kIoError, std::move(m)}; }
  static Status Busy(std::string m) { return {StatusCode::kBusy, std::move(m)}; }
  static Status Unavailable(std::string m) { return {StatusCode::kUnavailable, std::move(m)}; }
  static Status DeadlineExceeded(std::string m) {
    return {StatusCode::kDeadlineExceeded, std::move(m)};
  }
  static Status Cancelled(std::string m) { return {StatusCode::kCancelled, std::move(m)}; }
  static Status AlreadyExists(std::string m) { return {StatusCode::kAlreadyExists, std::move(m)}; }
  static Status Internal(std::string m) { return {StatusCode::kInternal, std::move(m)}; }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

  // "corrupt: page 3 of scan.tif: bad CCITT data"
  std::string ToString() const;

  // Returns a copy whose message is prefixed with context ("scan.tif: " + message).
  Status WithContext(std::string_view context) const;

  friend bool operator==(const Status& a, const Status& b) {
    return a.code_ == b.code_ && a.message_ == b.message_;
  }

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

// Result<T> holds either a T or a non-OK Status. Accessing the value of a failed Result is a
// programmer error and throws std::logic_error.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::move(value)) {}        // NOLINT(google-explicit-constructor)
  Result(Status status) : state_(std::move(status)) {  // NOLINT(google-explicit-constructor)
    if (std::get<Status>(state_).ok()) {
      throw std::logic_error("Result constructed from an OK status without a value");
    }
  }

  bool ok() const { return std::holds_alternative<T>(state_); }
  const Status& status() const {
    static const Status kOkStatus;
    return ok() ? kOkStatus : std::get<Status>(state_);
  }

  T& value() & { return Checked(); }
  const T& value() const& { return const_cast<Result*>(this)->Checked(); }
  T&& value() && { return std::move(Checked()); }
  T& operator*() & { return Checked(); }
  const T& operator*() const& { return const_cast<Result*>(this)->Checked(); }
  T* operator->() { return &Checked(); }
  const T* operator->() const { return &const_cast<Result*>(this)->Checked(); }

  template <typename U>
  T value_or(U&& fallback) const& {
    return ok() ? std::get<T>(state_) : static_cast<T>(std::forward<U>(fallback));
  }

 private:
  T& Checked() {
    if (!ok()) throw std::logic_error("value() on failed Result: " + status().ToString());
    return std::get<T>(state_);
  }
  std::variant<T, Status> state_;
};

}  // namespace chartscan

#define CHARTSCAN_CONCAT_INNER_(a, b) a##b
#define CHARTSCAN_CONCAT_(a, b) CHARTSCAN_CONCAT_INNER_(a, b)

// Returns the Status from the enclosing function if `expr` (a Status) is not OK.
#define CHARTSCAN_RETURN_IF_ERROR(expr)                    \
  do {                                                     \
    ::chartscan::Status chartscan_status_ = (expr);        \
    if (!chartscan_status_.ok()) return chartscan_status_; \
  } while (false)

// `lhs = value of expr` or return its Status. `lhs` may be a declaration ("auto x").
#define CHARTSCAN_ASSIGN_OR_RETURN(lhs, expr) \
  CHARTSCAN_ASSIGN_OR_RETURN_IMPL_(CHARTSCAN_CONCAT_(chartscan_result_, __LINE__), lhs, expr)
#define CHARTSCAN_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                                     \
  if (!tmp.ok()) return tmp.status();                    \
  lhs = std::move(tmp).value()

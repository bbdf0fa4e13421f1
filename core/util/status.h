// Status and Result<T>: how the storage layers (util, value, keys, pager,
// btree, table) report failure. A Status is either OK or carries a kind and a
// message. Bad bytes are a Corruption value, never an assert or a crash.
// DynamoDB's own errors are a different type (api::DdbError) made only in api/.
//
// The kinds:
//   NotFound         what was asked for is not there (a key, a table)
//   Corruption       stored bytes that are not a valid encoding
//   Validation       the request is wrong: message() is DynamoDB's complete
//                    ValidationException text, and api/ sends it as one
//                    (except where a function's header says its message is a
//                    detail of another error: util/base64.h)
//   InvalidArgument  a caller broke a function's contract (a bug, never the
//                    user's request): api/ sends InternalServerError
//   OutOfSpace       the pager cannot grow
// Both types are [[nodiscard]]: a call whose Status or Result is ignored does
// not compile (-Werror); a result that is truly not needed is cast to void,
// with a comment saying why.
//
//   Status s = tree.Put(key, value);
//   if (!s.ok()) return s;
//
//   Result<PageId> r = pager.Allocate(PageType::kLeaf);
//   if (!r.ok()) return r.status();
//   PageId id = *r;
#ifndef PD_UTIL_STATUS_H_
#define PD_UTIL_STATUS_H_

#include <optional>
#include <string>
#include <utility>

namespace pd {

class [[nodiscard]] Status {
 public:
  enum class Code { kOk, kNotFound, kCorruption, kInvalidArgument, kOutOfSpace, kValidation };

  Status() = default;  // OK
  static Status OK() { return Status(); }
  static Status NotFound(std::string msg) { return Status(Code::kNotFound, std::move(msg)); }
  static Status Corruption(std::string msg) { return Status(Code::kCorruption, std::move(msg)); }
  static Status InvalidArgument(std::string msg) {
    return Status(Code::kInvalidArgument, std::move(msg));
  }
  static Status OutOfSpace(std::string msg) { return Status(Code::kOutOfSpace, std::move(msg)); }
  static Status Validation(std::string msg) { return Status(Code::kValidation, std::move(msg)); }

  bool ok() const { return code_ == Code::kOk; }
  bool IsNotFound() const { return code_ == Code::kNotFound; }
  bool IsCorruption() const { return code_ == Code::kCorruption; }
  bool IsInvalidArgument() const { return code_ == Code::kInvalidArgument; }
  bool IsOutOfSpace() const { return code_ == Code::kOutOfSpace; }
  bool IsValidation() const { return code_ == Code::kValidation; }

  Code code() const { return code_; }
  const std::string& message() const { return message_; }

  // "OK", or "<Kind>: <message>", for logs and test failures.
  std::string ToString() const {
    const char* kind = "OK";
    switch (code_) {
      case Code::kOk: return "OK";
      case Code::kNotFound: kind = "NotFound"; break;
      case Code::kCorruption: kind = "Corruption"; break;
      case Code::kInvalidArgument: kind = "InvalidArgument"; break;
      case Code::kOutOfSpace: kind = "OutOfSpace"; break;
      case Code::kValidation:
        kind = "Validation";
        break;
    }
    return std::string(kind) + ": " + message_;
  }

 private:
  Status(Code code, std::string msg) : code_(code), message_(std::move(msg)) {}

  Code code_ = Code::kOk;  // kOk: message_ is empty
  std::string message_;    // what went wrong, for people
};

// A value or the Status saying why there is none.
// REQUIRES: a Result built from a Status is built from a non-OK one.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}                 // NOLINT: implicit by design
  Result(Status status) : status_(std::move(status)) {}         // NOLINT: implicit by design

  bool ok() const { return status_.ok(); }
  const Status& status() const { return status_; }

  // REQUIRES: ok().
  T& value() & { return *value_; }
  const T& value() const& { return *value_; }
  T&& value() && { return std::move(*value_); }
  T& operator*() & { return *value_; }
  const T& operator*() const& { return *value_; }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }

 private:
  Status status_;           // OK iff value_ holds a value
  std::optional<T> value_;  // the result when status_ is OK
};

}  // namespace pd

#endif  // PD_UTIL_STATUS_H_

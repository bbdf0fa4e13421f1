// DdbError: a DynamoDB error as the API returns it, and DdbResult<T>, a value
// or a DdbError. Only api/ makes these; the storage layers return pd::Status
// and api/ translates.
//
// Wire form (ToJson), the only place in the core that writes "__type":
//   {"__type": "<namespace>#<Name>", "message": "<text>", ...extras}
// with DynamoDB's namespaces:
//   com.amazon.coral.validate#ValidationException        (request validation)
//   com.amazon.coral.service#SerializationException      (wrong JSON types;
//        DynamoDB spells this one's text field "Message", capital M)
//   com.amazon.coral.service#UnknownOperationException   (no such operation)
//   com.amazon.coral.service#AccessDeniedException       (an ARN of another
//        account or service)
//   com.amazonaws.dynamodb.v20120810#<Name>               (everything else:
//        ResourceNotFoundException, ConditionalCheckFailedException, ...)
// An empty message is left out (DynamoDB sends UnknownOperationException and
// a body that is not JSON as a bare __type). Extras, where DynamoDB sends them:
//   Item                 ConditionalCheckFailedException with
//                        ReturnValuesOnConditionCheckFailure=ALL_OLD
//   CancellationReasons  TransactionCanceledException: one entry per action,
//                        {"Code": "None"|"ConditionalCheckFailed"|..., "Message"?, "Item"?}
//
// DdbError is a plain value type; DdbResult<T> owns its value or error and
// is [[nodiscard]], as Status and Result are (util/status.h): a call whose
// DdbResult is ignored does not compile.
#ifndef PD_API_ERROR_H_
#define PD_API_ERROR_H_

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "api/messages.h"

namespace pd {
namespace api {

// One entry of TransactionCanceledException.CancellationReasons.
struct CancellationReason {
  std::string code;                   // "None", "ConditionalCheckFailed", "ValidationError",
                                      // "TransactionConflict", "ItemCollectionSizeLimitExceeded"
  std::string message;                // empty for "None"; DynamoDB's text otherwise
  std::optional<nlohmann::json> item;  // the old item (DynamoDB JSON map) when the action
                                       // asked for ReturnValuesOnConditionCheckFailure=ALL_OLD
};

struct DdbError {
  std::string type;     // exception name without namespace, e.g. "ValidationException"
  std::string message;  // DynamoDB's text; may be empty
  std::optional<nlohmann::json> item;  // ConditionalCheckFailedException: the old item
                                       // (DynamoDB JSON map) when ALL_OLD was requested
  std::optional<std::vector<CancellationReason>> cancellation_reasons;  // TransactionCanceled

  // The wire JSON described at the top of this file.
  nlohmann::json ToJson() const;
  // "<namespace>#<type>" as DynamoDB sends it.
  std::string WireType() const;

  // ---- Factories, one per exception name DynamoDB uses ----
  // Client errors raised before the operation runs.
  static DdbError Validation(std::string message);
  static DdbError Serialization(std::string message);
  static DdbError UnknownOperation(std::string message = "");
  static DdbError AccessDenied(std::string message);
  // Operation outcomes.
  static DdbError ResourceNotFound(std::string message);
  static DdbError ResourceInUse(std::string message);
  static DdbError TableNotFound(std::string message);
  static DdbError TableAlreadyExists(std::string message);
  static DdbError TableInUse(std::string message);
  static DdbError IndexNotFound(std::string message);
  static DdbError BackupNotFound(std::string message);
  static DdbError BackupInUse(std::string message);
  // "The conditional request failed" unless told otherwise; `item` is the
  // old item when the request asked for ALL_OLD.
  static DdbError ConditionalCheckFailed(std::optional<nlohmann::json> item = std::nullopt,
                                         std::string message = msg::kConditionalCheckFailed);
  // Message is DynamoDB's "Transaction cancelled, please refer cancellation
  // reasons for specific reasons [C1, C2, ...]" built from the reasons' codes.
  static DdbError TransactionCanceled(std::vector<CancellationReason> reasons);
  static DdbError TransactionConflict(std::string message);
  static DdbError TransactionInProgress(std::string message);
  static DdbError IdempotentParameterMismatch(std::string message);
  static DdbError ItemCollectionSizeLimitExceeded(std::string message);
  static DdbError LimitExceeded(std::string message);
  static DdbError ProvisionedThroughputExceeded(std::string message);
  static DdbError RequestLimitExceeded(std::string message);
  static DdbError DuplicateItem(std::string message);
  static DdbError InternalServerError(std::string message);

  bool Is(const char* name) const { return type == name; }
};

// A value of type T or the DdbError saying why there is none.
template <typename T>
class [[nodiscard]] DdbResult {
 public:
  DdbResult(T value) : v_(std::move(value)) {}       // NOLINT: implicit by design
  DdbResult(DdbError error) : v_(std::move(error)) {}  // NOLINT: implicit by design

  bool ok() const { return v_.index() == 0; }
  // REQUIRES: !ok().
  const DdbError& error() const { return std::get<1>(v_); }
  DdbError&& take_error() { return std::get<1>(std::move(v_)); }
  // REQUIRES: ok().
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<T, DdbError> v_;  // index 0: the value; index 1: the error
};

// Returns *err from the enclosing function when `expr` (a
// std::optional<DdbError>) holds an error.
#define PD_RETURN_IF_DDB_ERROR(expr)          \
  do {                                        \
    auto pd_ddb_err_ = (expr);                \
    if (pd_ddb_err_) return *pd_ddb_err_;     \
  } while (0)

}  // namespace api
}  // namespace pd

#endif  // PD_API_ERROR_H_

#include "api/error.h"

namespace pd {
namespace api {
namespace {

constexpr char kDynamoDbNamespace[] = "com.amazonaws.dynamodb.v20120810";
constexpr char kCoralValidate[] = "com.amazon.coral.validate";
constexpr char kCoralService[] = "com.amazon.coral.service";

DdbError Make(const char* type, std::string message) {
  DdbError e;
  e.type = type;
  e.message = std::move(message);
  return e;
}

}  // namespace

std::string DdbError::WireType() const {
  const char* ns = kDynamoDbNamespace;
  if (type == "ValidationException") {
    ns = kCoralValidate;
  } else if (type == "SerializationException" || type == "UnknownOperationException" ||
             type == "AccessDeniedException") {
    ns = kCoralService;
  }
  return std::string(ns) + "#" + type;
}

nlohmann::json DdbError::ToJson() const {
  nlohmann::json out = nlohmann::json::object();
  out["__type"] = WireType();
  if (!message.empty()) {
    // DynamoDB's JSON layer (coral.service) capitalises the field.
    out[type == "SerializationException" ? "Message" : "message"] = message;
  }
  if (item.has_value()) out["Item"] = *item;
  if (cancellation_reasons.has_value()) {
    nlohmann::json reasons = nlohmann::json::array();
    for (const CancellationReason& r : *cancellation_reasons) {
      nlohmann::json entry = nlohmann::json::object();
      if (r.item.has_value()) entry["Item"] = *r.item;
      entry["Code"] = r.code;
      if (!r.message.empty()) entry["Message"] = r.message;
      reasons.push_back(std::move(entry));
    }
    out["CancellationReasons"] = std::move(reasons);
  }
  return out;
}

DdbError DdbError::Validation(std::string m) { return Make("ValidationException", std::move(m)); }
DdbError DdbError::Serialization(std::string m) {
  return Make("SerializationException", std::move(m));
}
DdbError DdbError::UnknownOperation(std::string m) {
  return Make("UnknownOperationException", std::move(m));
}
DdbError DdbError::AccessDenied(std::string m) {
  return Make("AccessDeniedException", std::move(m));
}
DdbError DdbError::ResourceNotFound(std::string m) {
  return Make("ResourceNotFoundException", std::move(m));
}
DdbError DdbError::ResourceInUse(std::string m) {
  return Make("ResourceInUseException", std::move(m));
}
DdbError DdbError::TableNotFound(std::string m) {
  return Make("TableNotFoundException", std::move(m));
}
DdbError DdbError::TableAlreadyExists(std::string m) {
  return Make("TableAlreadyExistsException", std::move(m));
}
DdbError DdbError::TableInUse(std::string m) { return Make("TableInUseException", std::move(m)); }
DdbError DdbError::IndexNotFound(std::string m) {
  return Make("IndexNotFoundException", std::move(m));
}
DdbError DdbError::BackupNotFound(std::string m) {
  return Make("BackupNotFoundException", std::move(m));
}
DdbError DdbError::BackupInUse(std::string m) { return Make("BackupInUseException", std::move(m)); }

DdbError DdbError::ConditionalCheckFailed(std::optional<nlohmann::json> old_item,
                                          std::string m) {
  DdbError e = Make("ConditionalCheckFailedException", std::move(m));
  e.item = std::move(old_item);
  return e;
}

DdbError DdbError::TransactionCanceled(std::vector<CancellationReason> reasons) {
  std::string m = "Transaction cancelled, please refer cancellation reasons for specific reasons [";
  for (size_t i = 0; i < reasons.size(); ++i) {
    if (i > 0) m += ", ";
    m += reasons[i].code;
  }
  m += "]";
  DdbError e = Make("TransactionCanceledException", std::move(m));
  e.cancellation_reasons = std::move(reasons);
  return e;
}

DdbError DdbError::TransactionConflict(std::string m) {
  return Make("TransactionConflictException", std::move(m));
}
DdbError DdbError::TransactionInProgress(std::string m) {
  return Make("TransactionInProgressException", std::move(m));
}
DdbError DdbError::IdempotentParameterMismatch(std::string m) {
  return Make("IdempotentParameterMismatchException", std::move(m));
}
DdbError DdbError::ItemCollectionSizeLimitExceeded(std::string m) {
  return Make("ItemCollectionSizeLimitExceededException", std::move(m));
}
DdbError DdbError::LimitExceeded(std::string m) {
  return Make("LimitExceededException", std::move(m));
}
DdbError DdbError::ProvisionedThroughputExceeded(std::string m) {
  return Make("ProvisionedThroughputExceededException", std::move(m));
}
DdbError DdbError::RequestLimitExceeded(std::string m) {
  return Make("RequestLimitExceeded", std::move(m));
}
DdbError DdbError::DuplicateItem(std::string m) {
  return Make("DuplicateItemException", std::move(m));
}
DdbError DdbError::InternalServerError(std::string m) {
  return Make("InternalServerError", std::move(m));
}

}  // namespace api
}  // namespace pd

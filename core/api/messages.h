// DynamoDB's message texts that several operations send, written once: a
// handler names the message (msg::kKeySchemaMismatch) instead of spelling
// the phrase again. Each text is DynamoDB's, byte for byte (tests compare
// them with DynamoDB's and DynamoDB Local's answers). A text only one check
// sends stays beside that check.
//
// Layering: api/ writes the user-facing messages. The layers below return
// some of DynamoDB's texts in a Status::Validation (value/'s sets and
// numbers, expr/'s expressions, table/'s key checks) that api/ sends as they
// are (api::StorageError); they take the shared phrases from here too. This
// header includes nothing of the core, and it is the one file of api/ that
// value/, expr/ and table/ may include (scripts/check-layers.mjs).
#ifndef PD_API_MESSAGES_H_
#define PD_API_MESSAGES_H_

#include <string>
#include <string_view>

namespace pd {
namespace api {
namespace msg {

// ResourceNotFoundException of the item operations (table operations name
// the table: TableNotFound).
inline constexpr char kResourceNotFound[] = "Requested resource not found";

// "Requested resource not found: Table: <name> not found" (table operations).
inline std::string TableNotFound(std::string_view name) {
  std::string out = "Requested resource not found: Table: ";
  out.append(name);
  out += " not found";
  return out;
}

// The head of most "parameter values" ValidationExceptions; the cause follows.
inline constexpr char kInvalidParameter[] = "One or more parameter values were invalid: ";

// A Key (or a transaction/batch item's key) that does not fit the key schema.
inline constexpr char kKeySchemaMismatch[] = "The provided key element does not match the schema";

// A key condition (Query) whose value has another type than the key attribute.
inline constexpr char kConditionTypeMismatch[] =
    "One or more parameter values were invalid: Condition parameter type does not match schema "
    "type";

// Sets (after kInvalidParameter): empty ones, then any set with a repeated member.
inline constexpr char kEmptyStringSet[] = "An string set  may not be empty";
inline constexpr char kEmptyNumberSet[] = "An number set  may not be empty";
inline constexpr char kEmptyBinarySet[] = "Binary sets should not be empty";
inline constexpr char kSetDuplicates[] = "Input collection contains duplicates";

// An item, after an update, nested deeper than DynamoDB allows (32 levels).
inline constexpr char kNestingTooDeep[] =
    "Nesting Levels have exceeded supported limits: Attributes in the item have nested levels "
    "beyond supported limit";

// An item, after an update, over 400 KB.
inline constexpr char kUpdatedItemTooLarge[] =
    "Item size to update has exceeded the maximum allowed size";

// The condition of a write or of a transaction action did not hold.
inline constexpr char kConditionalCheckFailed[] = "The conditional request failed";

// Transactions (TransactWriteItems, TransactGetItems).
inline constexpr char kTransactionTooLarge[] =
    "Transaction request size exceeds the maximum allowed size of 4 MB";
inline constexpr char kTransactionRepeatsItem[] =
    "Transaction request cannot include multiple operations on one item";

// A request that is a JSON array, or a value read where a list is not
// expected (SerializationException).
inline constexpr char kStartOfList[] = "Start of list found where not expected";

// An AttributeValue with two types (and a WriteRequest with both or neither
// of PutRequest and DeleteRequest: DynamoDB sends the same text).
inline constexpr char kManyTypes[] =
    "Supplied AttributeValue has more than one datatypes set, must contain exactly one of the "
    "supported datatypes";

// The head of an ExpressionAttributeValues entry's error; the cause follows.
inline constexpr char kInvalidExpressionValue[] =
    "ExpressionAttributeValues contains invalid value: ";

// A legacy condition (Expected, KeyConditions, QueryFilter) whose operator
// does not take a value of this type: "...: ComparisonOperator LT is not
// valid for BOOL AttributeValue type".
inline std::string OperatorNotValidForType(std::string_view op, std::string_view type) {
  std::string out = kInvalidParameter;
  out += "ComparisonOperator ";
  out.append(op);
  out += " is not valid for ";
  out.append(type);
  out += " AttributeValue type";
  return out;
}

// BatchWriteItem / BatchGetItem naming one key twice.
inline constexpr char kDuplicateKeys[] = "Provided list of item keys contains duplicates";

}  // namespace msg
}  // namespace api
}  // namespace pd

#endif  // PD_API_MESSAGES_H_

// DynamoDB's message texts that more than one file sends, written once: a
// check names the message (msg::kKeySchemaMismatch, msg::TableNotFound(t))
// instead of spelling the phrase again. Each text is DynamoDB's, byte for
// byte (tests compare them with DynamoDB's and DynamoDB Local's answers). A
// text only one check sends stays a literal beside that check.
//
// Layering (docs/design.md, "Who writes a user-facing message"): api/ makes
// DynamoDB's errors. The layers below that validate the user's data return
// DynamoDB's text in a Status::Validation (value/'s attribute values, sets
// and numbers, expr/'s expressions, table/'s key checks), which api/ sends
// as it is (api::StorageError); partiql/ fails with api/error.h's DdbError.
// They take the shared phrases from here too. This header includes nothing
// of the core; it is the one file of api/ that value/, expr/, table/ and
// partiql/ may include (scripts/check-layers.mjs).
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

// "Requested resource not found: <kind>: <name> not found" (kind: Table,
// Index, Stream, ResourceArn).
inline std::string ResourceNotFound(std::string_view kind, std::string_view name) {
  std::string out = kResourceNotFound;
  out.append(": ").append(kind).append(": ").append(name).append(" not found");
  return out;
}
// "Requested resource not found: Table: <name> not found" (table operations).
inline std::string TableNotFound(std::string_view name) { return ResourceNotFound("Table", name); }

// The request's constraint errors (api/spec.cc, and checks that come before
// the spec's): "1 validation error detected: Value null at 'tags' failed to
// satisfy constraint: Member must not be null"; several are joined by "; "
// after "N validation errors detected: ".
inline std::string ValidationErrorsDetected(size_t n) {
  return std::to_string(n) +
         (n > 1 ? " validation errors detected: " : " validation error detected: ");
}
// `shown`: "", " null" or " '<value>'".
inline std::string ConstraintFailed(std::string_view shown, std::string_view path,
                                    std::string_view constraint) {
  std::string out = "Value";
  out.append(shown).append(" at '").append(path).append("' failed to satisfy constraint: ");
  out.append(constraint);
  return out;
}
inline constexpr char kMemberNotNull[] = "Member must not be null";

// The head of most "parameter values" ValidationExceptions; the cause follows.
inline constexpr char kInvalidParameter[] = "One or more parameter values were invalid: ";

// A Key (or a transaction/batch item's key) that does not fit the key schema.
inline constexpr char kKeySchemaMismatch[] = "The provided key element does not match the schema";

// A key (of the table or an index) that does not fit: after kInvalidParameter.
inline constexpr char kMissingKey[] = "Missing the key ";             // <k> in the item
inline constexpr char kKeyTypeMismatch[] = "Type mismatch for key ";  // <k> expected: ...
// A key value over DynamoDB's size limits (2048 and 1024 bytes).
inline std::string HashKeyTooLarge(size_t limit) {
  return kInvalidParameter + std::string("Size of hashkey has exceeded the maximum size limit of") +
         std::to_string(limit) + " bytes";
}
inline std::string RangeKeyTooLarge(size_t limit) {
  return kInvalidParameter +
         std::string("Aggregated size of all range keys has exceeded the size limit of ") +
         std::to_string(limit) + " bytes";
}
// A nested path (a.b, a[0]) into a key attribute; the key's name follows.
inline constexpr char kKeyPathNotScalar[] =
    "Key attributes must be scalars; list random access '[]' and map lookup '.' are not "
    "allowed: Key: ";

// ExclusiveStartKey that does not fit (some checks add ": " and the cause).
inline constexpr char kStartKeyInvalid[] = "The provided starting key is invalid";

// IndexName naming no index of the table; the name follows.
inline constexpr char kNoSuchIndex[] = "The table does not have the specified index: ";

// Query: KeyConditions / KeyConditionExpression.
inline constexpr char kKeyConditionRequired[] =
    "Either the KeyConditions or KeyConditionExpression parameter must be specified in the "
    "request.";
inline constexpr char kKeyConditionCount[] = "Conditions can be of length 1 or 2 only";
inline constexpr char kKeyConditionNotSupported[] = "Query key condition not supported";
inline constexpr char kKeyConditionMissedKey[] =
    "Query condition missed key schema element: ";  // the key's name follows

// A key condition (Query) whose value has another type than the key attribute.
inline constexpr char kConditionTypeMismatch[] =
    "One or more parameter values were invalid: Condition parameter type does not match schema "
    "type";

// Billing mode and throughput (CreateTable, UpdateTable, RestoreTableFromBackup).
inline constexpr char kThroughputWithOnDemand[] =
    "One or more parameter values were invalid: Neither ReadCapacityUnits nor WriteCapacityUnits "
    "can be specified when BillingMode is PAY_PER_REQUEST";
inline constexpr char kThroughputMissing[] =
    "One or more parameter values were invalid: ReadCapacityUnits and WriteCapacityUnits must "
    "both be specified when BillingMode is PROVISIONED";
// "Given value <units> for <member> is out of bounds" (of the table), and
// "... is out of bounds for index <index>".
inline std::string CapacityOutOfBounds(long long units, std::string_view member,
                                       std::string_view index = {}) {
  std::string out = "Given value " + std::to_string(units) + " for ";
  out.append(member);
  out += " is out of bounds";
  if (!index.empty()) out.append(" for index ").append(index);
  return out;
}
inline constexpr char kGsiCountExceeded[] =
    "GlobalSecondaryIndex count exceeds the per-table limit of ";  // the limit follows
inline constexpr char kIndexThroughputMissing[] =
    "ProvisionedThroughput must be specified for index: ";  // the index name(s) follow

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

// UpdateExpression: an operand of the wrong type (legacy AttributeUpdates
// reword it, expr/legacy.h).
inline constexpr char kUpdateOperandType[] =
    "An operand in the update expression has an incorrect data type";

// The condition of a write or of a transaction action did not hold.
inline constexpr char kConditionalCheckFailed[] = "The conditional request failed";

// Transactions (TransactWriteItems, TransactGetItems).
inline constexpr char kTransactionTooLarge[] =
    "Transaction request size exceeds the maximum allowed size of 4 MB";
inline constexpr char kTransactionRepeatsItem[] =
    "Transaction request cannot include multiple operations on one item";

// SerializationExceptions: a JSON object where a request member's value is
// expected, or inside an AttributeValue (DynamoDB ends that one with a
// period); a request that is a JSON array, or a list where none is expected.
inline constexpr char kStartOfStructure[] = "Start of structure or map found where not expected";
inline constexpr char kStartOfStructureInValue[] =
    "Start of structure or map found where not expected.";
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

// A transaction item with none of its actions (TransactWriteItems).
inline constexpr char kInvalidAction[] =
    "The action or operation requested is invalid. Verify that the action is typed correctly.";

// Tables and backups by name, as the table and backup operations say it.
inline constexpr char kTableExists[] = "Table already exists: ";  // the name follows
inline constexpr char kNoSuchTable[] = "Table not found: ";       // (backup operations)
inline constexpr char kNoSuchBackup[] = "Backup not found: ";     // the ARN follows

// A NextToken this database did not issue (ListTagsOfResource adds ": <token>").
inline constexpr char kInvalidNextToken[] = "Invalid NextToken";

// PartiQL (ExecuteStatement, BatchExecuteStatement): the cause follows ": ".
inline constexpr char kUnsupportedOperation[] = "Unsupported operation";
inline constexpr char kUnsupportedClause[] = "Unsupported clause: ";  // the clause follows

// BatchWriteItem / BatchGetItem naming one key twice.
inline constexpr char kDuplicateKeys[] = "Provided list of item keys contains duplicates";

}  // namespace msg
}  // namespace api
}  // namespace pd

#endif  // PD_API_MESSAGES_H_

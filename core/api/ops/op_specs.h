// The request specs of every DynamoDB operation pocketdynamo implements:
// parameter declarations (api/spec.h) plus each operation's storage-free
// custom checks, so that ValidateRequest(XSpec(), request) returns either
// the normalized request or exactly the error DynamoDB would return before
// looking at any table.
//
// What is left for the operation handlers (they need the catalog or the
// expression parser): table existence, key schema matching, parsing the
// expressions and the "unused placeholder" checks, duplicate keys within a
// table (BatchWriteItem) or across a transaction.
//
// Legacy parameters (AttributesToGet, Expected, ConditionalOperator,
// AttributeUpdates, KeyConditions, QueryFilter, ScanFilter) are declared and
// checked as DynamoDB does (api/ops/common_spec.h); the handlers translate
// them into expression trees (expr/legacy.h).
//
// Each accessor returns a process-lifetime singleton.
#ifndef PD_API_OPS_OP_SPECS_H_
#define PD_API_OPS_OP_SPECS_H_

#include <string_view>
#include <vector>

#include "api/spec.h"

namespace pd {
namespace api {

// Tables (table_specs.cc).
const OperationSpec& CreateTableSpec();
const OperationSpec& DescribeTableSpec();
const OperationSpec& ListTablesSpec();
const OperationSpec& DeleteTableSpec();
const OperationSpec& UpdateTableSpec();
// Single items (item_specs.cc).
const OperationSpec& PutItemSpec();
const OperationSpec& GetItemSpec();
const OperationSpec& UpdateItemSpec();
const OperationSpec& DeleteItemSpec();
// Reads of many items (read_specs.cc).
const OperationSpec& QuerySpec();
const OperationSpec& ScanSpec();
// Batches (batch_specs.cc).
const OperationSpec& BatchGetItemSpec();
const OperationSpec& BatchWriteItemSpec();
// Transactions (transact_specs.cc).
const OperationSpec& TransactWriteItemsSpec();
const OperationSpec& TransactGetItemsSpec();
// PartiQL (execute_statement.cc).
const OperationSpec& ExecuteStatementSpec();
const OperationSpec& BatchExecuteStatementSpec();
const OperationSpec& ExecuteTransactionSpec();
// Backups (backup_specs.cc).
const OperationSpec& CreateBackupSpec();
const OperationSpec& DescribeBackupSpec();
const OperationSpec& ListBackupsSpec();
const OperationSpec& DeleteBackupSpec();
const OperationSpec& RestoreTableFromBackupSpec();
// Time to live (time_to_live.cc).
const OperationSpec& UpdateTimeToLiveSpec();
const OperationSpec& DescribeTimeToLiveSpec();
// Tags (tags.cc).
const OperationSpec& TagResourceSpec();
const OperationSpec& UntagResourceSpec();
const OperationSpec& ListTagsOfResourceSpec();
// The checks of a normalized "Tags" list (TagResource, CreateTable) or
// "TagKeys" list (UntagResource), `list_member` naming which, with
// DynamoDB's texts: each key and value, the "aws:" prefix, duplicates, then
// the 50-tag limit. An empty list passes.
std::optional<DdbError> CheckTagList(const nlohmann::json& list, const char* list_member);
// Continuous backups, limits, endpoints (continuous_backups.cc).
const OperationSpec& DescribeContinuousBackupsSpec();
const OperationSpec& UpdateContinuousBackupsSpec();
const OperationSpec& DescribeLimitsSpec();
const OperationSpec& DescribeEndpointsSpec();
// DynamoDB Streams (streams.cc).
const OperationSpec& ListStreamsSpec();
const OperationSpec& DescribeStreamSpec();
const OperationSpec& GetShardIteratorSpec();
const OperationSpec& GetRecordsSpec();

// All of the above, in the order listed.
const std::vector<const OperationSpec*>& AllOperationSpecs();
// The spec named `name` ("PutItem"), or nullptr.
const OperationSpec* FindOperationSpec(std::string_view name);

}  // namespace api
}  // namespace pd

#endif  // PD_API_OPS_OP_SPECS_H_

// Every DynamoDB limit the core enforces, in one place.
//
// Source: Amazon DynamoDB Developer Guide, "Constraints in Amazon DynamoDB"
// (formerly "Service, account, and table quotas"), and the API reference's
// member constraints. DynamoDB sizes are binary: 1 KB = 1024 bytes,
// 1 MB = 1024 KB. Each constant says what it bounds and in which unit; the
// layer that enforces it names the constant rather than repeating the number.
//
// Limits that only matter for a hosted service (account-wide throughput,
// tables per region, requests per second) are not here: pocketdynamo has one
// tenant and no throttling.
#ifndef PD_TABLE_LIMITS_H_
#define PD_TABLE_LIMITS_H_

#include <cstdint>

namespace pd {

// ---- Items and attributes ---------------------------------------------------

// Maximum item size: attribute names (UTF-8 bytes) plus values, by the rules
// in value/item.h. 400 KB.
constexpr uint64_t kMaxItemSizeBytes = 409600;
// Maximum depth of nested M/L documents in an item (levels).
constexpr int kMaxDocumentDepth = 32;
// Attribute names: at least 1 character and at most 64 KB (UTF-8 bytes) in
// general; names used as index keys or projected into an index, and the
// names ExpressionAttributeNames placeholders stand for, are at most 255
// bytes.
constexpr uint32_t kMaxAttributeNameBytes = 65536;
constexpr uint32_t kMaxIndexedAttributeNameBytes = 255;

// ---- Keys -------------------------------------------------------------------

// Partition (HASH) key value: 1 to 2048 bytes (S as UTF-8, B raw bytes).
constexpr uint32_t kMinPartitionKeyBytes = 1;
constexpr uint32_t kMaxPartitionKeyBytes = 2048;
// Sort (RANGE) key value: 1 to 1024 bytes.
constexpr uint32_t kMinSortKeyBytes = 1;
constexpr uint32_t kMaxSortKeyBytes = 1024;

// ---- Names ------------------------------------------------------------------

// Table and index names: 3 to 255 characters of [a-zA-Z0-9_.-].
constexpr uint32_t kMinTableNameLength = 3;
constexpr uint32_t kMaxTableNameLength = 255;
constexpr uint32_t kMinIndexNameLength = 3;
constexpr uint32_t kMaxIndexNameLength = 255;
// The name pattern as DynamoDB prints it in validation messages.
constexpr const char kTableNamePattern[] = "[a-zA-Z0-9_.-]+";

// ---- Tables and indexes -----------------------------------------------------

// Key schema of a table or index: 1 (HASH) or 2 (HASH, RANGE) elements.
constexpr uint32_t kMinKeySchemaElements = 1;
constexpr uint32_t kMaxKeySchemaElements = 2;
// Secondary indexes per table.
constexpr uint32_t kMaxLocalSecondaryIndexes = 5;
constexpr uint32_t kMaxGlobalSecondaryIndexes = 20;
// Non-key attributes projected (INCLUDE) over all indexes of a table.
constexpr uint32_t kMaxProjectedNonKeyAttributes = 100;
// Item collection (one partition key value) of a table with an LSI: 10 GB.
constexpr uint64_t kMaxItemCollectionSizeBytes = 10737418240ULL;
// Provisioned throughput: at least 1 read/write capacity unit per table or
// GSI; values above 10^12 are rejected as "out of bounds".
constexpr int64_t kMinCapacityUnits = 1;
constexpr int64_t kMaxCapacityUnits = 1000000000000LL;
// Tags per table; tag key 1-128 characters, tag value 0-256 characters.
constexpr uint32_t kMaxTagsPerResource = 50;
constexpr uint32_t kMinTagKeyLength = 1;
constexpr uint32_t kMaxTagKeyLength = 128;
constexpr uint32_t kMaxTagValueLength = 256;

// ---- Expressions ------------------------------------------------------------

// Any one expression string (condition, filter, key condition, projection,
// update): at most 4 KB (UTF-8 bytes).
constexpr uint32_t kMaxExpressionBytes = 4096;
// All ExpressionAttributeNames and ExpressionAttributeValues of a request
// together (substitution variables): at most 2 MB.
constexpr uint64_t kMaxExpressionSubstitutionBytes = 2097152;
// Operators and functions in one expression (AND/OR/NOT, comparisons,
// BETWEEN, IN, functions): at most 300.
constexpr uint32_t kMaxExpressionOperators = 300;
// Operands of one IN comparator: at most 100.
constexpr uint32_t kMaxInOperands = 100;
// AttributesToGet (legacy) and similar attribute-name lists: 1-255 names.
constexpr uint32_t kMaxAttributesToGet = 255;

// ---- Operations -------------------------------------------------------------

// Query and Scan: at most 1 MB of items read per call (before any filter).
constexpr uint64_t kMaxQueryScanPageBytes = 1048576;
// BatchGetItem: at most 100 keys in total, response at most 16 MB.
constexpr uint32_t kMaxBatchGetKeys = 100;
constexpr uint64_t kMaxBatchGetResponseBytes = 16777216;
// BatchWriteItem: 1-25 put/delete requests, request at most 16 MB.
constexpr uint32_t kMaxBatchWriteRequests = 25;
constexpr uint64_t kMaxBatchWriteRequestBytes = 16777216;
// TransactWriteItems / TransactGetItems: 1-100 actions on distinct items,
// aggregate item size at most 4 MB.
constexpr uint32_t kMaxTransactionItems = 100;
constexpr uint64_t kMaxTransactionSizeBytes = 4194304;
// TransactWriteItems ClientRequestToken: 1-36 characters, remembered for
// 10 minutes (milliseconds).
constexpr uint32_t kMaxClientRequestTokenLength = 36;
constexpr int64_t kClientRequestTokenWindowMs = 600000;
// ListTables Limit: 1-100 names per page (also the default page size).
constexpr uint32_t kMaxListTablesLimit = 100;
// Parallel Scan: TotalSegments 1-1000000, Segment 0-999999.
constexpr int64_t kMaxScanTotalSegments = 1000000;
// Validation errors listed in one "N validation errors detected" message.
constexpr uint32_t kMaxListedValidationErrors = 10;

// ---- Backups ----------------------------------------------------------------

// BackupName: 3 to 255 characters of [a-zA-Z0-9_.-].
constexpr uint32_t kMinBackupNameLength = 3;
constexpr uint32_t kMaxBackupNameLength = 255;
// BackupArn (and ExclusiveStartBackupArn): 37 to 1024 characters.
constexpr uint32_t kMinBackupArnLength = 37;
constexpr uint32_t kMaxBackupArnLength = 1024;
// TableName of CreateBackup / ListBackups, which may be a table ARN: 1 to
// 1024 characters.
constexpr uint32_t kMaxTableNameOrArnLength = 1024;
// ListBackups Limit: 1-100 backups per page.
constexpr uint32_t kMaxListBackupsLimit = 100;

// ---- Numbers ----------------------------------------------------------------

// N values: up to 38 significant digits, magnitude 1E-130 to
// 9.9999999999999999999999999999999999999E+125 (value/decimal.h enforces).
constexpr int kMaxNumberDigits = 38;
constexpr int kMinNumberExponent = -130;
constexpr int kMaxNumberExponent = 125;

}  // namespace pd

#endif  // PD_TABLE_LIMITS_H_

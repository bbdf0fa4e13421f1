// DescribeTable's and the backup operations' descriptions written as JSON
// text, without a nlohmann DOM (api/response_text.h): the bytes nlohmann's
// dump() wrote for the DOMs built before (members in name order, nlohmann's
// string escaping and number form). tests/cpp/api/describe_text_test.cc
// checks them against those DOMs for a spread of tables.
//
// These run per table operation, never per item request: the Release wasm
// compiles this file for size (core/CMakeLists.txt's cold sources).
#ifndef PD_API_DESCRIBE_TEXT_H_
#define PD_API_DESCRIBE_TEXT_H_

#include <nlohmann/json.hpp>
#include <string>

#include "table/backups.h"
#include "table/secondary_index.h"
#include "table/table_description.h"

namespace pd {
namespace api {

// DescribeTable's "Table" / CreateTable's, UpdateTable's, DeleteTable's and
// RestoreTableFromBackup's "TableDescription" object: TableName,
// TableStatus `status`, CreationDateTime (epoch seconds, with fraction),
// KeySchema, AttributeDefinitions, ProvisionedThroughput
// {NumberOfDecreasesToday 0, ReadCapacityUnits, WriteCapacityUnits},
// BillingModeSummary (PAY_PER_REQUEST, or BillingMode given), TableSizeBytes,
// ItemCount, TableArn, TableId, DeletionProtectionEnabled, and
// TableClassSummary when a class was given, LocalSecondaryIndexes /
// GlobalSecondaryIndexes when the table has any (IndexDescriptionText),
// RestoreSummary for a restored table, StreamSpecification while a stream
// is enabled, LatestStreamArn / LatestStreamLabel once there was one.
std::string TableDescriptionText(const TableDescription& table, const char* status = "ACTIVE");

// DescribeTable's LocalSecondaryIndexDescription / GlobalSecondaryIndexDescription:
// IndexName, KeySchema, Projection, for a GSI IndexStatus "ACTIVE" and
// ProvisionedThroughput, then IndexSizeBytes, ItemCount, IndexArn.
std::string IndexDescriptionText(const SecondaryIndex& index, const std::string& table_arn);

// DescribeBackup's / DeleteBackup's BackupDescription: BackupDetails
// (BackupStatus `status`), SourceTableDetails, and SourceTableFeatureDetails
// (the indexes' names, key schemas, projections and GSI throughput; the
// stream's specification) when the table had any.
std::string BackupDescriptionText(const BackupEntry& backup, const char* status = "AVAILABLE");

// A handler's response {"<member>":<value_text>} as pre-written text
// (api/response_text.h ResponseText).
nlohmann::json DescriptionResponse(const char* member, const std::string& value_text);

}  // namespace api
}  // namespace pd

#endif  // PD_API_DESCRIBE_TEXT_H_

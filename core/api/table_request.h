// CreateTable's and UpdateTable's table and index definitions, read from the
// request: DynamoDB's semantic validation (the checks after the generic
// parameter spec, api/ops/table_specs.cc), in DynamoDB's (and dynalite's)
// order and with its exact messages, and the TableDescription /
// SecondaryIndex (table/) the request asks for. table/ owns those types and
// their byte forms; reading them from DynamoDB JSON is api/'s.
//
// Failures are Status::Validation carrying DynamoDB's ValidationException
// text (the callers send it as one). Nothing here throws or asserts on input.
#ifndef PD_API_TABLE_REQUEST_H_
#define PD_API_TABLE_REQUEST_H_

#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "table/secondary_index.h"
#include "table/table_description.h"
#include "util/status.h"
#include "value/attribute_value.h"

namespace pd {
namespace api {

// The description a CreateTable request (already through the CreateTable
// parameter spec: types, required members, enums, lengths) asks for, with
// table_id empty and times 0 (the caller stamps them). Validation with
// DynamoDB's message, checked in DynamoDB's order:
//   billing mode vs ProvisionedThroughput, capacity bounds, key schema vs
//   attribute definitions, HASH/RANGE order, unused definitions, then the
//   secondary indexes (ParseSecondaryIndexes below);
//   StreamSpecification's view type present iff the stream is enabled
//   (stream.label_ms stays 0: the caller stamps the creation time).
Result<TableDescription> FromCreateTableRequest(const nlohmann::json& request);

// The AttributeName and KeyType lists of `holder`'s KeySchema member, in
// order (both empty when it is missing or not an array). Strings that are not
// given read as "".
void ReadKeySchema(const nlohmann::json& holder, std::vector<std::string>* names,
                   std::vector<std::string>* key_types);

// DynamoDB's checks of a table's or an index's key schema, in its order:
// every key attribute is in `defined` (the AttributeDefinitions names, in
// request order, as the message lists them), hash and range names differ,
// the first element is HASH, the second RANGE. Validation with
// DynamoDB's message for the first problem. REQUIRES: names.size() ==
// key_types.size() and 1 <= names.size() <= 2.
Status CheckKeySchema(const std::vector<std::string>& names,
                      const std::vector<std::string>& key_types,
                      const std::vector<std::string>& defined);

// The indexes a CreateTable request declares, LSIs first then GSIs, each in
// request order. `defined` are the AttributeDefinitions (name, type) in
// request order; `table_keys` the table's key attribute names (1 or 2);
// `pay_per_request` the table's billing mode. Validation with
// DynamoDB's message for the first problem, in this order:
//   LSIs: empty list, table without range key, then per index: key attributes
//   not defined, same names, HASH/RANGE order, no range key, other leading
//   hash key, ProjectionType missing, NonKeyAttributes with a type other than
//   INCLUDE (or INCLUDE without them), duplicate name; then more than 5.
//   GSIs: the same per index (without the LSI-only rules), plus throughput
//   given under PAY_PER_REQUEST; then more than 20; then throughput missing
//   under PROVISIONED and its bounds.
//   Then, over all indexes: more than 100 NonKeyAttributes in total, and
//   AttributeDefinitions that no key schema uses.
Status ParseSecondaryIndexes(const nlohmann::json& request,
                             const std::vector<std::pair<std::string, AttributeType>>& defined,
                             const std::vector<std::string>& table_keys, bool pay_per_request,
                             std::vector<SecondaryIndex>* out);

// One UpdateTable GlobalSecondaryIndexUpdates Create action against a table
// whose definitions are `table_defined` (existing AttributeDefinitions) and
// `request_defined` (the request's AttributeDefinitions). Validation
// with DynamoDB's message; the caller checks name clashes and counts.
Status ParseIndexCreate(const nlohmann::json& action,
                        const std::vector<std::pair<std::string, AttributeType>>& request_defined,
                        bool pay_per_request, SecondaryIndex* out);

}  // namespace api
}  // namespace pd

#endif  // PD_API_TABLE_REQUEST_H_

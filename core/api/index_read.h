// Index reads: what Query and Scan need to read a secondary index instead
// of the table (IndexName): finding the index with DynamoDB's errors, the
// attributes a request may ask of it, ExclusiveStartKey / LastEvaluatedKey
// in index form, and iterators over the index tree.
//
// Rules (DynamoDB API reference, Query and Scan, "Select" and
// "ProjectionExpression"; messages as DynamoDB and dynalite report them):
//   - An IndexName the table does not have: ValidationException "The table
//     does not have the specified index: <name>".
//   - ConsistentRead true on a GSI: "Consistent reads are not supported on
//     global secondary indexes".
//   - Select ALL_ATTRIBUTES on a GSI that does not project ALL: "One or more
//     parameter values were invalid: Select type ALL_ATTRIBUTES is not
//     supported for global secondary index <name> because its projection
//     type is not ALL".
//   - ProjectionExpression / FilterExpression attributes a GSI does not
//     project: "One or more parameter values were invalid: Global secondary
//     index <name> does not project [<a>, <b>]". On an LSI they are fetched
//     from the table instead (as is the whole item for ALL_ATTRIBUTES), at
//     the cost of reading the table item too.
//   - Without Select and ProjectionExpression an index read returns
//     ALL_PROJECTED_ATTRIBUTES: the entries as stored.
//   - ExclusiveStartKey / LastEvaluatedKey of an index hold the table's key
//     attributes and the index's (one map, each attribute once).
// Entry format: table/index_maintenance.h.
#ifndef PD_API_INDEX_READ_H_
#define PD_API_INDEX_READ_H_

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "api/error.h"
#include "expr/ast.h"
#include "table/secondary_index.h"
#include "table/table.h"
#include "value/item.h"

namespace pd {
namespace api {

// The index request["IndexName"] names on `table`, nullptr when the request
// has no IndexName. Errors: the unknown-index and GSI ConsistentRead rules
// above (`unknown_message` replaces the unknown-index text when set: Scan
// with an ExclusiveStartKey says "The provided starting key is invalid").
DdbResult<const SecondaryIndex*> FindReadIndex(const Table& table, const nlohmann::json& request,
                                               const char* unknown_message = nullptr);

// The Select / ProjectionExpression / FilterExpression rules above for a
// read of `index`. Sets *fetch_from_table when the read must fetch each
// item from the table (an LSI asked for attributes it does not carry).
std::optional<DdbError> CheckIndexAttributes(const Table& table, const SecondaryIndex& index,
                                             const nlohmann::json& request,
                                             const std::vector<expr::Path>& projection,
                                             const std::vector<expr::Path>& filter,
                                             bool* fetch_from_table);

// The index tree key an ExclusiveStartKey map names (index key values, then
// the table key). REQUIRES: the map has every attribute with the right type.
std::string IndexStartKey(const Table& table, const SecondaryIndex& index,
                          const AttributeMap& start);

// The LastEvaluatedKey of an index entry: its table and index key attributes.
Item IndexKeyItem(const Table& table, const SecondaryIndex& index, const Item& entry);

// Iteration over `range` of the index tree (index key order).
TableIterator NewIndexIterator(const Table& table, const SecondaryIndex& index, KeyRange range,
                               bool forward);

// The index key attributes as KeyAttributes (partition, then sort if any).
KeyAttribute IndexHashKey(const SecondaryIndex& index);
std::optional<KeyAttribute> IndexRangeKey(const SecondaryIndex& index);

}  // namespace api
}  // namespace pd

#endif  // PD_API_INDEX_READ_H_

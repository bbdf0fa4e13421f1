// Lowering a parsed PartiQL statement (partiql/partiql.h) onto the existing
// DynamoDB operations: the result is the request of one operation, whose
// expressions are text with #n<i> / :v<i> placeholders (so reserved words
// and any attribute name are safe), parsed, checked and evaluated by expr/.
//
//   SELECT, WHERE with `hash = v` (AND at most one sort key condition of a
//           key-condition form; no other condition on a key attribute)
//                                  -> Query (rest of WHERE as FilterExpression)
//   SELECT, the same with `hash IN (v, ...)` or `hash = v OR hash = w ...`
//                                  -> one Query per value (Lowered::hash_values)
//   SELECT otherwise               -> Scan (WHERE as FilterExpression)
//   SELECT in a batch/transaction  -> GetItem / Get: WHERE = the full key
//   INSERT INTO t VALUE {...}      -> PutItem + attribute_not_exists(hash)
//                                     (the handler maps its failure to
//                                     DuplicateItemException)
//   UPDATE ... WHERE key AND c     -> UpdateItem, Key from the WHERE,
//                                     condition attribute_exists(hash) AND c
//   DELETE ... WHERE key AND c     -> DeleteItem, condition
//                                     attribute_not_exists(hash) OR c (a
//                                     missing item is not an error)
//   [NOT] EXISTS(SELECT ... key AND c) -> ConditionCheck (transactions)
//
// Values: literals become AttributeValues (strings S, numbers N, TRUE/FALSE
// BOOL, NULL, [..] L, {..} M, <<..>> SS/NS/BS); '?' takes the parameter of
// its position from `params` (DynamoDB JSON values).
#ifndef PD_PARTIQL_LOWER_H_
#define PD_PARTIQL_LOWER_H_

#include <optional>
#include <string>
#include <variant>

#include <nlohmann/json.hpp>

#include "api/error.h"
#include "partiql/partiql.h"

namespace pd {
namespace partiql {

// Key attribute names of the table (and of the index a SELECT names).
struct KeyNames {
  std::string hash;   // partition key attribute
  std::string range;  // sort key attribute; "" when none
};

enum class Mode : uint8_t {
  kSingle,       // ExecuteStatement: SELECT may Query or Scan
  kBatch,        // BatchExecuteStatement: SELECT must name the full key
  kTransaction,  // ExecuteTransaction: as kBatch, plus EXISTS
};

// The placeholder of the partition key value in a Query run once per value.
constexpr char kHashValueRef[] = ":pk";

struct Lowered {
  std::string op;        // "Query", "Scan", "GetItem", "PutItem", "UpdateItem",
                         // "DeleteItem" or "ConditionCheck"
  nlohmann::json request;  // its request (TableName, Key/Item, expressions, ...)
  // A SELECT whose WHERE names several partition key values (`hash IN (...)`
  // or `hash = a OR hash = b`, ANDed with the rest): the values, distinct, in
  // the order written; `request` is a Query for one of them, its
  // KeyConditionExpression comparing the key to kHashValueRef, which the
  // caller binds to each value in turn. Empty otherwise.
  std::vector<nlohmann::json> hash_values;
};

// REQUIRES: params is a JSON array of AttributeValues with at least
// st.param_count elements (the caller checks the count). `table` are the
// table's keys; `index`, when st.index is set, the index's keys.
std::variant<Lowered, api::DdbError> Lower(const Statement& st, const nlohmann::json& params,
                                           const KeyNames& table, const KeyNames* index,
                                           Mode mode);

}  // namespace partiql
}  // namespace pd

#endif  // PD_PARTIQL_LOWER_H_

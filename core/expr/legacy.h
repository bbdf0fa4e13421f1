// DynamoDB's legacy (pre-expression) parameters as expression trees, so that
// one evaluator, one update engine and one projection serve both forms.
//
//   Expected / QueryFilter / ScanFilter + ConditionalOperator -> Condition
//   AttributeUpdates                                          -> UpdateExpression
//   AttributesToGet                                           -> ProjectionExpression
//   KeyConditions                                             -> KeyCondition
//
// The trees are built checked: attribute names are the real names (no
// placeholders) and every value operand points into a LegacyValues store the
// caller owns, which must outlive every use of the tree (as the value map
// does for parsed expressions, expr/check.h). Inputs are assumed validated
// by the API layer (counts of values per operator, types, Exists/Value
// rules: api/ops/common_spec.h).
//
// Translation (DynamoDB API reference, "Legacy conditional parameters";
// legacy semantics match the expression forms below, including for missing
// attributes):
//   EQ a = v    NE a <> v    LT/LE/GT/GE a < v ...   BETWEEN a BETWEEN v1 AND v2
//   IN a IN (v1, ...)        NULL attribute_not_exists(a)
//   NOT_NULL attribute_exists(a)   CONTAINS contains(a, v)
//   NOT_CONTAINS NOT contains(a, v)   BEGINS_WITH begins_with(a, v)
//   Expected {Exists: false} -> NULL; {Value: v} / {Exists: true, Value: v} -> EQ
//   the conditions joined by ConditionalOperator (AND by default), in
//   attribute-name order.
//   AttributeUpdates PUT (default) SET a = v; DELETE without value REMOVE a;
//   DELETE with a set DELETE a v; ADD N or a set ADD a v; ADD a list
//   SET a = list_append(if_not_exists(a, []), v).
//
// Wording: an update built here reports a type clash ("An operand in the
// update expression has an incorrect data type") where DynamoDB's legacy form
// says "Type mismatch for attribute to update": LegacyUpdateMessage maps it.
#ifndef PD_EXPR_LEGACY_H_
#define PD_EXPR_LEGACY_H_

#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "expr/ast.h"
#include "util/status.h"
#include "value/attribute_value.h"

namespace pd {
namespace expr {

// Owner of the values legacy trees point at (stable addresses).
using LegacyValues = std::deque<AttributeValue>;

// One legacy condition on a top-level attribute.
struct LegacyCondition {
  std::string attribute;               // top-level attribute name
  std::string op;                      // ComparisonOperator ("EQ", "BETWEEN", ...)
  std::vector<AttributeValue> values;  // AttributeValueList (or Value), validated count
};

// One AttributeUpdates entry.
struct LegacyUpdate {
  std::string attribute;                // top-level attribute name
  std::string action;                   // "PUT", "ADD" or "DELETE"
  std::optional<AttributeValue> value;  // Value, if given
};

// The conditions joined by AND (or OR when `use_or`). REQUIRES: non-empty,
// every op one of the thirteen ComparisonOperators.
Condition ConditionFromLegacy(const std::vector<LegacyCondition>& conditions, bool use_or,
                              LegacyValues* store);

// The updates as one UpdateExpression (empty when `updates` is).
UpdateExpression UpdateFromLegacy(const std::vector<LegacyUpdate>& updates, LegacyValues* store);

// AttributesToGet as a projection of top-level names.
ProjectionExpression ProjectionFromNames(const std::vector<std::string>& names);

// KeyConditions in Query's shape. Operators a key condition cannot use (NE,
// IN, NULL, NOT_NULL, CONTAINS, NOT_CONTAINS) become KeyCondition::Op::
// kNotIndexable parts, which MatchKeySchema-style checks reject with
// "Attempted conditional constraint is not an indexable operation".
KeyCondition KeyConditionFromLegacy(const std::vector<LegacyCondition>& conditions,
                                    LegacyValues* store);

// The legacy wording of an update error (see the file comment).
std::string LegacyUpdateMessage(const std::string& message);

}  // namespace expr
}  // namespace pd

#endif  // PD_EXPR_LEGACY_H_

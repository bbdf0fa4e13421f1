// Semantic pass over parsed expressions (expr/parser.h): validates them in
// DynamoDB's error order and substitutes placeholders, so evaluate / update /
// projection work on concrete attribute names and values.
//
//   CheckContext ctx{&names, &values, &use};
//   Result<Condition> c = ParseAndCheckCondition(text, ExpressionKind::kFilter, ctx);
//   if (!c.ok()) return c.status();   // Validation, DynamoDB's message
//   ... after every expression of the request:
//   Status s = CheckUnusedPlaceholders(&names, &values, use);
//
// Error order (the first applicable error is reported; the message is the
// complete ValidationException text, prefixed "Invalid <Kind>Expression: "
// like the parser's). The model is dynalite's errorOrder, which mirrors
// DynamoDB:
//   Condition, Filter, KeyCondition:
//     1. the IN operator with more than 100 operands
//     2. "The expression has redundant parentheses;"  (( x )) around anything
//     3. "Invalid function name; function: f"        (first, innermost first)
//     4. "The function is not allowed to be used this way in an expression;
//        function: f"   (a function other than size() used as an operand, or
//        size() used as a condition)
//     5. "Attribute name is a reserved keyword; reserved keyword: w"
//     6. the first leaf condition (comparison, BETWEEN, IN, function) with any
//        of these, in this priority within the leaf:
//        a. undefined #name / :value ("An expression attribute name used in
//           the document path is not defined; attribute name: #n",
//           "An expression attribute value used in expression is not
//           defined; attribute value: :v")
//        b. "Incorrect number of operands for operator or function; operator
//           or function: f, number of operands: n"
//        c. "The first operand must be distinct from the remaining operands
//           for this operator or function; operator: =, first operand: [a]"
//        d. operand errors: "Operator or function requires a document path;
//           operator or function: f", "Incorrect operand type for operator or
//           function; operator or function: f, operand type: T" (also for
//           <, <=, >, >=, BETWEEN given a value or size() of a type other
//           than S, N, B, outside key conditions), "Invalid
//           attribute type name found; ...", and BETWEEN bounds of different
//           types or with lower > upper ("The BETWEEN operator requires upper
//           bound to be greater than or equal to lower bound; lower bound
//           operand: AttributeValue: {N:5}, upper bound operand:
//           AttributeValue: {N:1}"), checked here because both bounds are
//           values known before any item is read.
//   Update: reserved word, unknown function, a clause used twice ('The "SET"
//     section can only be used once in an update expression;'), undefined
//     #name, undefined :value, overlapping paths ("Two document paths overlap
//     with each other; must remove or rewrite one of these paths; path one:
//     [a], path two: [a, b]"), conflicting paths ("Two document paths
//     conflict with each other; ..."), ADD/DELETE operand types ("Incorrect
//     operand type for operator or function; operator: ADD, operand type:
//     STRING"), function errors (arity, if_not_exists needs a path,
//     list_append / + / - operand types).
//   Projection: reserved word, undefined #name, overlap, conflict.
//
// Placeholders: every #name path element is replaced by its attribute name
// (PathElement::placeholder stays true) and every :value operand gets
// Operand::value pointing into ctx.values; Operand::function is resolved.
// The checked AST therefore borrows from ctx.values: the value map must
// outlive every use of the AST. Used placeholders are recorded in ctx.use
// even when the check fails.
//
// On failure the AST is left partly substituted and must not be evaluated.
#ifndef PD_EXPR_CHECK_H_
#define PD_EXPR_CHECK_H_

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "expr/ast.h"
#include "util/status.h"
#include "value/attribute_value.h"

namespace pd {
namespace expr {

// ExpressionAttributeNames of one request: "#n" -> attribute name.
using NameMap = std::map<std::string, std::string, std::less<>>;
// ExpressionAttributeValues of one request: ":v" -> value (decode the JSON
// with value/json_codec.h ItemFromJson).
using ValueMap = AttributeMap;

constexpr size_t kMaxInOperands = 100;  // DynamoDB: values on the right of IN

// Placeholders the checked expressions of one request referred to.
struct PlaceholderUse {
  std::set<std::string> names;   // "#n" keys used
  std::set<std::string> values;  // ":v" keys used
};

struct CheckContext {
  const NameMap* names = nullptr;    // ExpressionAttributeNames; null when absent
  const ValueMap* values = nullptr;  // ExpressionAttributeValues; null when absent
  PlaceholderUse* use = nullptr;     // accumulates across expressions; may be null
};

// Checks (and substitutes) a ConditionExpression, FilterExpression or
// KeyConditionExpression. REQUIRES: kind is one of those three.
Status CheckCondition(Condition* condition, ExpressionKind kind, const CheckContext& ctx,
                      uint32_t* error_offset = nullptr);
Status CheckUpdate(UpdateExpression* update, const CheckContext& ctx,
                   uint32_t* error_offset = nullptr);
Status CheckProjection(ProjectionExpression* projection, const CheckContext& ctx,
                       uint32_t* error_offset = nullptr);

// Parse + Check in one call (errors from either, in that order).
Result<Condition> ParseAndCheckCondition(std::string_view text, ExpressionKind kind,
                                         const CheckContext& ctx);
Result<UpdateExpression> ParseAndCheckUpdate(std::string_view text, const CheckContext& ctx);
Result<ProjectionExpression> ParseAndCheckProjection(std::string_view text,
                                                     const CheckContext& ctx);

// After all expressions of a request were checked: DynamoDB's
//   "Value provided in ExpressionAttributeNames unused in expressions: keys: {#a, #b}"
// then
//   "Value provided in ExpressionAttributeValues unused in expressions: keys: {:v}"
// (keys in byte order). OK when every provided key was used.
Status CheckUnusedPlaceholders(const NameMap* names, const ValueMap* values,
                               const PlaceholderUse& use);

// The Query shape of a checked KeyConditionExpression, with DynamoDB's
// messages (not prefixed) for conditions Query cannot use, e.g.
//   "Invalid operator used in KeyConditionExpression: OR"
//   "KeyConditionExpressions must only contain one condition per key"
//   "KeyConditionExpressions cannot have conditions on nested attributes"
//   "Invalid condition in KeyConditionExpression: No key attribute specified"
//   "One or more parameter values were invalid: ComparisonOperator LT is not
//    valid for BOOL AttributeValue type"
//   "Conditions can be of length 1 or 2 only"
// DynamoDB reports these after the unused-placeholder check, so call it
// after CheckUnusedPlaceholders. The result borrows values as the AST does.
Result<KeyCondition> ExtractKeyCondition(const Condition& checked);

// Matches a key condition to the key schema of the table or index queried:
//   "Query condition missed key schema element: <name>" when the partition
//   key has no condition or the other condition is not on the sort key;
//   "Query key condition not supported" when the partition key condition is
//   not "=" (or a second condition exists on a table without sort key);
//   "One or more parameter values were invalid: Condition parameter type
//   does not match schema type" when a value's type differs from the key's.
// range_key empty = no sort key. Types nullopt = not checked.
Status MatchKeySchema(const KeyCondition& key_condition, std::string_view hash_key,
                      std::string_view range_key,
                      std::optional<AttributeType> hash_type = std::nullopt,
                      std::optional<AttributeType> range_type = std::nullopt);

}  // namespace expr
}  // namespace pd

#endif  // PD_EXPR_CHECK_H_

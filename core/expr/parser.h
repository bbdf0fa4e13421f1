// Recursive-descent parser for DynamoDB's five expression kinds. Produces the
// unchecked AST of expr/ast.h (placeholders as written); expr/check.h then
// validates and substitutes.
//
//   Result<Condition> c = ParseCondition("a = :v AND begins_with(#n, :p)",
//                                        ExpressionKind::kFilter);
//   if (!c.ok()) return c.status();   // Validation, DynamoDB's message
//
// Every function returns the AST on success. On failure it returns
// Validation whose message() is the complete DynamoDB ValidationException
// message, e.g.
//   Invalid FilterExpression: Syntax error; token: "<EOF>", near: "a ="
//   Invalid UpdateExpression: The expression can not be empty;
//   Invalid ConditionExpression: Expression size has exceeded the maximum allowed size; expression
//   size: 4097 Invalid FilterExpression: The expression contains too many operators; operator
//   count: 301
// and, if error_offset is non-null, stores the byte offset of the offending
// token there (kNoOffset for errors about the whole expression).
//
// Syntax errors name the first token the grammar cannot accept ("<EOF>" at
// the end) and quote the source from the start of the token before it to the
// end of the token after it, as DynamoDB does ("a-b" -> token "-", near
// "a-b"). Limits enforced here, from DynamoDB's "Expression parameters"
// quotas: 4 KB of text, 300 operators and functions (comparators, BETWEEN,
// IN, AND, OR, NOT, function calls, + and -). Recursion is bounded by
// kMaxNestingDepth levels of parentheses, NOT and function calls, so no input
// can exhaust the stack.
//
// Thread-compatible; no state between calls.
#ifndef PD_EXPR_PARSER_H_
#define PD_EXPR_PARSER_H_

#include <cstdint>
#include <string_view>

#include "expr/ast.h"
#include "util/status.h"

namespace pd {
namespace expr {

constexpr uint32_t kMaxExpressionBytes = 4096;  // DynamoDB: any expression string, bytes
constexpr uint32_t kMaxOperators = 300;         // DynamoDB: operators + functions per expression
// Our bound on nested parentheses / NOT / function calls (DynamoDB documents
// none; every meaningful expression within the 4 KB and 300-operator limits
// nests far less deeply).
constexpr uint32_t kMaxNestingDepth = 256;

// ConditionExpression, FilterExpression or KeyConditionExpression text.
// REQUIRES: kind is kCondition, kFilter or kKeyCondition.
Result<Condition> ParseCondition(std::string_view text, ExpressionKind kind,
                                 uint32_t* error_offset = nullptr);

// UpdateExpression text.
Result<UpdateExpression> ParseUpdate(std::string_view text, uint32_t* error_offset = nullptr);

// ProjectionExpression text.
Result<ProjectionExpression> ParseProjection(std::string_view text,
                                             uint32_t* error_offset = nullptr);

}  // namespace expr
}  // namespace pd

#endif  // PD_EXPR_PARSER_H_

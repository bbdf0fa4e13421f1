// PartiQL for DynamoDB: the statements of ExecuteStatement,
// BatchExecuteStatement and ExecuteTransaction parsed into a small tree, with
// no storage access (partiql/parser.cc). api/ops/execute_statement.cc lowers
// a parsed statement onto the existing operations (partiql/lower.h): the
// statement becomes a GetItem / Query / Scan / PutItem / UpdateItem /
// DeleteItem request (or a transaction action) whose condition, filter,
// update and projection are expression text with #name / :value
// placeholders, so the expression engine (expr/) parses, checks and
// evaluates them: there is one evaluator.
//
// Grammar (keywords case-insensitive; names bare or "double quoted"):
//   statement := (select | insert | update | delete | exists) [';']
//   select    := SELECT ('*' | path {',' path}) FROM name ['.' name]
//                [WHERE cond] [ORDER BY path [ASC|DESC] {',' ...}]
//   insert    := INSERT INTO name VALUE value
//   update    := UPDATE name (SET path '=' expr {',' path '=' expr}
//                            | REMOVE path {',' path})+
//                WHERE cond [RETURNING (ALL|MODIFIED) (OLD|NEW) '*']
//   delete    := DELETE FROM name WHERE cond [RETURNING ALL OLD '*']
//   exists    := [NOT] EXISTS '(' select ')'     (ExecuteTransaction only)
//   cond      := or;  or := and {OR and};  and := not {AND not}
//   not       := NOT not | predicate
//   predicate := operand [('='|'<>'|'!='|'<'|'<='|'>'|'>=') operand
//                | [NOT] BETWEEN operand AND operand | [NOT] IN (list)
//                | IS [NOT] (MISSING | NULL | type)]  | '(' cond ')'
//   operand   := expr := term {('+'|'-') term};  term := path | value | call
//   call      := name '(' [expr {',' expr}] ')'   (begins_with, contains,
//                attribute_type, size, exists?, list_append, set_add, ...)
//   value     := 'string' | number | TRUE | FALSE | NULL | '?' |
//                '[' values ']' | '{' 'key' ':' value, ... '}' | '<<' values '>>'
//   path      := name {'.' name | '[' integer ']'}
// Comments (-- to end of line, /* ... */) and white space separate tokens.
//
// Errors: Parse returns DynamoDB's ValidationException texts,
//   "Statement wasn't well formed, can't be processed: <what> at line L,
//    column C" (pocketdynamo's detail: DynamoDB's own wording of the detail
//   is not documented), and the fixed texts DynamoDB uses for statements it
//   understands but does not support ("Unsupported operation: ...").
// Parse never throws except std::bad_alloc, and bounds its recursion
// (kMaxDepth) so that no input can exhaust the stack.
#ifndef PD_PARTIQL_PARTIQL_H_
#define PD_PARTIQL_PARTIQL_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

namespace pd {
namespace partiql {

constexpr int kMaxDepth = 64;  // nesting of conditions, expressions and values

// One step of a document path: an attribute/map key name or a list index.
struct PathStep {
  std::string name;   // set when index < 0
  int64_t index = -1;  // list index, >= 0; -1 for a name step
};

struct Node {
  enum Kind : uint8_t {
    kPath,     // steps
    kValue,    // value: a DynamoDB JSON AttributeValue ({"S": "x"}, ...)
    kParam,    // param: 0-based index of the '?'
    kCompare,  // op in = <> < <= > >=; kids[0] op kids[1]
    kBetween,  // kids[0] BETWEEN kids[1] AND kids[2]
    kIn,       // kids[0] IN (kids[1..])
    kAnd,      // kids[0] AND kids[1]
    kOr,       // kids[0] OR kids[1]
    kNot,      // NOT kids[0]
    kIs,       // kids[0] IS [NOT] op (op: MISSING, NULL, BOOLEAN, ...); negated
    kCall,     // op(kids...): op lower-cased function name
    kArith,    // kids[0] op kids[1], op '+' or '-'
    kList,     // [kids...]   (elements may be parameters)
    kMap,      // {keys[i]: kids[i]}
    kBag,      // <<kids...>>
  };
  Kind kind = kPath;
  std::string op;                 // operator, function name or IS type
  bool negated = false;           // kIs: IS NOT
  std::vector<PathStep> steps;    // kPath
  nlohmann::json value;           // kValue
  int param = -1;                 // kParam
  std::vector<std::string> keys;  // kMap: keys of kids, in order
  std::vector<Node> kids;
  uint32_t pos = 0;  // byte offset in the statement (for messages)
};

struct OrderKey {
  std::string name;   // attribute (top-level name)
  bool desc = false;  // DESC
};

struct Statement {
  enum Kind : uint8_t { kSelect, kInsert, kUpdate, kDelete, kExists };
  Kind kind = kSelect;
  bool not_exists = false;       // kExists: NOT EXISTS(...)
  std::string table;             // table name
  std::string index;             // SELECT ... FROM "t"."index"; "" = the table
  bool star = false;             // SELECT *
  std::vector<Node> projection;  // SELECT paths (kPath nodes)
  bool has_where = false;
  Node where;                    // when has_where
  std::vector<OrderKey> order_by;
  Node item;                     // INSERT: the VALUE (kMap, kParam or kValue)
  struct Action {
    bool remove = false;         // REMOVE path; else SET path = value
    Node path;                   // kPath
    Node value;                  // SET's right-hand side
  };
  std::vector<Action> actions;   // UPDATE
  std::string returning;         // "" or ALL_OLD / ALL_NEW / UPDATED_OLD / UPDATED_NEW
  int param_count = 0;           // number of '?' in the statement
};

// Parses one statement. On failure returns the ValidationException message.
std::variant<Statement, std::string> Parse(std::string_view text);

// "Statement wasn't well formed, can't be processed: " + detail.
std::string NotWellFormed(const std::string& detail);

}  // namespace partiql
}  // namespace pd

#endif  // PD_PARTIQL_PARTIQL_H_

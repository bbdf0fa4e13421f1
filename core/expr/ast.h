// AST of DynamoDB's five expression kinds.
//
// Life cycle
//   parser (expr/parser.h)  text -> AST with placeholders as written
//   check  (expr/check.h)   validates in DynamoDB's error order and
//                           substitutes placeholders in place: every #name
//                           path element becomes the real attribute name and
//                           every :value operand points at its AttributeValue;
//                           function names are resolved to Function values
//   evaluate / update / projection work on checked ASTs only.
//
// Ownership
//   Nodes own their children by value (std::vector). After Check, an
//   Operand::value points into the ExpressionAttributeValues map that was
//   passed to Check; that map must outlive every use of the checked AST.
//
// Grammar accepted by the parser (DynamoDB developer guide; keywords are
// case-insensitive, function names case-sensitive):
//   condition   ::= operand comparator operand
//                 | operand BETWEEN operand AND operand
//                 | operand IN ( operand {, operand} )
//                 | function
//                 | condition AND condition | condition OR condition
//                 | NOT condition | ( condition )
//   comparator  ::= = | <> | < | <= | > | >=
//   operand     ::= path | :value | function | ( operand )
//   function    ::= name ( operand {, operand} )
//   path        ::= (name | #name) { . (name | #name) | [ digits ] }
//   update      ::= section { section }
//   section     ::= SET set-action {, set-action} | REMOVE path {, path}
//                 | ADD path :value {, path :value}
//                 | DELETE path :value {, path :value}
//   set-action  ::= path = set-value
//   set-value   ::= [ ( ] term [ (+ | -) term ] [ ) ]
//   term        ::= [ ( ] (path | :value | function) [ ) ]
//   projection  ::= path {, path}
//   key condition: a condition restricted (after Check) to
//                  key = :v [AND key op :v | key BETWEEN :a AND :b
//                            | begins_with(key, :v)]
#ifndef PD_EXPR_AST_H_
#define PD_EXPR_AST_H_

#include <cstdint>
#include <string>
#include <vector>

#include "value/attribute_value.h"

namespace pd {
namespace expr {

// Offset value meaning "not tied to a place in the text".
constexpr uint32_t kNoOffset = 0xFFFFFFFFu;

// The five expression parameters of DynamoDB's API.
enum class ExpressionKind : uint8_t {
  kCondition,     // ConditionExpression (PutItem, UpdateItem, DeleteItem, transactions)
  kFilter,        // FilterExpression (Query, Scan)
  kKeyCondition,  // KeyConditionExpression (Query)
  kProjection,    // ProjectionExpression (GetItem, Query, Scan, BatchGetItem, ...)
  kUpdate,        // UpdateExpression (UpdateItem, transactions)
};

// "ConditionExpression", "FilterExpression", ... as DynamoDB names them in
// messages ("Invalid ConditionExpression: ...").
const char* ExpressionKindName(ExpressionKind kind);

// One step of a document path.
struct PathElement {
  enum class Kind : uint8_t {
    kName,   // a map key / top-level attribute name
    kIndex,  // a list index
  };
  Kind kind = Kind::kName;   // which of the two
  bool placeholder = false;  // kName written as #placeholder (stays true after Check)
  std::string name;          // kName: the attribute name ("#x" until Check substitutes it)
  uint32_t index = 0;        // kIndex: zero-based position
  uint32_t offset = 0;       // byte offset of this element in the expression text

  static PathElement Name(std::string n, uint32_t at = 0) {
    PathElement e;
    e.name = std::move(n);
    e.offset = at;
    return e;
  }
  static PathElement Index(uint32_t i, uint32_t at = 0) {
    PathElement e;
    e.kind = Kind::kIndex;
    e.index = i;
    e.offset = at;
    return e;
  }
};

// A document path: a top-level attribute name followed by map keys and list
// indexes. Never empty; elements[0] is always a kName.
struct Path {
  std::vector<PathElement> elements;  // the steps, outermost first
  uint32_t offset = 0;                // byte offset of the first element

  // DynamoDB's rendering in messages: "[a, b, [2], c]".
  std::string ToString() const;
  // Same steps (names by bytes, indexes by value).
  bool SameAs(const Path& other) const;
};

// Functions of condition and update expressions (names are case-sensitive).
enum class Function : uint8_t {
  kUnknown,             // not (yet) resolved or not a DynamoDB function
  kAttributeExists,     // attribute_exists(path)                  condition
  kAttributeNotExists,  // attribute_not_exists(path)              condition
  kAttributeType,       // attribute_type(path, :type)             condition
  kBeginsWith,          // begins_with(operand, operand)           condition
  kContains,            // contains(operand, operand)              condition
  kSize,                // size(operand), a number                 condition operand
  kIfNotExists,         // if_not_exists(path, operand)            update SET value
  kListAppend,          // list_append(operand, operand)           update SET value
};

// The Function spelled exactly `name`, or kUnknown.
Function FunctionFromName(const std::string& name);

struct Operand {
  enum class Kind : uint8_t {
    kPath,      // a document path
    kValue,     // an expression attribute value :v
    kFunction,  // name(args)
    kPlus,      // args[0] + args[1] (update SET values only)
    kMinus,     // args[0] - args[1] (update SET values only)
  };
  Kind kind = Kind::kPath;                 // which of the above
  Path path;                               // kPath
  std::string name;                        // kValue: ":v"; kFunction: function name as written
  const AttributeValue* value = nullptr;   // kValue after Check: the substituted value (not owned)
  Function function = Function::kUnknown;  // kFunction after Check
  std::vector<Operand> args;               // kFunction arguments; kPlus/kMinus: the two terms
  uint8_t parens = 0;   // parenthesis pairs written directly around it (capped at 2)
  uint32_t offset = 0;  // byte offset of its first token (after any "(")
};

enum class CompareOp : uint8_t { kEq, kNe, kLt, kLe, kGt, kGe };

// "=", "<>", "<", "<=", ">", ">=".
const char* CompareOpText(CompareOp op);

struct Condition {
  enum class Kind : uint8_t {
    kCompare,   // operands[0] op operands[1]
    kBetween,   // operands[0] BETWEEN operands[1] AND operands[2]
    kIn,        // operands[0] IN (operands[1], ...)
    kFunction,  // operands[0] is a kFunction operand used as a condition
    kAnd,       // children[0] AND children[1]
    kOr,        // children[0] OR children[1]
    kNot,       // NOT children[0]
  };
  Kind kind = Kind::kCompare;       // which of the above
  CompareOp op = CompareOp::kEq;    // kCompare
  std::vector<Operand> operands;    // leaf conditions, as listed above
  std::vector<Condition> children;  // kAnd/kOr: 2, kNot: 1
  uint8_t parens = 0;               // parenthesis pairs written directly around it (capped at 2)
  uint32_t offset = 0;              // byte offset of its first token
};

struct UpdateAction {
  enum class Kind : uint8_t { kSet, kRemove, kAdd, kDelete };
  Kind kind = Kind::kSet;  // the clause it belongs to
  Path path;               // the attribute it modifies
  Operand value;           // kSet: right-hand side; kAdd/kDelete: a kValue operand; kRemove: unused
  uint32_t offset = 0;     // byte offset of the path
};

// "SET", "REMOVE", "ADD", "DELETE".
const char* UpdateActionKindName(UpdateAction::Kind kind);

struct UpdateExpression {
  struct Section {
    UpdateAction::Kind kind;  // which keyword
    uint32_t offset;          // byte offset of the keyword
  };
  std::vector<Section> sections;      // clauses in textual order (duplicates kept for Check)
  std::vector<UpdateAction> actions;  // every action in textual order
};

struct ProjectionExpression {
  std::vector<Path> paths;  // in textual order
};

// A KeyConditionExpression in the shape Query needs, built by Check from a
// checked key condition: one or two parts, each on a distinct top-level
// attribute, in textual order. Values point into the caller's value map.
struct KeyCondition {
  enum class Op : uint8_t {
    kEq,
    kLt,
    kLe,
    kGt,
    kGe,
    kBetween,
    kBeginsWith,
    kNotIndexable,  // legacy KeyConditions only (NE, IN, NULL, ...): Query rejects it
  };
  struct Part {
    std::string attribute;                  // key attribute name (placeholders substituted)
    Op op = Op::kEq;                        // comparison, normalised so the key is on the left
    const AttributeValue* value = nullptr;  // the operand; kBetween: lower bound
    const AttributeValue* upper = nullptr;  // kBetween: upper bound; else nullptr
  };
  std::vector<Part> parts;  // 1 or 2
};

}  // namespace expr
}  // namespace pd

#endif  // PD_EXPR_AST_H_

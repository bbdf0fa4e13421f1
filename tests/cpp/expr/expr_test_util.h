// Helpers shared by the expr tests: S-expression dumps of ASTs (so a test can
// state a tree's shape in one string) and small value/item builders.
#ifndef PD_TESTS_EXPR_TEST_UTIL_H_
#define PD_TESTS_EXPR_TEST_UTIL_H_

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "expr/ast.h"
#include "value/item.h"
#include "value/json_codec.h"

namespace pd {
namespace expr {
namespace testing {

inline std::string Dump(const Path& p) {
  std::string out;
  for (size_t i = 0; i < p.elements.size(); ++i) {
    const PathElement& e = p.elements[i];
    if (e.kind == PathElement::Kind::kIndex) {
      out += "[" + std::to_string(e.index) + "]";
    } else {
      if (i > 0) out += ".";
      out += e.name;
    }
  }
  return out;
}

inline std::string Dump(const Operand& o) {
  std::string out;
  switch (o.kind) {
    case Operand::Kind::kPath:
      out = Dump(o.path);
      break;
    case Operand::Kind::kValue:
      out = o.name;
      break;
    case Operand::Kind::kFunction:
    case Operand::Kind::kPlus:
    case Operand::Kind::kMinus: {
      out = o.kind == Operand::Kind::kFunction ? o.name
            : o.kind == Operand::Kind::kPlus   ? std::string("+")
                                               : std::string("-");
      out += "(";
      for (size_t i = 0; i < o.args.size(); ++i) {
        if (i > 0) out += " ";
        out += Dump(o.args[i]);
      }
      out += ")";
      break;
    }
  }
  for (int i = 0; i < o.parens; ++i) out = "{" + out + "}";
  return out;
}

inline std::string Dump(const Condition& c) {
  std::string out = "(";
  switch (c.kind) {
    case Condition::Kind::kCompare:
      out += CompareOpText(c.op);
      break;
    case Condition::Kind::kBetween:
      out += "BETWEEN";
      break;
    case Condition::Kind::kIn:
      out += "IN";
      break;
    case Condition::Kind::kFunction:
      out += "CALL";
      break;
    case Condition::Kind::kAnd:
      out += "AND";
      break;
    case Condition::Kind::kOr:
      out += "OR";
      break;
    case Condition::Kind::kNot:
      out += "NOT";
      break;
  }
  for (const Operand& o : c.operands) out += " " + Dump(o);
  for (const Condition& child : c.children) out += " " + Dump(child);
  out += ")";
  for (int i = 0; i < c.parens; ++i) out = "{" + out + "}";
  return out;
}

inline std::string Dump(const UpdateExpression& u) {
  std::string out;
  for (const UpdateAction& a : u.actions) {
    if (!out.empty()) out += "; ";
    out += UpdateActionKindName(a.kind);
    out += " " + Dump(a.path);
    if (a.kind != UpdateAction::Kind::kRemove) out += " " + Dump(a.value);
  }
  return out;
}

// Expression text for an unchecked AST, with exactly the parentheses the AST
// records (so Parse(Unparse(x)) has the same Dump as x) and canonical
// keywords and spacing.
inline std::string Unparse(const Path& p) { return Dump(p); }

inline std::string Unparse(const Operand& o) {
  std::string out;
  switch (o.kind) {
    case Operand::Kind::kPath:
      out = Unparse(o.path);
      break;
    case Operand::Kind::kValue:
      out = o.name;
      break;
    case Operand::Kind::kFunction:
      out = o.name + "(";
      for (size_t i = 0; i < o.args.size(); ++i) out += (i > 0 ? ", " : "") + Unparse(o.args[i]);
      out += ")";
      break;
    case Operand::Kind::kPlus:
    case Operand::Kind::kMinus:
      out = Unparse(o.args[0]) + (o.kind == Operand::Kind::kPlus ? " + " : " - ") +
            Unparse(o.args[1]);
      break;
  }
  for (int i = 0; i < o.parens; ++i) out = "(" + out + ")";
  return out;
}

inline std::string Unparse(const Condition& c) {
  std::string out;
  switch (c.kind) {
    case Condition::Kind::kCompare:
      out = Unparse(c.operands[0]) + " " + CompareOpText(c.op) + " " + Unparse(c.operands[1]);
      break;
    case Condition::Kind::kBetween:
      out = Unparse(c.operands[0]) + " BETWEEN " + Unparse(c.operands[1]) + " AND " +
            Unparse(c.operands[2]);
      break;
    case Condition::Kind::kIn:
      out = Unparse(c.operands[0]) + " IN (";
      for (size_t i = 1; i < c.operands.size(); ++i) {
        out += (i > 1 ? ", " : "") + Unparse(c.operands[i]);
      }
      out += ")";
      break;
    case Condition::Kind::kFunction:
      out = Unparse(c.operands[0]);
      break;
    case Condition::Kind::kAnd:
      out = Unparse(c.children[0]) + " AND " + Unparse(c.children[1]);
      break;
    case Condition::Kind::kOr:
      out = Unparse(c.children[0]) + " OR " + Unparse(c.children[1]);
      break;
    case Condition::Kind::kNot:
      out = "NOT " + Unparse(c.children[0]);
      break;
  }
  for (int i = 0; i < c.parens; ++i) out = "(" + out + ")";
  return out;
}

inline std::string Unparse(const UpdateExpression& u) {
  std::string out;
  for (size_t i = 0; i < u.actions.size(); ++i) {
    const UpdateAction& a = u.actions[i];
    if (i == 0 || u.actions[i - 1].kind != a.kind) {
      out += std::string(i == 0 ? "" : " ") + UpdateActionKindName(a.kind) + " ";
    } else {
      out += ", ";
    }
    out += Unparse(a.path);
    if (a.kind == UpdateAction::Kind::kSet) out += " = " + Unparse(a.value);
    if (a.kind == UpdateAction::Kind::kAdd || a.kind == UpdateAction::Kind::kDelete) {
      out += " " + Unparse(a.value);
    }
  }
  return out;
}

// An item (or expression value map) from DynamoDB JSON; fails the test on
// malformed input.
inline Item ItemOf(const std::string& json) {
  Item item;
  std::optional<JsonError> e = ItemFromJson(nlohmann::json::parse(json), &item);
  REQUIRE_MESSAGE(!e.has_value(), json);
  return item;
}

inline AttributeValue ValueOf(const std::string& json) {
  AttributeValue v;
  std::optional<JsonError> e = AttributeValueFromJson(nlohmann::json::parse(json), &v);
  REQUIRE_MESSAGE(!e.has_value(), json);
  return v;
}

// DynamoDB JSON text of an item (attributes in name order).
inline std::string JsonOf(const Item& item) { return ItemToJson(item).dump(); }

// `json` re-dumped in nlohmann's canonical form (object keys sorted), to
// compare with JsonOf.
inline std::string Canonical(const std::string& json) { return nlohmann::json::parse(json).dump(); }
// Canonical, short for the many expected values written as JSON text.
inline std::string J(const std::string& json) { return Canonical(json); }

}  // namespace testing
}  // namespace expr
}  // namespace pd

#endif  // PD_TESTS_EXPR_TEST_UTIL_H_

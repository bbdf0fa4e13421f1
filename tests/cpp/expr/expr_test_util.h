// Helpers shared by the expr tests: S-expression dumps of ASTs (so a test can
// state a tree's shape in one string) and small value/item builders.
#ifndef PD_TESTS_EXPR_TEST_UTIL_H_
#define PD_TESTS_EXPR_TEST_UTIL_H_

#include <string>

#include "expr/ast.h"

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
    case Operand::Kind::kPath: out = Dump(o.path); break;
    case Operand::Kind::kValue: out = o.name; break;
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
    case Condition::Kind::kCompare: out += CompareOpText(c.op); break;
    case Condition::Kind::kBetween: out += "BETWEEN"; break;
    case Condition::Kind::kIn: out += "IN"; break;
    case Condition::Kind::kFunction: out += "CALL"; break;
    case Condition::Kind::kAnd: out += "AND"; break;
    case Condition::Kind::kOr: out += "OR"; break;
    case Condition::Kind::kNot: out += "NOT"; break;
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

}  // namespace testing
}  // namespace expr
}  // namespace pd

#endif  // PD_TESTS_EXPR_TEST_UTIL_H_

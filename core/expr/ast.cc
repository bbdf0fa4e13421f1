#include "expr/ast.h"

namespace pd {
namespace expr {

const char* ExpressionKindName(ExpressionKind kind) {
  switch (kind) {
    case ExpressionKind::kCondition:
      return "ConditionExpression";
    case ExpressionKind::kFilter:
      return "FilterExpression";
    case ExpressionKind::kKeyCondition:
      return "KeyConditionExpression";
    case ExpressionKind::kProjection:
      return "ProjectionExpression";
    case ExpressionKind::kUpdate:
      return "UpdateExpression";
  }
  return "Expression";
}

std::string Path::ToString() const {
  std::string out = "[";
  for (size_t i = 0; i < elements.size(); ++i) {
    if (i > 0) out += ", ";
    const PathElement& e = elements[i];
    if (e.kind == PathElement::Kind::kIndex) {
      out += "[" + std::to_string(e.index) + "]";
    } else {
      out += e.name;
    }
  }
  out += "]";
  return out;
}

bool Path::SameAs(const Path& other) const {
  if (elements.size() != other.elements.size()) return false;
  for (size_t i = 0; i < elements.size(); ++i) {
    const PathElement& a = elements[i];
    const PathElement& b = other.elements[i];
    if (a.kind != b.kind) return false;
    if (a.kind == PathElement::Kind::kIndex ? a.index != b.index : a.name != b.name) return false;
  }
  return true;
}

Function FunctionFromName(const std::string& name) {
  if (name == "attribute_exists") return Function::kAttributeExists;
  if (name == "attribute_not_exists") return Function::kAttributeNotExists;
  if (name == "attribute_type") return Function::kAttributeType;
  if (name == "begins_with") return Function::kBeginsWith;
  if (name == "contains") return Function::kContains;
  if (name == "size") return Function::kSize;
  if (name == "if_not_exists") return Function::kIfNotExists;
  if (name == "list_append") return Function::kListAppend;
  return Function::kUnknown;
}

const char* CompareOpText(CompareOp op) {
  switch (op) {
    case CompareOp::kEq:
      return "=";
    case CompareOp::kNe:
      return "<>";
    case CompareOp::kLt:
      return "<";
    case CompareOp::kLe:
      return "<=";
    case CompareOp::kGt:
      return ">";
    case CompareOp::kGe:
      return ">=";
  }
  return "?";
}

const char* UpdateActionKindName(UpdateAction::Kind kind) {
  switch (kind) {
    case UpdateAction::Kind::kSet:
      return "SET";
    case UpdateAction::Kind::kRemove:
      return "REMOVE";
    case UpdateAction::Kind::kAdd:
      return "ADD";
    case UpdateAction::Kind::kDelete:
      return "DELETE";
  }
  return "?";
}

}  // namespace expr
}  // namespace pd

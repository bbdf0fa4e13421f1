// Legacy parameters as expression trees (contract in expr/legacy.h).
#include "expr/legacy.h"

#include <utility>

#include "api/messages.h"

namespace pd {
namespace expr {
namespace {

Operand PathOperand(const std::string& attribute) {
  Operand o;
  o.kind = Operand::Kind::kPath;
  o.path.elements.push_back(PathElement::Name(attribute));
  return o;
}

Operand ValueOperand(const AttributeValue& value, LegacyValues* store) {
  store->push_back(value);
  Operand o;
  o.kind = Operand::Kind::kValue;
  o.name = ":legacy";
  o.value = &store->back();
  return o;
}

Operand FunctionOperand(Function f, const char* name, std::vector<Operand> args) {
  Operand o;
  o.kind = Operand::Kind::kFunction;
  o.name = name;
  o.function = f;
  o.args = std::move(args);
  return o;
}

Condition Leaf(Condition::Kind kind, std::vector<Operand> operands) {
  Condition c;
  c.kind = kind;
  c.operands = std::move(operands);
  return c;
}

Condition Compare(CompareOp op, Operand a, Operand b) {
  Condition c = Leaf(Condition::Kind::kCompare, {});
  c.op = op;
  c.operands.push_back(std::move(a));
  c.operands.push_back(std::move(b));
  return c;
}

Condition OneCondition(const LegacyCondition& lc, LegacyValues* store) {
  const std::string& op = lc.op;
  auto value = [&](size_t i) { return ValueOperand(lc.values.at(i), store); };
  auto path = [&]() { return PathOperand(lc.attribute); };
  if (op == "EQ") return Compare(CompareOp::kEq, path(), value(0));
  if (op == "NE") return Compare(CompareOp::kNe, path(), value(0));
  if (op == "LT") return Compare(CompareOp::kLt, path(), value(0));
  if (op == "LE") return Compare(CompareOp::kLe, path(), value(0));
  if (op == "GT") return Compare(CompareOp::kGt, path(), value(0));
  if (op == "GE") return Compare(CompareOp::kGe, path(), value(0));
  if (op == "BETWEEN") return Leaf(Condition::Kind::kBetween, {path(), value(0), value(1)});
  if (op == "IN") {
    std::vector<Operand> operands = {path()};
    for (size_t i = 0; i < lc.values.size(); ++i) operands.push_back(value(i));
    return Leaf(Condition::Kind::kIn, std::move(operands));
  }
  if (op == "NULL") {
    return Leaf(Condition::Kind::kFunction,
                {FunctionOperand(Function::kAttributeNotExists, "attribute_not_exists", {path()})});
  }
  if (op == "NOT_NULL") {
    return Leaf(Condition::Kind::kFunction,
                {FunctionOperand(Function::kAttributeExists, "attribute_exists", {path()})});
  }
  if (op == "BEGINS_WITH") {
    return Leaf(Condition::Kind::kFunction,
                {FunctionOperand(Function::kBeginsWith, "begins_with", {path(), value(0)})});
  }
  Condition contains = Leaf(Condition::Kind::kFunction,
                            {FunctionOperand(Function::kContains, "contains", {path(), value(0)})});
  if (op == "CONTAINS") return contains;
  Condition negated;  // NOT_CONTAINS
  negated.kind = Condition::Kind::kNot;
  negated.children.push_back(std::move(contains));
  return negated;
}

}  // namespace

Condition ConditionFromLegacy(const std::vector<LegacyCondition>& conditions, bool use_or,
                              LegacyValues* store) {
  Condition joined = OneCondition(conditions.at(0), store);
  for (size_t i = 1; i < conditions.size(); ++i) {
    Condition both;
    both.kind = use_or ? Condition::Kind::kOr : Condition::Kind::kAnd;
    both.children.push_back(std::move(joined));
    both.children.push_back(OneCondition(conditions[i], store));
    joined = std::move(both);
  }
  return joined;
}

UpdateExpression UpdateFromLegacy(const std::vector<LegacyUpdate>& updates, LegacyValues* store) {
  UpdateExpression u;
  for (const LegacyUpdate& lu : updates) {
    UpdateAction a;
    a.path = PathOperand(lu.attribute).path;
    if (lu.action == "DELETE") {
      a.kind = lu.value ? UpdateAction::Kind::kDelete : UpdateAction::Kind::kRemove;
      if (lu.value) a.value = ValueOperand(*lu.value, store);
    } else if (lu.action == "ADD" && lu.value && lu.value->is(AttributeType::kL)) {
      // ADD of a list appends: SET a = list_append(if_not_exists(a, []), v).
      a.kind = UpdateAction::Kind::kSet;
      Operand start =
          FunctionOperand(Function::kIfNotExists, "if_not_exists",
                          {PathOperand(lu.attribute), ValueOperand(AttributeValue::L({}), store)});
      a.value = FunctionOperand(Function::kListAppend, "list_append",
                                {std::move(start), ValueOperand(*lu.value, store)});
    } else if (lu.action == "ADD") {
      a.kind = UpdateAction::Kind::kAdd;
      a.value = ValueOperand(*lu.value, store);
    } else {  // PUT
      a.kind = UpdateAction::Kind::kSet;
      a.value = ValueOperand(*lu.value, store);
    }
    bool have_section = false;
    for (const UpdateExpression::Section& s : u.sections) have_section |= s.kind == a.kind;
    if (!have_section) u.sections.push_back({a.kind, kNoOffset});
    u.actions.push_back(std::move(a));
  }
  return u;
}

ProjectionExpression ProjectionFromNames(const std::vector<std::string>& names) {
  ProjectionExpression p;
  for (const std::string& name : names) p.paths.push_back(PathOperand(name).path);
  return p;
}

KeyCondition KeyConditionFromLegacy(const std::vector<LegacyCondition>& conditions,
                                    LegacyValues* store) {
  KeyCondition kc;
  for (const LegacyCondition& lc : conditions) {
    KeyCondition::Part part;
    part.attribute = lc.attribute;
    const std::string& op = lc.op;
    part.op = op == "EQ"            ? KeyCondition::Op::kEq
              : op == "LT"          ? KeyCondition::Op::kLt
              : op == "LE"          ? KeyCondition::Op::kLe
              : op == "GT"          ? KeyCondition::Op::kGt
              : op == "GE"          ? KeyCondition::Op::kGe
              : op == "BETWEEN"     ? KeyCondition::Op::kBetween
              : op == "BEGINS_WITH" ? KeyCondition::Op::kBeginsWith
                                    : KeyCondition::Op::kNotIndexable;
    if (!lc.values.empty()) {
      store->push_back(lc.values[0]);
      part.value = &store->back();
    }
    if (lc.values.size() > 1 && part.op == KeyCondition::Op::kBetween) {
      store->push_back(lc.values[1]);
      part.upper = &store->back();
    }
    kc.parts.push_back(std::move(part));
  }
  return kc;
}

std::string LegacyUpdateMessage(const std::string& message) {
  if (message == api::msg::kUpdateOperandType) {
    return "Type mismatch for attribute to update";
  }
  return message;
}

}  // namespace expr
}  // namespace pd

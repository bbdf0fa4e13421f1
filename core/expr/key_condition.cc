// KeyConditionExpression -> the Query shape (ExtractKeyCondition), key
// schema matching (MatchKeySchema), and the unused-placeholder check that
// spans all expressions of a request (CheckUnusedPlaceholders). Declared in
// expr/check.h.
#include <string>
#include <utility>
#include <vector>

#include "api/messages.h"
#include "expr/check.h"

namespace pd {
namespace expr {
namespace {

const char kInvalidOperator[] = "Invalid operator used in KeyConditionExpression: ";
const char kInvalidCondition[] = "Invalid condition in KeyConditionExpression: ";

// DynamoDB's legacy comparison operator name, used in value-type messages.
const char* LegacyName(KeyCondition::Op op) {
  switch (op) {
    case KeyCondition::Op::kEq:
      return "EQ";
    case KeyCondition::Op::kLt:
      return "LT";
    case KeyCondition::Op::kLe:
      return "LE";
    case KeyCondition::Op::kGt:
      return "GT";
    case KeyCondition::Op::kGe:
      return "GE";
    case KeyCondition::Op::kBetween:
      return "BETWEEN";
    case KeyCondition::Op::kBeginsWith:
      return "BEGINS_WITH";
    case KeyCondition::Op::kNotIndexable:
      return "?";
  }
  return "?";
}

// Whether DynamoDB accepts a value of type `t` for `op` on a key.
bool ValueTypeAllowed(KeyCondition::Op op, AttributeType t) {
  switch (op) {
    case KeyCondition::Op::kEq:
      return IsKeyType(t) || IsSetType(t);
    case KeyCondition::Op::kBeginsWith:
      return t == AttributeType::kS || t == AttributeType::kB;
    default:
      return IsKeyType(t);
  }
}

class Extractor {
 public:
  Status Visit(const Condition& c) {
    switch (c.kind) {
      case Condition::Kind::kOr:
        return Status::Validation(std::string(kInvalidOperator) + "OR");
      case Condition::Kind::kNot:
        return Status::Validation(std::string(kInvalidOperator) + "NOT");
      case Condition::Kind::kIn:
        return Status::Validation(std::string(kInvalidOperator) + "IN");
      case Condition::Kind::kAnd:
        for (const Condition& child : c.children) {
          Status s = Visit(child);
          if (!s.ok()) return s;
        }
        return Status::OK();
      case Condition::Kind::kCompare:
        if (c.op == CompareOp::kNe) return Status::Validation(std::string(kInvalidOperator) + "<>");
        return Leaf(c, c.operands, nullptr);
      case Condition::Kind::kBetween:
        if (c.operands[0].kind != Operand::Kind::kPath) {
          return Status::Validation(std::string(kInvalidCondition) +
                                    "BETWEEN operator must have the key attribute as its "
                                    "first operand");
        }
        return Leaf(c, c.operands, nullptr);
      case Condition::Kind::kFunction: {
        const Operand& f = c.operands[0];
        Status s = FunctionAllowed(f);
        if (!s.ok()) return s;
        if (f.args[0].kind != Operand::Kind::kPath) {
          return Status::Validation(std::string(kInvalidCondition) +
                                    "begins_with operator must have the key attribute as "
                                    "its first operand");
        }
        return Leaf(c, f.args, &f);
      }
    }
    return Status::OK();
  }

  std::vector<KeyCondition::Part> TakeParts() { return std::move(parts_); }

 private:
  static Status FunctionAllowed(const Operand& f) {
    switch (f.function) {
      case Function::kBeginsWith:
        return Status::OK();
      case Function::kSize:
        return Status::Validation("KeyConditionExpressions cannot contain nested operations");
      default:
        return Status::Validation(std::string(kInvalidOperator) + f.name);
    }
  }

  // A comparison, BETWEEN or begins_with: exactly one top-level key
  // attribute among `args`, once per key.
  Status Leaf(const Condition& c, const std::vector<Operand>& args, const Operand* function) {
    const Path* key = nullptr;
    size_t key_index = 0;
    for (size_t i = 0; i < args.size(); ++i) {
      const Operand& a = args[i];
      if (a.kind == Operand::Kind::kPath) {
        if (key != nullptr) {
          return Status::Validation(std::string(kInvalidCondition) +
                                    "Multiple attribute names used in one condition");
        }
        if (a.path.elements.size() > 1) {
          return Status::Validation(
              "KeyConditionExpressions cannot have conditions on nested attributes");
        }
        key = &a.path;
        key_index = i;
      } else if (a.kind == Operand::Kind::kFunction) {
        Status s = FunctionAllowed(a);
        if (!s.ok()) return s;
        return Status::Validation("KeyConditionExpressions cannot contain nested operations");
      }
    }
    if (key == nullptr) {
      return Status::Validation(std::string(kInvalidCondition) + "No key attribute specified");
    }
    const std::string& name = key->elements[0].name;
    for (const KeyCondition::Part& p : parts_) {
      if (p.attribute == name) {
        return Status::Validation(
            "KeyConditionExpressions must only contain one condition per key");
      }
    }
    KeyCondition::Part part;
    part.attribute = name;
    if (function != nullptr) {
      part.op = KeyCondition::Op::kBeginsWith;
      part.value = args[1].value;
    } else if (c.kind == Condition::Kind::kBetween) {
      part.op = KeyCondition::Op::kBetween;
      part.value = args[1].value;
      part.upper = args[2].value;
    } else {
      // With the key on the right, "<" becomes ">" and so on.
      const bool flip = key_index != 0;
      switch (c.op) {
        case CompareOp::kLt:
          part.op = flip ? KeyCondition::Op::kGt : KeyCondition::Op::kLt;
          break;
        case CompareOp::kLe:
          part.op = flip ? KeyCondition::Op::kGe : KeyCondition::Op::kLe;
          break;
        case CompareOp::kGt:
          part.op = flip ? KeyCondition::Op::kLt : KeyCondition::Op::kGt;
          break;
        case CompareOp::kGe:
          part.op = flip ? KeyCondition::Op::kLe : KeyCondition::Op::kGe;
          break;
        default:
          part.op = KeyCondition::Op::kEq;
          break;
      }
      part.value = args[flip ? 0 : 1].value;
    }
    parts_.push_back(std::move(part));
    return Status::OK();
  }

  std::vector<KeyCondition::Part> parts_;  // conditions found so far, in textual order
};

std::string JoinUnused(const std::vector<std::string>& keys) {
  std::string out;
  for (const std::string& k : keys) {
    if (!out.empty()) out += ", ";
    out += k;
  }
  return "{" + out + "}";
}

}  // namespace

Result<KeyCondition> ExtractKeyCondition(const Condition& checked) {
  Extractor extractor;
  Status s = extractor.Visit(checked);
  if (!s.ok()) return s;
  KeyCondition out;
  out.parts = extractor.TakeParts();
  for (const KeyCondition::Part& p : out.parts) {
    for (const AttributeValue* v : {p.value, p.upper}) {
      if (v == nullptr || ValueTypeAllowed(p.op, v->type())) continue;
      return Status::Validation(
          api::msg::OperatorNotValidForType(LegacyName(p.op), AttributeTypeName(v->type())));
    }
  }
  if (out.parts.size() != 1 && out.parts.size() != 2) {
    return Status::Validation(api::msg::kKeyConditionCount);
  }
  return out;
}

Status MatchKeySchema(const KeyCondition& key_condition, std::string_view hash_key,
                      std::string_view range_key, std::optional<AttributeType> hash_type,
                      std::optional<AttributeType> range_type) {
  const KeyCondition::Part* hash = nullptr;
  const KeyCondition::Part* other = nullptr;
  for (const KeyCondition::Part& p : key_condition.parts) {
    (p.attribute == hash_key ? hash : other) = &p;
  }
  if (hash == nullptr) {
    return Status::Validation(api::msg::kKeyConditionMissedKey + std::string(hash_key));
  }
  if (other != nullptr) {
    if (range_key.empty()) return Status::Validation(api::msg::kKeyConditionNotSupported);
    if (other->attribute != range_key) {
      return Status::Validation(api::msg::kKeyConditionMissedKey + std::string(range_key));
    }
  }
  if (hash->op != KeyCondition::Op::kEq) {
    return Status::Validation(api::msg::kKeyConditionNotSupported);
  }
  const auto mismatch = [](const KeyCondition::Part* p, std::optional<AttributeType> type) {
    if (p == nullptr || !type.has_value()) return false;
    for (const AttributeValue* v : {p->value, p->upper}) {
      if (v != nullptr && v->type() != *type) return true;
    }
    return false;
  };
  if (mismatch(hash, hash_type) || mismatch(other, range_type)) {
    return Status::Validation(api::msg::kConditionTypeMismatch);
  }
  return Status::OK();
}

Status CheckUnusedPlaceholders(const NameMap* names, const ValueMap* values,
                               const PlaceholderUse& use) {
  std::vector<std::string> unused;
  if (names != nullptr) {
    for (const auto& entry : *names) {
      if (use.names.count(entry.first) == 0) unused.push_back(entry.first);
    }
  }
  if (!unused.empty()) {
    return Status::Validation(
        "Value provided in ExpressionAttributeNames unused in expressions: keys: " +
        JoinUnused(unused));
  }
  if (values != nullptr) {
    for (const auto& entry : *values) {
      if (use.values.count(entry.first) == 0) unused.push_back(entry.first);
    }
  }
  if (!unused.empty()) {
    return Status::Validation(
        "Value provided in ExpressionAttributeValues unused in expressions: keys: " +
        JoinUnused(unused));
  }
  return Status::OK();
}

}  // namespace expr
}  // namespace pd

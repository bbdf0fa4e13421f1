#include "expr/evaluate.h"

#include <cstdint>
#include <utility>

namespace pd {
namespace expr {
namespace {

// An operand's value during evaluation: borrowed from the item or the value
// map, computed (size()), or missing.
class OperandValue {
 public:
  OperandValue() = default;
  explicit OperandValue(const AttributeValue* borrowed) : borrowed_(borrowed) {}
  explicit OperandValue(AttributeValue computed)
      : computed_(std::move(computed)), has_computed_(true) {}

  // nullptr when missing. Valid while this object and the item live.
  const AttributeValue* get() const { return has_computed_ ? &computed_ : borrowed_; }

 private:
  const AttributeValue* borrowed_ = nullptr;  // not owned
  AttributeValue computed_;                   // when has_computed_
  bool has_computed_ = false;                 // which member holds the value
};

// UTF-16 code units of UTF-8 text, as DynamoDB's size() counts a string:
// one per character, two for a character outside the Basic Multilingual
// Plane (a 4-byte UTF-8 sequence). Stored strings are valid UTF-8.
int64_t Utf16Units(const std::string& utf8) {
  int64_t units = 0;
  for (unsigned char c : utf8) {
    if ((c & 0xC0) != 0x80) ++units;  // a lead byte starts a character
    if (c >= 0xF0) ++units;           // 4-byte sequence: a surrogate pair
  }
  return units;
}

// size() of a value, or false for types that have none.
bool SizeOf(const AttributeValue& v, int64_t* out) {
  switch (v.type()) {
    case AttributeType::kS:
      *out = Utf16Units(v.s());
      return true;
    case AttributeType::kB:
      *out = static_cast<int64_t>(v.b().size());
      return true;
    case AttributeType::kSS:
    case AttributeType::kNS:
    case AttributeType::kBS:
      *out = static_cast<int64_t>(v.SetSize());
      return true;
    case AttributeType::kM:
      *out = static_cast<int64_t>(v.m().size());
      return true;
    case AttributeType::kL:
      *out = static_cast<int64_t>(v.l().size());
      return true;
    default:
      return false;
  }
}

OperandValue EvaluateOperand(const Operand& o, const Item& item) {
  switch (o.kind) {
    case Operand::Kind::kPath:
      return OperandValue(ResolvePath(item, o.path));
    case Operand::Kind::kValue:
      return OperandValue(o.value);
    case Operand::Kind::kFunction: {
      if (o.function != Function::kSize || o.args.size() != 1) return OperandValue();
      OperandValue arg = EvaluateOperand(o.args[0], item);
      int64_t size = 0;
      if (arg.get() == nullptr || !SizeOf(*arg.get(), &size)) return OperandValue();
      return OperandValue(AttributeValue::N(Decimal::FromInt64(size)));
    }
    default:
      return OperandValue();
  }
}

// Ordering comparison under DynamoDB's rule: only between two present values
// of the same type S, N or B. Returns false if not comparable.
bool Order(const AttributeValue* a, const AttributeValue* b, int* cmp) {
  if (a == nullptr || b == nullptr || a->type() != b->type() || !IsKeyType(a->type())) {
    return false;
  }
  *cmp = AttributeValue::CompareScalars(*a, *b);
  return true;
}

bool Equal(const AttributeValue* a, const AttributeValue* b) {
  return a != nullptr && b != nullptr && *a == *b;
}

bool Compare(CompareOp op, const AttributeValue* a, const AttributeValue* b) {
  if (op == CompareOp::kEq) return Equal(a, b);
  if (op == CompareOp::kNe) return !Equal(a, b);
  int cmp = 0;
  if (!Order(a, b, &cmp)) return false;
  switch (op) {
    case CompareOp::kLt:
      return cmp < 0;
    case CompareOp::kLe:
      return cmp <= 0;
    case CompareOp::kGt:
      return cmp > 0;
    case CompareOp::kGe:
      return cmp >= 0;
    default:
      return false;
  }
}

bool BeginsWith(const AttributeValue* a, const AttributeValue* b) {
  if (a == nullptr || b == nullptr || a->type() != b->type()) return false;
  if (a->type() != AttributeType::kS && a->type() != AttributeType::kB) return false;
  const std::string& whole = a->bytes();
  const std::string& prefix = b->bytes();
  return whole.size() >= prefix.size() && whole.compare(0, prefix.size(), prefix) == 0;
}

bool Contains(const AttributeValue* a, const AttributeValue* b) {
  if (a == nullptr || b == nullptr) return false;
  switch (a->type()) {
    case AttributeType::kS:
    case AttributeType::kB:
      return b->type() == a->type() && a->bytes().find(b->bytes()) != std::string::npos;
    case AttributeType::kSS:
    case AttributeType::kNS:
    case AttributeType::kBS:
      return a->SetContains(*b);
    case AttributeType::kL:
      for (const AttributeValue& e : a->l()) {
        if (e == *b) return true;
      }
      return false;
    default:
      return false;
  }
}

bool EvaluateFunction(const Operand& f, const Item& item) {
  switch (f.function) {
    case Function::kAttributeExists:
      return ResolvePath(item, f.args[0].path) != nullptr;
    case Function::kAttributeNotExists:
      return ResolvePath(item, f.args[0].path) == nullptr;
    case Function::kAttributeType: {
      const AttributeValue* v = ResolvePath(item, f.args[0].path);
      OperandValue type = EvaluateOperand(f.args[1], item);
      return v != nullptr && type.get() != nullptr && type.get()->is(AttributeType::kS) &&
             type.get()->s() == AttributeTypeName(v->type());
    }
    case Function::kBeginsWith: {
      OperandValue a = EvaluateOperand(f.args[0], item);
      OperandValue b = EvaluateOperand(f.args[1], item);
      return BeginsWith(a.get(), b.get());
    }
    case Function::kContains: {
      OperandValue a = EvaluateOperand(f.args[0], item);
      OperandValue b = EvaluateOperand(f.args[1], item);
      return Contains(a.get(), b.get());
    }
    default:
      return false;  // size() as a condition is rejected by Check
  }
}

}  // namespace

const AttributeValue* ResolvePath(const Item& item, const Path& path) {
  if (path.elements.empty() || path.elements[0].kind != PathElement::Kind::kName) return nullptr;
  const AttributeValue* v = item.Find(path.elements[0].name);
  for (size_t i = 1; i < path.elements.size() && v != nullptr; ++i) {
    const PathElement& e = path.elements[i];
    if (e.kind == PathElement::Kind::kName) {
      v = v->is(AttributeType::kM) ? v->m().Find(e.name) : nullptr;
    } else if (v->is(AttributeType::kL) && e.index < v->l().size()) {
      v = &v->l()[e.index];
    } else {
      v = nullptr;
    }
  }
  return v;
}

bool Evaluate(const Condition& c, const Item& item) {
  switch (c.kind) {
    case Condition::Kind::kAnd:
      return Evaluate(c.children[0], item) && Evaluate(c.children[1], item);
    case Condition::Kind::kOr:
      return Evaluate(c.children[0], item) || Evaluate(c.children[1], item);
    case Condition::Kind::kNot:
      return !Evaluate(c.children[0], item);
    case Condition::Kind::kFunction:
      return EvaluateFunction(c.operands[0], item);
    case Condition::Kind::kCompare: {
      OperandValue a = EvaluateOperand(c.operands[0], item);
      OperandValue b = EvaluateOperand(c.operands[1], item);
      return Compare(c.op, a.get(), b.get());
    }
    case Condition::Kind::kBetween: {
      OperandValue v = EvaluateOperand(c.operands[0], item);
      OperandValue low = EvaluateOperand(c.operands[1], item);
      OperandValue high = EvaluateOperand(c.operands[2], item);
      int lower = 0, upper = 0;
      return Order(v.get(), low.get(), &lower) && Order(v.get(), high.get(), &upper) &&
             lower >= 0 && upper <= 0;
    }
    case Condition::Kind::kIn: {
      OperandValue v = EvaluateOperand(c.operands[0], item);
      if (v.get() == nullptr) return false;
      for (size_t i = 1; i < c.operands.size(); ++i) {
        OperandValue candidate = EvaluateOperand(c.operands[i], item);
        if (Equal(v.get(), candidate.get())) return true;
      }
      return false;
    }
  }
  return false;
}

}  // namespace expr
}  // namespace pd

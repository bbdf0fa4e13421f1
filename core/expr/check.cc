// The semantic pass: one checker per expression family. Each walks the AST
// once, in the order DynamoDB's parser completes nodes (operands before the
// operator or function that uses them, left to right), and records the first
// error of every category in a slot; the reported error is the first filled
// slot in the family's error order (see check.h). This is dynalite's
// errorOrder design, done as a separate pass over a finished tree.
#include "expr/check.h"

#include <utility>
#include <vector>

#include "expr/parser.h"
#include "expr/reserved_words.h"
#include "util/base64.h"
#include "value/json_codec.h"

namespace pd {
namespace expr {
namespace {

struct Error {
  std::string message;  // without the "Invalid <Kind>: " prefix
  uint32_t offset;      // where, or kNoOffset
};
using Slot = std::optional<Error>;

void Record(Slot* slot, std::string message, uint32_t offset) {
  if (!slot->has_value()) *slot = Error{std::move(message), offset};
}

// The first filled slot, as a Status with the expression's prefix.
Status Report(ExpressionKind kind, std::initializer_list<const Slot*> order,
              uint32_t* error_offset) {
  for (const Slot* slot : order) {
    if (!slot->has_value()) continue;
    if (error_offset != nullptr) *error_offset = (*slot)->offset;
    return Status::Validation(std::string("Invalid ") + ExpressionKindName(kind) + ": " +
                              (*slot)->message);
  }
  if (error_offset != nullptr) *error_offset = kNoOffset;
  return Status::OK();
}

const char kOperandsMessage[] = "Incorrect number of operands for operator or function; ";
const char kOperandTypeMessage[] = "Incorrect operand type for operator or function; ";

// "AttributeValue: {N:5}" as DynamoDB prints BETWEEN bounds.
std::string BoundText(const AttributeValue& v) {
  std::string body;
  switch (v.type()) {
    case AttributeType::kS:
      body = v.s();
      break;
    case AttributeType::kN:
      body = v.n().ToString();
      break;
    case AttributeType::kB:
      body = Base64Encode(v.b());
      break;
    case AttributeType::kBool:
      body = v.boolean() ? "true" : "false";
      break;
    case AttributeType::kNull:
      body = "true";
      break;
    default:
      body = AttributeValueToJson(v).begin().value().dump();
      break;
  }
  return std::string("AttributeValue: {") + AttributeTypeName(v.type()) + ":" + body + "}";
}

// Placeholder substitution shared by the checkers.
class Resolver {
 public:
  explicit Resolver(const CheckContext& ctx) : ctx_(ctx) {}

  // Replaces a #name element by its attribute name. False if undefined.
  bool ResolveName(PathElement* e) {
    const std::string key = e->name;
    if (ctx_.use != nullptr) ctx_.use->names.insert(key);
    if (ctx_.names == nullptr) return false;
    auto it = ctx_.names->find(key);
    if (it == ctx_.names->end()) return false;
    e->name = it->second;
    return true;
  }

  // Points a :value operand at its value. False if undefined.
  bool ResolveValue(Operand* o) {
    if (ctx_.use != nullptr) ctx_.use->values.insert(o->name);
    if (ctx_.values == nullptr) return false;
    o->value = ctx_.values->Find(o->name);
    return o->value != nullptr;
  }

 private:
  const CheckContext& ctx_;
};

std::string UndefinedName(const std::string& name) {
  return "An expression attribute name used in the document path is not defined; "
         "attribute name: " +
         name;
}

std::string UndefinedValue(const std::string& name) {
  return "An expression attribute value used in expression is not defined; attribute value: " +
         name;
}

std::string ReservedMessage(const std::string& name) {
  return "Attribute name is a reserved keyword; reserved keyword: " + name;
}

// Substitutes the #names of a path and records reserved bare names. Returns
// false if some placeholder is undefined (reported in *undefined).
bool VisitPath(Path* path, Resolver* resolver, Slot* reserved, Slot* undefined) {
  bool resolved = true;
  for (PathElement& e : path->elements) {
    if (e.kind != PathElement::Kind::kName) continue;
    if (e.placeholder) {
      const std::string written = e.name;
      if (!resolver->ResolveName(&e)) {
        Record(undefined, UndefinedName(written), e.offset);
        resolved = false;
      }
    } else if (IsReservedWord(e.name)) {
      Record(reserved, ReservedMessage(e.name), e.offset);
    }
  }
  return resolved;
}

// Overlap/conflict between document paths, in the order given (update
// actions, projection paths). Unresolved paths (nullptr) are skipped.
void CheckPathOverlaps(const std::vector<const Path*>& paths, Slot* overlap, Slot* conflict) {
  std::vector<const Path*> seen;
  for (const Path* path : paths) {
    if (path == nullptr) continue;
    for (const Path* earlier : seen) {
      const size_t n = std::min(earlier->elements.size(), path->elements.size());
      bool differ = false;
      for (size_t i = 0; i < n && !differ; ++i) {
        const PathElement& a = earlier->elements[i];
        const PathElement& b = path->elements[i];
        if (a.kind != b.kind) {
          Record(conflict,
                 "Two document paths conflict with each other; must remove or rewrite one of "
                 "these paths; path one: " +
                     earlier->ToString() + ", path two: " + path->ToString(),
                 path->offset);
          differ = true;
        } else if (a.kind == PathElement::Kind::kIndex ? a.index != b.index : a.name != b.name) {
          differ = true;
        }
      }
      if (!differ) {
        Record(overlap,
               "Two document paths overlap with each other; must remove or rewrite one of these "
               "paths; path one: " +
                   earlier->ToString() + ", path two: " + path->ToString(),
               path->offset);
        return;
      }
    }
    seen.push_back(path);
  }
}

// ---- conditions -------------------------------------------------------------

class ConditionChecker {
 public:
  ConditionChecker(const CheckContext& ctx, ExpressionKind kind) : resolver_(ctx), kind_(kind) {}

  Status Run(Condition* root, uint32_t* error_offset) {
    VisitCondition(root);
    MisusedSize(*root);
    return Report(kind_,
                  {&in_operands_, &parens_, &unknown_function_, &misused_, &reserved_, &condition_},
                  error_offset);
  }

 private:
  // Errors of one leaf condition, in priority order.
  struct Leaf {
    Slot undefined;  // undefined #name / :value
    Slot operands;   // wrong number of function operands
    Slot distinct;   // same path on both sides
    Slot function;   // operand kinds and types
  };

  // Type of an operand as far as known before reading an item: a value's
  // type, a function's result type; empty for paths.
  static std::string TypeOf(const Operand& o) {
    if (o.kind == Operand::Kind::kValue) {
      return o.value != nullptr ? AttributeTypeName(o.value->type()) : "";
    }
    if (o.kind != Operand::Kind::kFunction) return "";
    switch (FunctionFromName(o.name)) {
      case Function::kSize:
        return "N";
      case Function::kBeginsWith:
      case Function::kContains:
      case Function::kAttributeType:
        return "BOOL";
      default:
        return "";
    }
  }

  void VisitCondition(Condition* c) {
    if (c->parens >= 2) Record(&parens_, "The expression has redundant parentheses;", c->offset);
    switch (c->kind) {
      case Condition::Kind::kAnd:
      case Condition::Kind::kOr:
      case Condition::Kind::kNot:
        for (Condition& child : c->children) VisitCondition(&child);
        for (const Condition& child : c->children) MisusedSize(child);
        return;
      default:
        break;
    }
    Leaf leaf;
    for (Operand& o : c->operands) VisitOperand(&o, &leaf);
    if (c->kind == Condition::Kind::kIn && c->operands.size() - 1 > kMaxInOperands) {
      Record(&in_operands_,
             "The IN operator is provided with too many operands; number of operands: " +
                 std::to_string(c->operands.size() - 1),
             c->offset);
    }
    if (c->kind != Condition::Kind::kFunction) MisusedArguments(c->operands);
    switch (c->kind) {
      case Condition::Kind::kCompare:
        Distinct(CompareOpText(c->op), c->operands, &leaf);
        if (c->op != CompareOp::kEq && c->op != CompareOp::kNe) {
          OrderableOperands(CompareOpText(c->op), c->operands, &leaf);
        }
        break;
      case Condition::Kind::kBetween:
        Distinct("BETWEEN", c->operands, &leaf);
        OrderableOperands("BETWEEN", c->operands, &leaf);
        BetweenBounds(c->operands[1], c->operands[2], &leaf);
        break;
      case Condition::Kind::kIn:
        Distinct("IN", c->operands, &leaf);
        break;
      default:
        break;
    }
    for (Slot* slot : {&leaf.undefined, &leaf.operands, &leaf.distinct, &leaf.function}) {
      if (slot->has_value() && !condition_.has_value()) condition_ = std::move(*slot);
    }
  }

  void VisitOperand(Operand* o, Leaf* leaf) {
    if (o->parens >= 2) Record(&parens_, "The expression has redundant parentheses;", o->offset);
    switch (o->kind) {
      case Operand::Kind::kPath:
        if (!VisitPath(&o->path, &resolver_, &reserved_, &leaf->undefined)) {
          unresolved_.push_back(&o->path);
        }
        return;
      case Operand::Kind::kValue:
        if (!resolver_.ResolveValue(o))
          Record(&leaf->undefined, UndefinedValue(o->name), o->offset);
        return;
      default:
        for (Operand& arg : o->args) VisitOperand(&arg, leaf);
        MisusedArguments(o->args);
        CheckFunction(o, leaf);
        return;
    }
  }

  void MisusedArguments(const std::vector<Operand>& operands) {
    for (const Operand& o : operands) {
      if (o.kind == Operand::Kind::kFunction && o.name != "size") Misused(o.name, o.offset);
    }
  }

  void MisusedSize(const Condition& c) {
    if (c.kind == Condition::Kind::kFunction && c.operands[0].name == "size") {
      Misused("size", c.offset);
    }
  }

  void Misused(const std::string& name, uint32_t offset) {
    Record(&misused_,
           "The function is not allowed to be used this way in an expression; function: " + name,
           offset);
  }

  bool Resolved(const Path& p) const {
    for (const Path* u : unresolved_) {
      if (u == &p) return false;
    }
    return true;
  }

  void Distinct(const std::string& op, const std::vector<Operand>& operands, Leaf* leaf) {
    if (operands.size() < 2) return;
    const Operand& first = operands[0];
    if (first.kind != Operand::Kind::kPath || !Resolved(first.path)) return;
    for (size_t i = 1; i < operands.size(); ++i) {
      const Operand& o = operands[i];
      if (o.kind == Operand::Kind::kPath && Resolved(o.path) && o.path.SameAs(first.path)) {
        Record(&leaf->distinct,
               "The first operand must be distinct from the remaining operands for this operator "
               "or function; operator: " +
                   op + ", first operand: " + first.path.ToString(),
               o.offset);
        return;
      }
    }
  }

  // <, <=, >, >= and BETWEEN order only S, N and B: an operand whose type is
  // known before any item is read (a value, size()) and is another type is
  // rejected up front, as DynamoDB does, rather than never matching. Key
  // conditions keep their own message (ExtractKeyCondition).
  void OrderableOperands(const char* op, const std::vector<Operand>& operands, Leaf* leaf) {
    if (kind_ == ExpressionKind::kKeyCondition) return;
    for (const Operand& o : operands) {
      const std::string type = TypeOf(o);
      if (!type.empty() && type != "S" && type != "N" && type != "B") {
        Record(&leaf->function,
               std::string(kOperandTypeMessage) + "operator or function: " + op +
                   ", operand type: " + type,
               o.offset);
        return;
      }
    }
  }

  void BetweenBounds(const Operand& low, const Operand& high, Leaf* leaf) {
    if (low.kind != Operand::Kind::kValue || high.kind != Operand::Kind::kValue ||
        low.value == nullptr || high.value == nullptr) {
      return;
    }
    const AttributeValue& a = *low.value;
    const AttributeValue& b = *high.value;
    const std::string bounds =
        "; lower bound operand: " + BoundText(a) + ", upper bound operand: " + BoundText(b);
    if (a.type() != b.type()) {
      Record(&leaf->function,
             "The BETWEEN operator requires same data type for lower and upper bounds" + bounds,
             low.offset);
    } else if (IsKeyType(a.type()) && AttributeValue::CompareScalars(a, b) > 0) {
      Record(&leaf->function,
             "The BETWEEN operator requires upper bound to be greater than or equal to lower "
             "bound" +
                 bounds,
             low.offset);
    }
  }

  void CheckFunction(Operand* o, Leaf* leaf) {
    o->function = FunctionFromName(o->name);
    size_t arity = 2;
    switch (o->function) {
      case Function::kAttributeExists:
      case Function::kAttributeNotExists:
      case Function::kSize:
        arity = 1;
        break;
      case Function::kAttributeType:
      case Function::kBeginsWith:
      case Function::kContains:
        break;
      default:
        Record(&unknown_function_, "Invalid function name; function: " + o->name, o->offset);
        return;
    }
    if (o->args.size() != arity) {
      Record(&leaf->operands,
             std::string(kOperandsMessage) + "operator or function: " + o->name +
                 ", number of operands: " + std::to_string(o->args.size()),
             o->offset);
      return;
    }
    if (arity == 2) Distinct(o->name, o->args, leaf);
    const auto wrong_type = [&](const std::string& type, uint32_t at) {
      Record(&leaf->function,
             std::string(kOperandTypeMessage) + "operator or function: " + o->name +
                 ", operand type: " + type,
             at);
    };
    const auto needs_path = [&]() {
      if (o->args[0].kind == Operand::Kind::kPath) return true;
      Record(&leaf->function,
             "Operator or function requires a document path; operator or function: " + o->name,
             o->args[0].offset);
      return false;
    };
    switch (o->function) {
      case Function::kAttributeExists:
      case Function::kAttributeNotExists:
        needs_path();
        break;
      case Function::kAttributeType: {
        if (!needs_path()) break;
        const Operand& t = o->args[1];
        const std::string type = TypeOf(t);
        if (type != "S") {
          wrong_type(type.empty() ? "{NS,SS,L,BS,N,M,B,BOOL,NULL,S}" : type, t.offset);
        } else if (t.kind == Operand::Kind::kValue &&
                   !AttributeTypeFromName(t.value->s()).has_value()) {
          Record(&leaf->function,
                 "Invalid attribute type name found; type: " + t.value->s() +
                     ", valid types: {B,NULL,SS,BOOL,L,BS,N,NS,S,M}",
                 t.offset);
        }
        break;
      }
      case Function::kBeginsWith:
        for (const Operand& arg : o->args) {
          const std::string type = TypeOf(arg);
          if (!type.empty() && type != "S" && type != "B") wrong_type(type, arg.offset);
        }
        break;
      case Function::kSize: {
        const std::string type = TypeOf(o->args[0]);
        if (type == "N" || type == "BOOL" || type == "NULL") wrong_type(type, o->args[0].offset);
        break;
      }
      default:
        break;
    }
  }

  Resolver resolver_;
  ExpressionKind kind_;
  std::vector<const Path*> unresolved_;  // paths with an undefined #name
  Slot in_operands_;                     // IN with more than 100 operands
  Slot parens_;                          // (( ... ))
  Slot unknown_function_;                // not a condition function
  Slot misused_;                         // function used where it may not be
  Slot reserved_;                        // reserved word as a bare name
  Slot condition_;                       // first leaf error
};

// ---- update expressions ---------------------------------------------------------

class UpdateChecker {
 public:
  explicit UpdateChecker(const CheckContext& ctx) : resolver_(ctx) {}

  Status Run(UpdateExpression* u, uint32_t* error_offset) {
    bool seen[4] = {false, false, false, false};
    for (const UpdateExpression::Section& s : u->sections) {
      bool& was = seen[static_cast<int>(s.kind)];
      if (was) {
        Record(&section_,
               std::string("The \"") + UpdateActionKindName(s.kind) +
                   "\" section can only be used once in an update expression;",
               s.offset);
      }
      was = true;
    }
    std::vector<const Path*> paths;
    for (UpdateAction& a : u->actions) {
      const bool resolved = VisitPath(&a.path, &resolver_, &reserved_, &attr_name_);
      switch (a.kind) {
        case UpdateAction::Kind::kSet:
          VisitValue(&a.value);
          break;
        case UpdateAction::Kind::kRemove:
          break;
        case UpdateAction::Kind::kAdd:
        case UpdateAction::Kind::kDelete:
          if (!resolver_.ResolveValue(&a.value)) {
            Record(&attr_val_, UndefinedValue(a.value.name), a.value.offset);
          } else {
            CheckAddDeleteOperand(a);
          }
          break;
      }
      paths.push_back(resolved ? &a.path : nullptr);
    }
    CheckPathOverlaps(paths, &overlap_, &conflict_);
    return Report(ExpressionKind::kUpdate,
                  {&reserved_, &unknown_function_, &section_, &attr_name_, &attr_val_, &overlap_,
                   &conflict_, &operand_, &function_},
                  error_offset);
  }

 private:
  void VisitValue(Operand* o) {
    switch (o->kind) {
      case Operand::Kind::kPath:
        VisitPath(&o->path, &resolver_, &reserved_, &attr_name_);
        return;
      case Operand::Kind::kValue:
        if (!resolver_.ResolveValue(o)) Record(&attr_val_, UndefinedValue(o->name), o->offset);
        return;
      case Operand::Kind::kFunction:
        for (Operand& arg : o->args) VisitValue(&arg);
        CheckFunction(o);
        return;
      case Operand::Kind::kPlus:
      case Operand::Kind::kMinus:
        for (Operand& arg : o->args) VisitValue(&arg);
        CheckOperandTypes(o->kind == Operand::Kind::kPlus ? "+" : "-", o->args, "N");
        return;
    }
  }

  void CheckFunction(Operand* o) {
    o->function = FunctionFromName(o->name);
    if (o->function != Function::kIfNotExists && o->function != Function::kListAppend) {
      Record(&unknown_function_, "Invalid function name; function: " + o->name, o->offset);
      return;
    }
    if (o->args.size() != 2) {
      Record(&function_,
             std::string(kOperandsMessage) + "operator or function: " + o->name +
                 ", number of operands: " + std::to_string(o->args.size()),
             o->offset);
      return;
    }
    if (o->function == Function::kIfNotExists) {
      if (o->args[0].kind != Operand::Kind::kPath) {
        Record(&function_,
               "Operator or function requires a document path; operator or function: " + o->name,
               o->args[0].offset);
      }
      return;
    }
    CheckOperandTypes(o->name, o->args, "L");
  }

  // Values among `args` must be of type `want` (paths and functions are
  // only known per item).
  void CheckOperandTypes(const std::string& op, const std::vector<Operand>& args,
                         const char* want) {
    for (const Operand& arg : args) {
      if (arg.kind != Operand::Kind::kValue || arg.value == nullptr) continue;
      const char* type = AttributeTypeName(arg.value->type());
      if (std::string(type) != want) {
        Record(&function_,
               std::string(kOperandTypeMessage) + "operator or function: " + op +
                   ", operand type: " + type,
               arg.offset);
        return;
      }
    }
  }

  void CheckAddDeleteOperand(const UpdateAction& a) {
    const AttributeType t = a.value.value->type();
    if (IsSetType(t)) return;
    if (a.kind == UpdateAction::Kind::kAdd && t == AttributeType::kN) return;
    const char* name = "";
    switch (t) {
      case AttributeType::kS:
        name = "STRING";
        break;
      case AttributeType::kN:
        name = "NUMBER";
        break;
      case AttributeType::kB:
        name = "BINARY";
        break;
      case AttributeType::kNull:
        name = "NULL";
        break;
      case AttributeType::kBool:
        name = "BOOLEAN";
        break;
      case AttributeType::kL:
        name = "LIST";
        break;
      case AttributeType::kM:
        name = "MAP";
        break;
      default:
        break;
    }
    Record(&operand_,
           std::string(kOperandTypeMessage) + "operator: " + UpdateActionKindName(a.kind) +
               ", operand type: " + name,
           a.value.offset);
  }

  Resolver resolver_;
  Slot reserved_, unknown_function_, section_, attr_name_, attr_val_;  // in error order
  Slot overlap_, conflict_, operand_, function_;
};

}  // namespace

Status CheckCondition(Condition* condition, ExpressionKind kind, const CheckContext& ctx,
                      uint32_t* error_offset) {
  return ConditionChecker(ctx, kind).Run(condition, error_offset);
}

Status CheckUpdate(UpdateExpression* update, const CheckContext& ctx, uint32_t* error_offset) {
  return UpdateChecker(ctx).Run(update, error_offset);
}

Status CheckProjection(ProjectionExpression* projection, const CheckContext& ctx,
                       uint32_t* error_offset) {
  Resolver resolver(ctx);
  Slot reserved, undefined, overlap, conflict;
  std::vector<const Path*> paths;
  for (Path& p : projection->paths) {
    paths.push_back(VisitPath(&p, &resolver, &reserved, &undefined) ? &p : nullptr);
  }
  CheckPathOverlaps(paths, &overlap, &conflict);
  return Report(ExpressionKind::kProjection, {&reserved, &undefined, &overlap, &conflict},
                error_offset);
}

Result<Condition> ParseAndCheckCondition(std::string_view text, ExpressionKind kind,
                                         const CheckContext& ctx) {
  Result<Condition> parsed = ParseCondition(text, kind);
  if (!parsed.ok()) return parsed;
  Status s = CheckCondition(&*parsed, kind, ctx);
  if (!s.ok()) return s;
  return parsed;
}

Result<UpdateExpression> ParseAndCheckUpdate(std::string_view text, const CheckContext& ctx) {
  Result<UpdateExpression> parsed = ParseUpdate(text);
  if (!parsed.ok()) return parsed;
  Status s = CheckUpdate(&*parsed, ctx);
  if (!s.ok()) return s;
  return parsed;
}

Result<ProjectionExpression> ParseAndCheckProjection(std::string_view text,
                                                     const CheckContext& ctx) {
  Result<ProjectionExpression> parsed = ParseProjection(text);
  if (!parsed.ok()) return parsed;
  Status s = CheckProjection(&*parsed, ctx);
  if (!s.ok()) return s;
  return parsed;
}

}  // namespace expr
}  // namespace pd

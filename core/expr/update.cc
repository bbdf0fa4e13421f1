// ApplyUpdate runs in three phases so that an error leaves the item
// untouched and errors are reported in textual order:
//   A. compute every SET value from the original item;
//   B. check every action's parent path, and compute ADD/DELETE results,
//      against the original item (paths never overlap - Check guarantees
//      it - so no action changes what another one reads);
//   C. write: SET/ADD/DELETE in path order (so appends to one list land in
//      index order), then REMOVE in descending path order (so list indexes
//      keep referring to the original positions).
#include "expr/update.h"

#include <algorithm>
#include <optional>
#include <utility>

#include "api/messages.h"
#include "expr/evaluate.h"

namespace pd {
namespace expr {
namespace {

const char kMissingAttribute[] =
    "The provided expression refers to an attribute that does not exist in the item";

// a + b or a - b as SET and ADD compute them. DynamoDB reports a result that
// needs more than 38 significant digits as an overflow here (a number
// written directly gets the "38 significant digits" message instead).
Result<Decimal> Arithmetic(const Decimal& a, const Decimal& b, bool subtract) {
  NumberError error = NumberError::kNone;
  Result<Decimal> r = subtract ? Decimal::Subtract(a, b, &error) : Decimal::Add(a, b, &error);
  if (!r.ok() && error == NumberError::kTooManyDigits) {
    return Status::Validation(NumberErrorMessage(NumberError::kOverflow, ""));
  }
  return r;
}
const char kInvalidPath[] =
    "The document path provided in the update expression is invalid for update";

// Computes a SET right-hand side against the original item.
Result<AttributeValue> ComputeValue(const Operand& o, const Item& item) {
  switch (o.kind) {
    case Operand::Kind::kPath: {
      const AttributeValue* v = ResolvePath(item, o.path);
      if (v == nullptr) return Status::Validation(kMissingAttribute);
      return *v;
    }
    case Operand::Kind::kValue:
      return *o.value;
    case Operand::Kind::kPlus:
    case Operand::Kind::kMinus: {
      Decimal terms[2];
      for (int i = 0; i < 2; ++i) {
        Result<AttributeValue> v = ComputeValue(o.args[i], item);
        if (!v.ok()) return v.status();
        if (!v->is(AttributeType::kN)) return Status::Validation(api::msg::kUpdateOperandType);
        terms[i] = v->n();
      }
      Result<Decimal> sum = Arithmetic(terms[0], terms[1], o.kind == Operand::Kind::kMinus);
      if (!sum.ok()) return sum.status();
      return AttributeValue::N(*sum);
    }
    case Operand::Kind::kFunction:
      if (o.function == Function::kIfNotExists) {
        const AttributeValue* existing = ResolvePath(item, o.args[0].path);
        if (existing != nullptr) return *existing;
        return ComputeValue(o.args[1], item);
      }
      if (o.function == Function::kListAppend) {
        AttributeValue::List joined;
        for (int i = 0; i < 2; ++i) {
          Result<AttributeValue> v = ComputeValue(o.args[i], item);
          if (!v.ok()) return v.status();
          if (!v->is(AttributeType::kL)) return Status::Validation(api::msg::kUpdateOperandType);
          for (AttributeValue& e : v->mutable_l()) joined.push_back(std::move(e));
        }
        return AttributeValue::L(std::move(joined));
      }
      break;
  }
  return Status::Validation(api::msg::kUpdateOperandType);  // unreachable for checked expressions
}

// The path without its last step.
Path ParentOf(const Path& p) {
  Path parent;
  parent.offset = p.offset;
  parent.elements.assign(p.elements.begin(), p.elements.end() - 1);
  return parent;
}

// True if the parent of `p` exists in `item` with the container type its
// last step needs.
bool ParentIsValid(const Item& item, const Path& p) {
  if (p.elements.size() == 1) return true;
  const AttributeValue* parent = ResolvePath(item, ParentOf(p));
  if (parent == nullptr) return false;
  return p.elements.back().kind == PathElement::Kind::kName ? parent->is(AttributeType::kM)
                                                            : parent->is(AttributeType::kL);
}

// The container that holds the last step of `p` (exactly one member set),
// or neither if the parent is missing.
struct Container {
  AttributeMap* map = nullptr;           // last step is a name
  AttributeValue::List* list = nullptr;  // last step is an index
};

Container ContainerOf(Item* item, const Path& p) {
  const size_t n = p.elements.size();
  if (n == 1) return {item, nullptr};
  AttributeValue* v = item->FindMutable(p.elements[0].name);
  for (size_t i = 1; i + 1 < n && v != nullptr; ++i) {
    const PathElement& e = p.elements[i];
    if (e.kind == PathElement::Kind::kName) {
      v = v->is(AttributeType::kM) ? v->mutable_m().FindMutable(e.name) : nullptr;
    } else {
      v = v->is(AttributeType::kL) && e.index < v->l().size() ? &v->mutable_l()[e.index] : nullptr;
    }
  }
  if (v == nullptr) return {};
  if (p.elements.back().kind == PathElement::Kind::kName) {
    return v->is(AttributeType::kM) ? Container{&v->mutable_m(), nullptr} : Container{};
  }
  return v->is(AttributeType::kL) ? Container{nullptr, &v->mutable_l()} : Container{};
}

// Lexicographic order of paths: names (by bytes) before indexes, indexes
// numerically, a prefix before its extensions.
bool PathLess(const Path& a, const Path& b) {
  const size_t n = std::min(a.elements.size(), b.elements.size());
  for (size_t i = 0; i < n; ++i) {
    const PathElement& x = a.elements[i];
    const PathElement& y = b.elements[i];
    if (x.kind != y.kind) return x.kind < y.kind;
    if (x.kind == PathElement::Kind::kIndex) {
      if (x.index != y.index) return x.index < y.index;
    } else if (x.name != y.name) {
      return x.name < y.name;
    }
  }
  return a.elements.size() < b.elements.size();
}

// A write to perform in phase C.
struct Write {
  const Path* path;      // where
  AttributeValue value;  // the new value
};

// Puts `value` at the last step of `path`; returns the path where it landed.
Path Put(Item* item, const Path& path, AttributeValue value) {
  Path landed = path;
  Container c = ContainerOf(item, path);
  if (c.map != nullptr) {
    c.map->Set(path.elements.back().name, std::move(value));
  } else if (c.list != nullptr) {
    const uint32_t index = path.elements.back().index;
    if (index < c.list->size()) {
      (*c.list)[index] = std::move(value);
    } else {
      landed.elements.back().index = static_cast<uint32_t>(c.list->size());
      c.list->push_back(std::move(value));
    }
  }
  return landed;
}

// Removes the last step of `path` if present. True if a list element was
// removed (later indexes shift down).
bool Remove(Item* item, const Path& path) {
  Container c = ContainerOf(item, path);
  if (c.map != nullptr) {
    c.map->Erase(path.elements.back().name);
  } else if (c.list != nullptr && path.elements.back().index < c.list->size()) {
    c.list->erase(c.list->begin() + path.elements.back().index);
    return true;
  }
  return false;
}

// After list element `removed` went away, paths through later elements of
// the same list move down by one.
void ShiftAfterRemoval(const Path& removed, std::vector<Path>* paths) {
  const size_t depth = removed.elements.size() - 1;  // position of the index step
  for (Path& p : *paths) {
    if (p.elements.size() <= depth) continue;
    bool same_list = true;
    for (size_t i = 0; i < depth && same_list; ++i) {
      const PathElement& a = p.elements[i];
      const PathElement& b = removed.elements[i];
      same_list = a.kind == b.kind &&
                  (a.kind == PathElement::Kind::kIndex ? a.index == b.index : a.name == b.name);
    }
    PathElement& step = p.elements[depth];
    if (same_list && step.kind == PathElement::Kind::kIndex &&
        step.index > removed.elements[depth].index) {
      --step.index;
    }
  }
}

}  // namespace

Status ApplyUpdate(const UpdateExpression& update, Item* item, UpdateResult* result) {
  // Phase A: SET values from the original item.
  std::vector<std::optional<AttributeValue>> values(update.actions.size());
  for (size_t i = 0; i < update.actions.size(); ++i) {
    const UpdateAction& a = update.actions[i];
    if (a.kind != UpdateAction::Kind::kSet) continue;
    Result<AttributeValue> v = ComputeValue(a.value, *item);
    if (!v.ok()) return v.status();
    values[i] = std::move(*v);
  }

  // Phase B: parents, and ADD/DELETE results.
  std::vector<Write> writes;
  std::vector<const Path*> removes;
  for (size_t i = 0; i < update.actions.size(); ++i) {
    const UpdateAction& a = update.actions[i];
    if (!ParentIsValid(*item, a.path)) return Status::Validation(kInvalidPath);
    const AttributeValue* existing = ResolvePath(*item, a.path);
    switch (a.kind) {
      case UpdateAction::Kind::kSet:
        writes.push_back({&a.path, std::move(*values[i])});
        break;
      case UpdateAction::Kind::kRemove:
        // Only what exists before the update: an element a SET appends past
        // the end of a list is not what "REMOVE l[n]" refers to.
        if (existing != nullptr) removes.push_back(&a.path);
        break;
      case UpdateAction::Kind::kAdd: {
        const AttributeValue& operand = *a.value.value;
        if (existing == nullptr) {
          writes.push_back({&a.path, operand});
        } else if (existing->type() != operand.type()) {
          return Status::Validation(api::msg::kUpdateOperandType);
        } else if (operand.is(AttributeType::kN)) {
          Result<Decimal> sum = Arithmetic(existing->n(), operand.n(), /*subtract=*/false);
          if (!sum.ok()) return sum.status();
          writes.push_back({&a.path, AttributeValue::N(*sum)});
        } else {
          writes.push_back({&a.path, AttributeValue::SetUnion(*existing, operand)});
        }
        break;
      }
      case UpdateAction::Kind::kDelete: {
        const AttributeValue& operand = *a.value.value;
        if (existing == nullptr) break;
        if (existing->type() != operand.type())
          return Status::Validation(api::msg::kUpdateOperandType);
        std::optional<AttributeValue> rest = AttributeValue::SetDifference(*existing, operand);
        if (rest.has_value()) {
          writes.push_back({&a.path, std::move(*rest)});
        } else {
          removes.push_back(&a.path);  // an emptied set disappears
        }
        break;
      }
    }
  }

  // Phase C: write.
  std::stable_sort(writes.begin(), writes.end(),
                   [](const Write& x, const Write& y) { return PathLess(*x.path, *y.path); });
  std::stable_sort(removes.begin(), removes.end(),
                   [](const Path* x, const Path* y) { return PathLess(*y, *x); });
  std::vector<Path> landed;
  for (Write& w : writes) landed.push_back(Put(item, *w.path, std::move(w.value)));
  for (const Path* p : removes) {
    if (Remove(item, *p)) ShiftAfterRemoval(*p, &landed);
  }
  if (result != nullptr) {
    result->old_paths.clear();
    for (const UpdateAction& a : update.actions) result->old_paths.push_back(a.path);
    result->new_paths = std::move(landed);
  }
  return Status::OK();
}

}  // namespace expr
}  // namespace pd

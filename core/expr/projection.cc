#include "expr/projection.h"

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>

namespace pd {
namespace expr {
namespace {

// The requested paths as a trie: one node per distinct prefix. Children are
// held by pointer because a map of an incomplete type is not portable.
struct Node {
  bool whole = false;                                  // some path ends here: take the entire value
  std::map<std::string, std::unique_ptr<Node>> names;  // requested map keys below this point
  std::map<uint32_t, std::unique_ptr<Node>> indexes;   // requested list indexes below, ascending
};

Node* Child(std::unique_ptr<Node>* slot) {
  if (*slot == nullptr) *slot = std::make_unique<Node>();
  return slot->get();
}

std::optional<AttributeValue> ProjectValue(const AttributeValue& v, const Node& n) {
  if (n.whole) return v;
  if (v.is(AttributeType::kM) && !n.names.empty()) {
    AttributeMap out;
    for (const auto& [name, child] : n.names) {
      const AttributeValue* e = v.m().Find(name);
      if (e == nullptr) continue;
      std::optional<AttributeValue> p = ProjectValue(*e, *child);
      if (p.has_value()) out.Set(name, std::move(*p));
    }
    if (out.empty()) return std::nullopt;
    return AttributeValue::M(std::move(out));
  }
  if (v.is(AttributeType::kL) && !n.indexes.empty()) {
    AttributeValue::List out;
    for (const auto& [index, child] : n.indexes) {
      if (index >= v.l().size()) break;
      std::optional<AttributeValue> p = ProjectValue(v.l()[index], *child);
      if (p.has_value()) out.push_back(std::move(*p));
    }
    if (out.empty()) return std::nullopt;
    return AttributeValue::L(std::move(out));
  }
  return std::nullopt;
}

}  // namespace

Item Project(const Item& item, const std::vector<Path>& paths) {
  Node root;
  for (const Path& path : paths) {
    Node* n = &root;
    for (const PathElement& e : path.elements) {
      n = Child(e.kind == PathElement::Kind::kName ? &n->names[e.name] : &n->indexes[e.index]);
    }
    n->whole = true;
  }
  Item out;
  for (const auto& [name, child] : root.names) {
    const AttributeValue* v = item.Find(name);
    if (v == nullptr) continue;
    std::optional<AttributeValue> p = ProjectValue(*v, *child);
    if (p.has_value()) out.Set(name, std::move(*p));
  }
  return out;
}

}  // namespace expr
}  // namespace pd

// The reference model of random_model_test.cc, written independently of
// the core: items are DynamoDB JSON (nlohmann::json) in a std::map, with this
// file's own item-size rules, condition evaluator and update semantics for
// the subset of expressions the generators below produce. Only what the
// random test needs; nothing here uses core/ code.
//
// Generated requests carry their meaning for the model: a Cond is both the
// ConditionExpression text and a tree the model evaluates; an Action is both
// an update clause and what ApplyModel does with it.
#ifndef PD_TESTS_CPP_ENGINE_RANDOM_MODEL_H_
#define PD_TESTS_CPP_ENGINE_RANDOM_MODEL_H_

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "support/test_util.h"

namespace pd {
namespace testing {
namespace model {

using Model = std::map<std::string, json>;  // "pk|sk" -> item (DynamoDB JSON)

constexpr char kMissing[] =
    "The provided expression refers to an attribute that does not exist in the item";
constexpr char kWrongType[] = "An operand in the update expression has an incorrect data type";
constexpr char kBadPath[] =
    "The document path provided in the update expression is invalid for update";

// ---- Independent item rules ----------------------------------------------------

// Size of an integer N: ceil(significant digits / 2) + 1 (zero: 1).
inline uint64_t IntSize(const std::string& n) {
  std::string digits = n[0] == '-' ? n.substr(1) : n;
  if (digits == "0") return 1;
  while (!digits.empty() && digits.back() == '0') digits.pop_back();
  return (digits.size() + 1) / 2 + 1;
}

inline uint64_t ValueSize(const json& v) {
  const std::string& type = v.begin().key();
  const json& x = v.begin().value();
  if (type == "S") return x.get<std::string>().size();
  if (type == "N") return IntSize(x.get<std::string>());
  if (type == "BOOL" || type == "NULL") return 1;
  if (type == "SS") {
    uint64_t n = 0;
    for (const json& s : x) n += s.get<std::string>().size();
    return n;
  }
  uint64_t n = 3;
  if (type == "M") {
    for (auto it = x.begin(); it != x.end(); ++it) n += it.key().size() + ValueSize(*it) + 1;
  } else {  // L
    for (const json& e : x) n += ValueSize(e) + 1;
  }
  return n;
}

inline uint64_t ItemBytes(const json& item) {
  uint64_t n = 0;
  for (auto it = item.begin(); it != item.end(); ++it) n += it.key().size() + ValueSize(*it);
  return n;
}

inline bool IsType(const json* v, const char* type) { return v != nullptr && v->contains(type); }

inline const json* Attr(const json& item, const std::string& name) {
  auto it = item.find(name);
  return it == item.end() ? nullptr : &*it;
}

// ---- Generated requests with their model meaning ---------------------------------

struct Gen {
  explicit Gen(uint64_t seed) : rng(seed) {}
  int Int(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); }
  bool Chance(int percent) { return Int(1, 100) <= percent; }
  template <typename T>
  const T& Pick(const std::vector<T>& v) {
    return v[static_cast<size_t>(Int(0, static_cast<int>(v.size()) - 1))];
  }
  std::mt19937_64 rng;
};

inline const std::vector<std::string> kAttrs = {"a", "b", "c", "n", "s", "m", "l"};
inline const std::vector<std::string> kSetMembers = {"w", "x", "y", "z"};

inline json RandomString(Gen& g) {
  std::string s;
  for (int i = g.Int(0, 4); i > 0; --i) s.push_back(static_cast<char>('a' + g.Int(0, 2)));
  return S(s);
}
inline json RandomNumber(Gen& g) {
  return N(std::to_string(g.Int(-30, 30) * (g.Chance(20) ? 1000 : 1)));
}
inline json RandomSet(Gen& g) {
  std::set<std::string> members;
  for (int i = g.Int(1, 3); i > 0; --i) members.insert(g.Pick(kSetMembers));
  return {{"SS", json(std::vector<std::string>(members.begin(), members.end()))}};
}

inline json RandomValue(Gen& g, int depth) {
  switch (g.Int(0, depth > 0 ? 7 : 4)) {
    case 0:
      return RandomString(g);
    case 1:
      return RandomNumber(g);
    case 2:
      return {{"BOOL", g.Chance(50)}};
    case 3:
      return {{"NULL", true}};
    case 4:
      return RandomSet(g);
    case 5:
    case 6: {
      json m = json::object();
      for (int i = g.Int(0, 3); i > 0; --i)
        m[g.Pick(std::vector<std::string>{"k1", "k2", "kid"})] = RandomValue(g, depth - 1);
      return {{"M", m}};
    }
    default: {
      json l = json::array();
      for (int i = g.Int(0, 3); i > 0; --i) l.push_back(RandomValue(g, depth - 1));
      return {{"L", l}};
    }
  }
}

// A value for attribute `name`, usually of its customary type.
inline json ValueFor(Gen& g, const std::string& name) {
  if (g.Chance(25)) return RandomValue(g, 2);
  if (name == "n") return RandomNumber(g);
  if (name == "s") return RandomSet(g);
  if (name == "m") {
    json m = RandomValue(g, 2);
    return m.contains("M") ? m : json{{"M", {{"kid", m}}}};
  }
  if (name == "l") return {{"L", json::array({RandomValue(g, 1)})}};
  return RandomValue(g, 2);
}

inline std::string ModelKey(const json& item) {
  return item["pk"]["S"].get<std::string>() + "|" + item["sk"]["N"].get<std::string>();
}

// Placeholders of one request.
struct Placeholders {
  json names = json::object();
  json values = json::object();
  std::string Name(Gen& g, const std::string& attr) {
    if (!g.Chance(30)) return attr;
    std::string key = "#p" + std::to_string(names.size());
    names[key] = attr;
    return key;
  }
  std::string Value(const json& v) {
    std::string key = ":v" + std::to_string(values.size());
    values[key] = v;
    return key;
  }
  void AddTo(json* request) const {
    if (!names.empty()) (*request)["ExpressionAttributeNames"] = names;
    if (!values.empty()) (*request)["ExpressionAttributeValues"] = values;
  }
};

// A condition: its text and its meaning for the model.
struct Cond {
  enum Kind { kExists, kNotExists, kEq, kNe, kLt, kGt, kBeginsWith, kSizeGt, kAnd, kOr, kNot } kind;
  std::string attr;
  json value;
  std::vector<Cond> children;
  std::string text;
};

inline bool Less(const json* a, const json& b) {
  if (IsType(a, "N") && b.contains("N")) {
    return std::stoll((*a)["N"].get<std::string>()) < std::stoll(b["N"].get<std::string>());
  }
  if (IsType(a, "S") && b.contains("S"))
    return (*a)["S"].get<std::string>() < b["S"].get<std::string>();
  return false;
}

inline std::optional<long long> SizeOf(const json* v) {
  if (v == nullptr) return std::nullopt;
  if (v->contains("S")) return static_cast<long long>((*v)["S"].get<std::string>().size());
  for (const char* t : {"SS", "M", "L"}) {
    if (v->contains(t)) return static_cast<long long>((*v)[t].size());
  }
  return std::nullopt;
}

inline bool Eval(const Cond& c, const json& item) {
  const json* v = c.attr.empty() ? nullptr : Attr(item, c.attr);
  switch (c.kind) {
    case Cond::kExists:
      return v != nullptr;
    case Cond::kNotExists:
      return v == nullptr;
    case Cond::kEq:
      return v != nullptr && *v == c.value;
    case Cond::kNe:
      return !(v != nullptr && *v == c.value);
    case Cond::kLt:
      return Less(v, c.value);
    case Cond::kGt:
      return v != nullptr && Less(&c.value, *v);
    case Cond::kBeginsWith: {
      if (!IsType(v, "S")) return false;
      const std::string s = (*v)["S"].get<std::string>();
      const std::string p = c.value["S"].get<std::string>();
      return s.compare(0, p.size(), p) == 0;
    }
    case Cond::kSizeGt: {
      std::optional<long long> n = SizeOf(v);
      return n && *n > std::stoll(c.value["N"].get<std::string>());
    }
    case Cond::kAnd:
      return Eval(c.children[0], item) && Eval(c.children[1], item);
    case Cond::kOr:
      return Eval(c.children[0], item) || Eval(c.children[1], item);
    case Cond::kNot:
      return !Eval(c.children[0], item);
  }
  return false;
}

inline Cond RandomCond(Gen& g, const json& current, Placeholders* ph, int depth) {
  Cond c;
  if (depth > 0 && g.Chance(35)) {
    const int k = g.Int(0, 2);
    c.kind = k == 0 ? Cond::kAnd : k == 1 ? Cond::kOr : Cond::kNot;
    c.children.push_back(RandomCond(g, current, ph, depth - 1));
    if (c.kind == Cond::kNot) {
      c.text = "NOT (" + c.children[0].text + ")";
    } else {
      c.children.push_back(RandomCond(g, current, ph, depth - 1));
      c.text = "(" + c.children[0].text + (c.kind == Cond::kAnd ? ") AND (" : ") OR (") +
               c.children[1].text + ")";
    }
    return c;
  }
  c.attr = g.Pick(kAttrs);
  const std::string name = ph->Name(g, c.attr);
  const json* existing = Attr(current, c.attr);
  switch (g.Int(0, 7)) {
    case 0:
      c.kind = Cond::kExists;
      c.text = "attribute_exists(" + name + ")";
      break;
    case 1:
      c.kind = Cond::kNotExists;
      c.text = "attribute_not_exists(" + name + ")";
      break;
    case 2:
    case 3:
      c.kind = g.Chance(60) ? Cond::kEq : Cond::kNe;
      c.value = existing != nullptr && g.Chance(60) ? *existing : ValueFor(g, c.attr);
      c.text = name + (c.kind == Cond::kEq ? " = " : " <> ") + ph->Value(c.value);
      break;
    case 4:
    case 5:
      c.kind = g.Chance(50) ? Cond::kLt : Cond::kGt;
      c.value = g.Chance(70) ? RandomNumber(g) : RandomString(g);
      c.text = name + (c.kind == Cond::kLt ? " < " : " > ") + ph->Value(c.value);
      break;
    case 6:
      c.kind = Cond::kBeginsWith;
      c.value = RandomString(g);
      c.text = "begins_with(" + name + ", " + ph->Value(c.value) + ")";
      break;
    default:
      c.kind = Cond::kSizeGt;
      c.value = N(std::to_string(g.Int(0, 3)));
      c.text = "size(" + name + ") > " + ph->Value(c.value);
      break;
  }
  return c;
}

// One update action and its model meaning.
struct Action {
  enum Kind {
    kSet,
    kSetIfNotExists,
    kSetPlus,
    kSetMinus,
    kSetAppend,
    kSetNested,
    kRemove,
    kRemoveNested,
    kAdd,
    kDelete
  } kind;
  std::string attr;  // top-level attribute; kSetNested / kRemoveNested work on attr.kid
  json value;
};

inline const char* Section(Action::Kind k) {
  switch (k) {
    case Action::kRemove:
    case Action::kRemoveNested:
      return "REMOVE";
    case Action::kAdd:
      return "ADD";
    case Action::kDelete:
      return "DELETE";
    default:
      return "SET";
  }
}

// Applies the actions to `item` (computed from the pre-update item); returns
// the error messages the model expects (empty on success).
inline std::set<std::string> ApplyModel(const std::vector<Action>& actions, json* item) {
  const json before = *item;
  std::set<std::string> errors;
  for (const Action& a : actions) {
    const json* old = Attr(before, a.attr);
    switch (a.kind) {
      case Action::kSet:
        (*item)[a.attr] = a.value;
        break;
      case Action::kSetIfNotExists:
        (*item)[a.attr] = old != nullptr ? *old : a.value;
        break;
      case Action::kSetPlus:
      case Action::kSetMinus: {
        if (old == nullptr) {
          errors.insert(kMissing);
          break;
        }
        if (!old->contains("N")) {
          errors.insert(kWrongType);
          break;
        }
        long long x = std::stoll((*old)["N"].get<std::string>());
        long long k = std::stoll(a.value["N"].get<std::string>());
        (*item)[a.attr] = N(std::to_string(a.kind == Action::kSetPlus ? x + k : x - k));
        break;
      }
      case Action::kSetAppend: {
        if (old == nullptr) {
          errors.insert(kMissing);
          break;
        }
        if (!old->contains("L")) {
          errors.insert(kWrongType);
          break;
        }
        json l = (*old)["L"];
        for (const json& e : a.value["L"]) l.push_back(e);
        (*item)[a.attr] = {{"L", l}};
        break;
      }
      case Action::kSetNested:
        if (!IsType(old, "M")) {
          errors.insert(kBadPath);
          break;
        }
        (*item)[a.attr]["M"]["kid"] = a.value;
        break;
      case Action::kRemove:
        item->erase(a.attr);
        break;
      case Action::kRemoveNested:
        (*item)[a.attr]["M"].erase("kid");
        break;  // generated only for maps
      case Action::kAdd:
        if (old == nullptr) {
          (*item)[a.attr] = a.value;
        } else if (a.value.contains("N")) {
          if (!old->contains("N")) {
            errors.insert(kWrongType);
            break;
          }
          long long x = std::stoll((*old)["N"].get<std::string>());
          (*item)[a.attr] = N(std::to_string(x + std::stoll(a.value["N"].get<std::string>())));
        } else {
          if (!old->contains("SS")) {
            errors.insert(kWrongType);
            break;
          }
          std::set<std::string> u;
          for (const json& s : (*old)["SS"]) u.insert(s.get<std::string>());
          for (const json& s : a.value["SS"]) u.insert(s.get<std::string>());
          (*item)[a.attr] = {{"SS", json(std::vector<std::string>(u.begin(), u.end()))}};
        }
        break;
      case Action::kDelete: {
        if (old == nullptr) break;
        if (!old->contains("SS")) {
          errors.insert(kWrongType);
          break;
        }
        std::set<std::string> d;
        for (const json& s : (*old)["SS"]) d.insert(s.get<std::string>());
        for (const json& s : a.value["SS"]) d.erase(s.get<std::string>());
        if (d.empty()) {
          item->erase(a.attr);
        } else {
          (*item)[a.attr] = {{"SS", json(std::vector<std::string>(d.begin(), d.end()))}};
        }
        break;
      }
    }
  }
  if (!errors.empty()) *item = before;
  return errors;
}

// The attributes `actions` name, projected out of `item` (UPDATED_OLD /
// UPDATED_NEW); REMOVE actions are skipped for the new item.
inline json ProjectActions(const std::vector<Action>& actions, const json& item, bool new_item) {
  json out = json::object();
  for (const Action& a : actions) {
    const bool removes = a.kind == Action::kRemove || a.kind == Action::kRemoveNested;
    if (new_item && removes) continue;
    const json* v = Attr(item, a.attr);
    if (v == nullptr) continue;
    if (a.kind == Action::kSetNested || a.kind == Action::kRemoveNested) {
      if (IsType(v, "M") && (*v)["M"].contains("kid")) out[a.attr]["M"]["kid"] = (*v)["M"]["kid"];
    } else {
      out[a.attr] = *v;
    }
  }
  return out;
}

// An action that suits the current value of `attr` (so most updates
// succeed and reach the interesting arithmetic and set paths).
inline Action FittingAction(Gen& g, const std::string& attr, const json* old) {
  Action a;
  a.attr = attr;
  if (IsType(old, "N")) {
    const int k = g.Int(0, 2);
    a.kind = k == 0 ? Action::kSetPlus : k == 1 ? Action::kSetMinus : Action::kAdd;
    a.value = RandomNumber(g);
  } else if (IsType(old, "SS")) {
    a.kind = g.Chance(50) ? Action::kAdd : Action::kDelete;
    a.value = RandomSet(g);
  } else if (IsType(old, "L")) {
    a.kind = Action::kSetAppend;
    a.value = {{"L", json::array({RandomValue(g, 1)})}};
  } else if (IsType(old, "M")) {
    a.kind = g.Chance(60) ? Action::kSetNested : Action::kRemoveNested;
    a.value = RandomValue(g, 1);
  } else if (old == nullptr) {
    const int k = g.Int(0, 2);
    a.kind = k == 0 ? Action::kSet : k == 1 ? Action::kSetIfNotExists : Action::kAdd;
    a.value = k == 2 ? (g.Chance(50) ? RandomNumber(g) : RandomSet(g)) : ValueFor(g, attr);
  } else {
    a.kind = g.Chance(50) ? Action::kRemove : Action::kSetIfNotExists;
    a.value = ValueFor(g, attr);
  }
  return a;
}

// Any action, whatever the current value (often an error).
inline Action AnyAction(Gen& g, const std::string& attr, const json* old) {
  Action a;
  a.attr = attr;
  switch (g.Int(0, 9)) {
    case 0:
      a.kind = Action::kSet;
      a.value = ValueFor(g, a.attr);
      break;
    case 1:
      a.kind = Action::kSetIfNotExists;
      a.value = ValueFor(g, a.attr);
      break;
    case 2:
      a.kind = g.Chance(50) ? Action::kSetPlus : Action::kSetMinus;
      a.value = RandomNumber(g);
      break;
    case 3:
      a.kind = Action::kSetAppend;
      a.value = {{"L", json::array({RandomValue(g, 1)})}};
      break;
    case 4:
      a.kind = Action::kSetNested;
      a.value = RandomValue(g, 1);
      break;
    case 5:
      a.kind = IsType(old, "M") && g.Chance(50) ? Action::kRemoveNested : Action::kRemove;
      break;
    case 6:
    case 7:
      a.kind = Action::kAdd;
      a.value = g.Chance(50) ? RandomNumber(g) : RandomSet(g);
      break;
    default:
      a.kind = Action::kDelete;
      a.value = RandomSet(g);
      break;
  }
  return a;
}

// 1-3 actions on distinct attributes, mostly ones the item has.
inline std::vector<Action> RandomActions(Gen& g, const json& current) {
  std::vector<std::string> present, absent;
  for (const std::string& a : kAttrs) (current.contains(a) ? present : absent).push_back(a);
  std::shuffle(present.begin(), present.end(), g.rng);
  std::shuffle(absent.begin(), absent.end(), g.rng);
  std::vector<Action> actions;
  for (int i = g.Int(1, 3); i > 0; --i) {
    std::vector<std::string>& from =
        !present.empty() && (absent.empty() || g.Chance(70)) ? present : absent;
    const std::string attr = from.back();
    from.pop_back();
    const json* old = Attr(current, attr);
    actions.push_back(g.Chance(80) ? FittingAction(g, attr, old) : AnyAction(g, attr, old));
  }
  return actions;
}

inline std::string ActionText(const Action& a, const std::string& name, Placeholders* ph) {
  switch (a.kind) {
    case Action::kSet:
      return name + " = " + ph->Value(a.value);
    case Action::kSetIfNotExists:
      return name + " = if_not_exists(" + name + ", " + ph->Value(a.value) + ")";
    case Action::kSetPlus:
      return name + " = " + name + " + " + ph->Value(a.value);
    case Action::kSetMinus:
      return name + " = " + name + " - " + ph->Value(a.value);
    case Action::kSetAppend:
      return name + " = list_append(" + name + ", " + ph->Value(a.value) + ")";
    case Action::kSetNested:
      return name + ".kid = " + ph->Value(a.value);
    case Action::kRemove:
      return name;
    case Action::kRemoveNested:
      return name + ".kid";
    case Action::kAdd:
    case Action::kDelete:
      return name + " " + ph->Value(a.value);
  }
  return "";
}

inline std::string UpdateText(Gen& g, const std::vector<Action>& actions, Placeholders* ph) {
  std::map<std::string, std::vector<std::string>> sections;
  for (const Action& a : actions)
    sections[Section(a.kind)].push_back(ActionText(a, ph->Name(g, a.attr), ph));
  std::vector<std::string> order;
  for (const auto& s : sections) order.push_back(s.first);
  std::shuffle(order.begin(), order.end(), g.rng);
  std::string text;
  for (const std::string& s : order) {
    text += (text.empty() ? "" : " ") + s + " ";
    for (size_t i = 0; i < sections[s].size(); ++i) text += (i ? ", " : "") + sections[s][i];
  }
  return text;
}

}  // namespace model
}  // namespace testing
}  // namespace pd

#endif  // PD_TESTS_CPP_ENGINE_RANDOM_MODEL_H_

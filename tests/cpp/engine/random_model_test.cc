// Randomised test: drives Engine::Execute with random PutItem / UpdateItem /
// DeleteItem / GetItem requests (random nested values, conditions, update
// expressions, ReturnValues, consumed capacity) and compares every response
// with a small reference model written independently here: a std::map of
// items in DynamoDB JSON with its own evaluator for the conditions and
// updates it generates and its own item-size rules. It also commits, rolls
// back to the durable state and reopens from page images at random, checks
// DescribeTable's counts, and runs Engine::Check() periodically.
//
// Any divergence fails with the seed and step; rerun one seed with
// PD_MODEL_SEED=<seed>, or more seeds with PD_MODEL_SEEDS=<n>.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "support/test_util.h"

namespace pd {
namespace testing {
namespace {

using Model = std::map<std::string, json>;  // "pk|sk" -> item (DynamoDB JSON)

constexpr char kMissing[] =
    "The provided expression refers to an attribute that does not exist in the item";
constexpr char kWrongType[] = "An operand in the update expression has an incorrect data type";
constexpr char kBadPath[] = "The document path provided in the update expression is invalid for update";

// ---- Independent item rules ----------------------------------------------------

// Size of an integer N: ceil(significant digits / 2) + 1 (zero: 1).
uint64_t IntSize(const std::string& n) {
  std::string digits = n[0] == '-' ? n.substr(1) : n;
  if (digits == "0") return 1;
  while (!digits.empty() && digits.back() == '0') digits.pop_back();
  return (digits.size() + 1) / 2 + 1;
}

uint64_t ValueSize(const json& v) {
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

uint64_t ItemBytes(const json& item) {
  uint64_t n = 0;
  for (auto it = item.begin(); it != item.end(); ++it) n += it.key().size() + ValueSize(*it);
  return n;
}

bool IsType(const json* v, const char* type) { return v != nullptr && v->contains(type); }

const json* Attr(const json& item, const std::string& name) {
  auto it = item.find(name);
  return it == item.end() ? nullptr : &*it;
}

// ---- Generated requests with their model meaning ---------------------------------

struct Gen {
  explicit Gen(uint64_t seed) : rng(seed) {}
  int Int(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); }
  bool Chance(int percent) { return Int(1, 100) <= percent; }
  template <typename T>
  const T& Pick(const std::vector<T>& v) { return v[static_cast<size_t>(Int(0, static_cast<int>(v.size()) - 1))]; }
  std::mt19937_64 rng;
};

const std::vector<std::string> kAttrs = {"a", "b", "c", "n", "s", "m", "l"};
const std::vector<std::string> kSetMembers = {"w", "x", "y", "z"};

json RandomString(Gen& g) {
  std::string s;
  for (int i = g.Int(0, 4); i > 0; --i) s.push_back(static_cast<char>('a' + g.Int(0, 2)));
  return S(s);
}
json RandomNumber(Gen& g) { return N(std::to_string(g.Int(-30, 30) * (g.Chance(20) ? 1000 : 1))); }
json RandomSet(Gen& g) {
  std::set<std::string> members;
  for (int i = g.Int(1, 3); i > 0; --i) members.insert(g.Pick(kSetMembers));
  return {{"SS", json(std::vector<std::string>(members.begin(), members.end()))}};
}

json RandomValue(Gen& g, int depth) {
  switch (g.Int(0, depth > 0 ? 7 : 4)) {
    case 0: return RandomString(g);
    case 1: return RandomNumber(g);
    case 2: return {{"BOOL", g.Chance(50)}};
    case 3: return {{"NULL", true}};
    case 4: return RandomSet(g);
    case 5:
    case 6: {
      json m = json::object();
      for (int i = g.Int(0, 3); i > 0; --i) m[g.Pick(std::vector<std::string>{"k1", "k2", "kid"})] = RandomValue(g, depth - 1);
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
json ValueFor(Gen& g, const std::string& name) {
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

std::string ModelKey(const json& item) {
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

bool Less(const json* a, const json& b) {
  if (IsType(a, "N") && b.contains("N")) {
    return std::stoll((*a)["N"].get<std::string>()) < std::stoll(b["N"].get<std::string>());
  }
  if (IsType(a, "S") && b.contains("S")) return (*a)["S"].get<std::string>() < b["S"].get<std::string>();
  return false;
}

std::optional<long long> SizeOf(const json* v) {
  if (v == nullptr) return std::nullopt;
  if (v->contains("S")) return static_cast<long long>((*v)["S"].get<std::string>().size());
  for (const char* t : {"SS", "M", "L"}) {
    if (v->contains(t)) return static_cast<long long>((*v)[t].size());
  }
  return std::nullopt;
}

bool Eval(const Cond& c, const json& item) {
  const json* v = c.attr.empty() ? nullptr : Attr(item, c.attr);
  switch (c.kind) {
    case Cond::kExists: return v != nullptr;
    case Cond::kNotExists: return v == nullptr;
    case Cond::kEq: return v != nullptr && *v == c.value;
    case Cond::kNe: return !(v != nullptr && *v == c.value);
    case Cond::kLt: return Less(v, c.value);
    case Cond::kGt: return v != nullptr && Less(&c.value, *v);
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
    case Cond::kAnd: return Eval(c.children[0], item) && Eval(c.children[1], item);
    case Cond::kOr: return Eval(c.children[0], item) || Eval(c.children[1], item);
    case Cond::kNot: return !Eval(c.children[0], item);
  }
  return false;
}

Cond RandomCond(Gen& g, const json& current, Placeholders* ph, int depth) {
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
    case 0: c.kind = Cond::kExists; c.text = "attribute_exists(" + name + ")"; break;
    case 1: c.kind = Cond::kNotExists; c.text = "attribute_not_exists(" + name + ")"; break;
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
  enum Kind { kSet, kSetIfNotExists, kSetPlus, kSetMinus, kSetAppend, kSetNested, kRemove,
              kRemoveNested, kAdd, kDelete } kind;
  std::string attr;  // top-level attribute; kSetNested / kRemoveNested work on attr.kid
  json value;
};

const char* Section(Action::Kind k) {
  switch (k) {
    case Action::kRemove:
    case Action::kRemoveNested: return "REMOVE";
    case Action::kAdd: return "ADD";
    case Action::kDelete: return "DELETE";
    default: return "SET";
  }
}

// Applies the actions to `item` (computed from the pre-update item); returns
// the error messages the model expects (empty on success).
std::set<std::string> ApplyModel(const std::vector<Action>& actions, json* item) {
  const json before = *item;
  std::set<std::string> errors;
  for (const Action& a : actions) {
    const json* old = Attr(before, a.attr);
    switch (a.kind) {
      case Action::kSet: (*item)[a.attr] = a.value; break;
      case Action::kSetIfNotExists: (*item)[a.attr] = old != nullptr ? *old : a.value; break;
      case Action::kSetPlus:
      case Action::kSetMinus: {
        if (old == nullptr) { errors.insert(kMissing); break; }
        if (!old->contains("N")) { errors.insert(kWrongType); break; }
        long long x = std::stoll((*old)["N"].get<std::string>());
        long long k = std::stoll(a.value["N"].get<std::string>());
        (*item)[a.attr] = N(std::to_string(a.kind == Action::kSetPlus ? x + k : x - k));
        break;
      }
      case Action::kSetAppend: {
        if (old == nullptr) { errors.insert(kMissing); break; }
        if (!old->contains("L")) { errors.insert(kWrongType); break; }
        json l = (*old)["L"];
        for (const json& e : a.value["L"]) l.push_back(e);
        (*item)[a.attr] = {{"L", l}};
        break;
      }
      case Action::kSetNested:
        if (!IsType(old, "M")) { errors.insert(kBadPath); break; }
        (*item)[a.attr]["M"]["kid"] = a.value;
        break;
      case Action::kRemove: item->erase(a.attr); break;
      case Action::kRemoveNested: (*item)[a.attr]["M"].erase("kid"); break;  // generated only for maps
      case Action::kAdd:
        if (old == nullptr) {
          (*item)[a.attr] = a.value;
        } else if (a.value.contains("N")) {
          if (!old->contains("N")) { errors.insert(kWrongType); break; }
          long long x = std::stoll((*old)["N"].get<std::string>());
          (*item)[a.attr] = N(std::to_string(x + std::stoll(a.value["N"].get<std::string>())));
        } else {
          if (!old->contains("SS")) { errors.insert(kWrongType); break; }
          std::set<std::string> u;
          for (const json& s : (*old)["SS"]) u.insert(s.get<std::string>());
          for (const json& s : a.value["SS"]) u.insert(s.get<std::string>());
          (*item)[a.attr] = {{"SS", json(std::vector<std::string>(u.begin(), u.end()))}};
        }
        break;
      case Action::kDelete: {
        if (old == nullptr) break;
        if (!old->contains("SS")) { errors.insert(kWrongType); break; }
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
json ProjectActions(const std::vector<Action>& actions, const json& item, bool new_item) {
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

std::vector<Action> RandomActions(Gen& g, const json& current) {
  std::vector<std::string> attrs = kAttrs;
  std::shuffle(attrs.begin(), attrs.end(), g.rng);
  std::vector<Action> actions;
  for (int i = g.Int(1, 3); i > 0; --i) {
    Action a;
    a.attr = attrs[static_cast<size_t>(i)];
    const json* old = Attr(current, a.attr);
    switch (g.Int(0, 9)) {
      case 0: a.kind = Action::kSet; a.value = ValueFor(g, a.attr); break;
      case 1: a.kind = Action::kSetIfNotExists; a.value = ValueFor(g, a.attr); break;
      case 2: a.kind = g.Chance(50) ? Action::kSetPlus : Action::kSetMinus; a.value = RandomNumber(g); break;
      case 3: a.kind = Action::kSetAppend; a.value = {{"L", json::array({RandomValue(g, 1)})}}; break;
      case 4: a.kind = Action::kSetNested; a.value = RandomValue(g, 1); break;
      case 5:
        a.kind = IsType(old, "M") && g.Chance(50) ? Action::kRemoveNested : Action::kRemove;
        break;
      case 6:
      case 7: a.kind = Action::kAdd; a.value = g.Chance(50) ? RandomNumber(g) : RandomSet(g); break;
      default: a.kind = Action::kDelete; a.value = RandomSet(g); break;
    }
    actions.push_back(a);
  }
  return actions;
}

std::string ActionText(const Action& a, const std::string& name, Placeholders* ph) {
  switch (a.kind) {
    case Action::kSet: return name + " = " + ph->Value(a.value);
    case Action::kSetIfNotExists: return name + " = if_not_exists(" + name + ", " + ph->Value(a.value) + ")";
    case Action::kSetPlus: return name + " = " + name + " + " + ph->Value(a.value);
    case Action::kSetMinus: return name + " = " + name + " - " + ph->Value(a.value);
    case Action::kSetAppend: return name + " = list_append(" + name + ", " + ph->Value(a.value) + ")";
    case Action::kSetNested: return name + ".kid = " + ph->Value(a.value);
    case Action::kRemove: return name;
    case Action::kRemoveNested: return name + ".kid";
    case Action::kAdd:
    case Action::kDelete: return name + " " + ph->Value(a.value);
  }
  return "";
}

std::string UpdateText(Gen& g, const std::vector<Action>& actions, Placeholders* ph) {
  std::map<std::string, std::vector<std::string>> sections;
  for (const Action& a : actions) sections[Section(a.kind)].push_back(ActionText(a, ph->Name(g, a.attr), ph));
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

// ---- The driver --------------------------------------------------------------------

// What the runs exercised, so the test fails if the generator stops reaching
// an outcome.
struct Stats {
  int writes = 0;               // successful PutItem / UpdateItem / DeleteItem
  int condition_failures = 0;   // ConditionalCheckFailedException
  int update_errors = 0;        // ValidationException from applying an update
  int returned_attributes = 0;  // write responses carrying Attributes
  int found_reads = 0;          // GetItem that found the item
  int rollbacks = 0;            // RollbackToDurable calls
  int reopens = 0;              // Engine::Open from images
};
Stats g_stats;

class ModelRun {
 public:
  explicit ModelRun(uint64_t seed) : seed_(seed), g_(seed) {
    db_ = std::make_unique<TestDb>();
    db_->CreateTable("Model", "pk", "S", "sk", "N");
    db_->CommitAll();
  }

  void Run(int steps) {
    for (step_ = 0; step_ < steps; ++step_) {
      const int op = g_.Int(0, 99);
      if (op < 30) {
        PutItem();
      } else if (op < 60) {
        UpdateItem();
      } else if (op < 72) {
        DeleteItem();
      } else if (op < 92) {
        GetItem();
      } else if (op < 96) {
        Commit();
      } else if (op < 98) {
        Rollback();
      } else {
        Reopen();
      }
      if (step_ % 40 == 39) Verify();
    }
    Verify();
  }

 private:
  std::string Where() const { return "seed " + std::to_string(seed_) + " step " + std::to_string(step_); }

  json RandomKey() {
    return {{"pk", S("p" + std::to_string(g_.Int(0, 3)))}, {"sk", N(std::to_string(g_.Int(-2, 3)))}};
  }
  const json* Current(const json& key) {
    auto it = model_.find(ModelKey(key));
    return it == model_.end() ? nullptr : &it->second;
  }

  // Runs a request; checks the error kind the model predicts.
  json Send(const std::string& op, const json& request, const std::string& expect_error,
            const std::set<std::string>& messages = {}) {
    json r = db_->Exec(op, request);
    if (expect_error.empty() && op != "GetItem") ++g_stats.writes;
    if (expect_error.empty() && op != "GetItem" && r.contains("Attributes")) ++g_stats.returned_attributes;
    if (expect_error.empty() && op == "GetItem" && r.contains("Item")) ++g_stats.found_reads;
    REQUIRE_MESSAGE(ErrorType(r) == expect_error,
                    Where() << ": " << op << " " << request.dump() << " -> " << r.dump());
    if (messages.size() == 1) {
      REQUIRE_MESSAGE(ErrorMessage(r) == *messages.begin(), Where() << ": " << request.dump() << " -> " << r.dump());
    }
    return r;
  }

  void CheckWriteCapacity(const json& r, const json* old, const json* now) {
    if (!r.contains("ConsumedCapacity")) return;
    const uint64_t larger = std::max(old ? ItemBytes(*old) : 0, now ? ItemBytes(*now) : 0);
    const double units = static_cast<double>(std::max<uint64_t>(1, (larger + 1023) / 1024));
    REQUIRE_MESSAGE(r["ConsumedCapacity"]["CapacityUnits"].get<double>() == units, Where() << ": " << r.dump());
  }

  void MaybeCondition(json* request, const json& current, Placeholders* ph, std::optional<Cond>* cond) {
    if (!g_.Chance(45)) return;
    *cond = RandomCond(g_, current, ph, 2);
    (*request)["ConditionExpression"] = (*cond)->text;
    if (g_.Chance(30)) (*request)["ReturnValuesOnConditionCheckFailure"] = "ALL_OLD";
  }

  // ConditionalCheckFailedException with the old item when asked for.
  void ExpectConditionFailure(const std::string& op, const json& request, const json* old) {
    ++g_stats.condition_failures;
    json r = Send(op, request, "ConditionalCheckFailedException", {"The conditional request failed"});
    const bool want_item = old != nullptr && request.value("ReturnValuesOnConditionCheckFailure", "") == "ALL_OLD";
    REQUIRE_MESSAGE(r.contains("Item") == want_item, Where() << ": " << r.dump());
    if (want_item) REQUIRE_MESSAGE(r["Item"] == *old, Where() << ": " << r.dump());
  }

  void PutItem() {
    json item = RandomKey();
    for (const std::string& a : kAttrs) {
      if (g_.Chance(40)) item[a] = ValueFor(g_, a);
    }
    const json* old = Current(item);
    json request = {{"TableName", "Model"}, {"Item", item}};
    Placeholders ph;
    std::optional<Cond> cond;
    MaybeCondition(&request, old ? *old : json::object(), &ph, &cond);
    ph.AddTo(&request);
    if (g_.Chance(50)) request["ReturnValues"] = g_.Chance(50) ? "ALL_OLD" : "NONE";
    if (g_.Chance(30)) request["ReturnConsumedCapacity"] = "TOTAL";
    if (cond && !Eval(*cond, old ? *old : json::object())) return ExpectConditionFailure("PutItem", request, old);
    json r = Send("PutItem", request, "");
    const bool want_old = old != nullptr && request.value("ReturnValues", "") == "ALL_OLD";
    REQUIRE_MESSAGE(r.contains("Attributes") == want_old, Where() << ": " << r.dump());
    if (want_old) REQUIRE_MESSAGE(r["Attributes"] == *old, Where() << ": " << r.dump());
    CheckWriteCapacity(r, old, &item);
    model_[ModelKey(item)] = item;
  }

  void UpdateItem() {
    const json key = RandomKey();
    const json* old = Current(key);
    const json before = old ? *old : json::object();
    json request = {{"TableName", "Model"}, {"Key", key}};
    Placeholders ph;
    std::vector<Action> actions;
    if (g_.Chance(95)) {
      actions = RandomActions(g_, before);
      request["UpdateExpression"] = UpdateText(g_, actions, &ph);
    }
    std::optional<Cond> cond;
    MaybeCondition(&request, before, &ph, &cond);
    ph.AddTo(&request);
    const std::vector<std::string> modes = {"NONE", "ALL_OLD", "UPDATED_OLD", "ALL_NEW", "UPDATED_NEW"};
    const std::string mode = g_.Chance(70) ? g_.Pick(modes) : "";
    if (!mode.empty()) request["ReturnValues"] = mode;
    if (g_.Chance(30)) request["ReturnConsumedCapacity"] = "TOTAL";
    if (cond && !Eval(*cond, before)) return ExpectConditionFailure("UpdateItem", request, old);

    json item = old ? *old : key;
    std::set<std::string> errors = ApplyModel(actions, &item);
    if (!errors.empty()) {
      ++g_stats.update_errors;
      Send("UpdateItem", request, "ValidationException", errors);
      return;
    }
    json r = Send("UpdateItem", request, "");
    json expected = json::object();
    if (mode == "ALL_OLD" && old) expected = *old;
    if (mode == "UPDATED_OLD" && old) expected = ProjectActions(actions, *old, false);
    if (mode == "ALL_NEW") expected = item;
    if (mode == "UPDATED_NEW") expected = ProjectActions(actions, item, true);
    REQUIRE_MESSAGE(r.value("Attributes", json::object()) == expected,
                    Where() << ": " << request.dump() << " -> " << r.dump() << " expected " << expected.dump());
    REQUIRE_MESSAGE(r.contains("Attributes") == !expected.empty(), Where() << ": " << r.dump());
    CheckWriteCapacity(r, old, &item);
    model_[ModelKey(key)] = item;
  }

  void DeleteItem() {
    const json key = RandomKey();
    const json* old = Current(key);
    json request = {{"TableName", "Model"}, {"Key", key}};
    Placeholders ph;
    std::optional<Cond> cond;
    MaybeCondition(&request, old ? *old : json::object(), &ph, &cond);
    ph.AddTo(&request);
    if (g_.Chance(50)) request["ReturnValues"] = g_.Chance(50) ? "ALL_OLD" : "NONE";
    if (g_.Chance(30)) request["ReturnConsumedCapacity"] = "TOTAL";
    if (cond && !Eval(*cond, old ? *old : json::object())) return ExpectConditionFailure("DeleteItem", request, old);
    json r = Send("DeleteItem", request, "");
    const bool want_old = old != nullptr && request.value("ReturnValues", "") == "ALL_OLD";
    REQUIRE_MESSAGE(r.contains("Attributes") == want_old, Where() << ": " << r.dump());
    if (want_old) REQUIRE_MESSAGE(r["Attributes"] == *old, Where() << ": " << r.dump());
    CheckWriteCapacity(r, old, nullptr);
    model_.erase(ModelKey(key));
  }

  void GetItem() {
    const json key = RandomKey();
    const json* current = Current(key);
    json request = {{"TableName", "Model"}, {"Key", key}};
    std::vector<std::string> projected;
    Placeholders ph;
    if (g_.Chance(40)) {
      std::vector<std::string> attrs = kAttrs;
      attrs.push_back("pk");
      std::shuffle(attrs.begin(), attrs.end(), g_.rng);
      std::string text;
      for (int i = g_.Int(1, 3); i > 0; --i) {
        projected.push_back(attrs[static_cast<size_t>(i)]);
        text += (text.empty() ? "" : ", ") + ph.Name(g_, projected.back());
      }
      request["ProjectionExpression"] = text;
    }
    ph.AddTo(&request);
    const bool consistent = g_.Chance(50);
    if (g_.Chance(50)) request["ConsistentRead"] = consistent;
    request["ReturnConsumedCapacity"] = "TOTAL";
    json r = Send("GetItem", request, "");
    REQUIRE_MESSAGE(r.contains("Item") == (current != nullptr), Where() << ": " << r.dump());
    if (current != nullptr) {
      json expected = *current;
      if (!projected.empty()) {
        expected = json::object();
        for (const std::string& a : projected) {
          if (const json* v = Attr(*current, a)) expected[a] = *v;
        }
      }
      REQUIRE_MESSAGE(r["Item"] == expected, Where() << ": " << r.dump() << " expected " << expected.dump());
    }
    double units = current ? static_cast<double>(std::max<uint64_t>(1, (ItemBytes(*current) + 4095) / 4096)) : 1.0;
    if (!(request.contains("ConsistentRead") && consistent)) units /= 2;
    REQUIRE_MESSAGE(r["ConsumedCapacity"]["CapacityUnits"].get<double>() == units, Where() << ": " << r.dump());
  }

  // Takes a commit batch; usually every batch in flight then reaches a
  // quorum (MarkDurable in LSN order, as the persistence layer does).
  void Commit() {
    if (!db_->engine().has_pending_commit()) return;
    in_flight_.emplace_back(db_->engine().TakeCommit().lsn, model_);
    if (g_.Chance(80)) MarkAllDurable();
  }

  void MarkAllDurable() {
    for (const auto& batch : in_flight_) {
      db_->engine().MarkDurable(batch.first);
      durable_ = batch.second;
    }
    in_flight_.clear();
  }

  // Either the oldest batch in flight becomes durable, or everything since
  // the durable state is rolled back.
  void Rollback() {
    if (!in_flight_.empty() && g_.Chance(50)) {
      db_->engine().MarkDurable(in_flight_.front().first);
      durable_ = in_flight_.front().second;
      in_flight_.erase(in_flight_.begin());
      return;
    }
    ++g_stats.rollbacks;
    db_->engine().RollbackToDurable();
    in_flight_.clear();
    model_ = durable_;
  }

  void Reopen() {
    ++g_stats.reopens;
    MarkAllDurable();
    db_->CommitAll();
    durable_ = model_;
    Result<std::unique_ptr<Engine>> opened = Engine::Open(db_->engine().SnapshotImages());
    REQUIRE_MESSAGE(opened.ok(), Where() << ": " << opened.status().ToString());
    db_ = std::make_unique<TestDb>(std::move(opened).value());
  }

  void Verify() {
    const std::string check = db_->CheckText();
    REQUIRE_MESSAGE(check == "OK", Where() << ": " << check);
    uint64_t bytes = 0;
    for (const auto& entry : model_) bytes += ItemBytes(entry.second);
    json table = db_->Describe("Model");
    REQUIRE_MESSAGE(table["ItemCount"] == model_.size(), Where() << ": " << table.dump());
    REQUIRE_MESSAGE(table["TableSizeBytes"] == bytes, Where() << ": " << table.dump());
    for (int p = 0; p <= 3; ++p) {
      for (int s = -2; s <= 3; ++s) {
        json key = {{"pk", S("p" + std::to_string(p))}, {"sk", N(std::to_string(s))}};
        json got = db_->Get("Model", key);
        const json* want = Current(key);
        REQUIRE_MESSAGE((want ? *want : json()) == got, Where() << ": key " << key.dump() << " got " << got.dump());
      }
    }
  }

  uint64_t seed_;
  Gen g_;
  int step_ = 0;
  std::unique_ptr<TestDb> db_;
  Model model_;    // what the database holds now
  Model durable_;  // what it holds at durable_lsn()
  std::vector<std::pair<uint64_t, Model>> in_flight_;  // batches taken, not yet durable: (LSN, state)
};

uint64_t EnvNumber(const char* name, uint64_t fallback) {
  const char* v = std::getenv(name);
  return v == nullptr ? fallback : std::strtoull(v, nullptr, 10);
}

TEST_CASE("Random item operations agree with the reference model") {
  if (const char* one = std::getenv("PD_MODEL_SEED")) {
    ModelRun(std::strtoull(one, nullptr, 10)).Run(static_cast<int>(EnvNumber("PD_MODEL_STEPS", 400)));
    return;
  }
  const uint64_t seeds = EnvNumber("PD_MODEL_SEEDS", 40);
  const int steps = static_cast<int>(EnvNumber("PD_MODEL_STEPS", 400));
  for (uint64_t seed = 1; seed <= seeds; ++seed) ModelRun(seed).Run(steps);
  MESSAGE("writes " << g_stats.writes << ", condition failures " << g_stats.condition_failures
                    << ", update errors " << g_stats.update_errors << ", returned attributes "
                    << g_stats.returned_attributes << ", found reads " << g_stats.found_reads
                    << ", rollbacks " << g_stats.rollbacks << ", reopens " << g_stats.reopens);
  if (seeds >= 10 && steps >= 200) {
    CHECK(g_stats.writes > seeds * steps / 4);
    CHECK(g_stats.condition_failures > 0);
    CHECK(g_stats.update_errors > 0);
    CHECK(g_stats.returned_attributes > 0);
    CHECK(g_stats.found_reads > 0);
    CHECK(g_stats.rollbacks > 0);
    CHECK(g_stats.reopens > 0);
  }
}

}  // namespace
}  // namespace testing
}  // namespace pd

// Lowering of PartiQL statements onto operation requests (see lower.h).
#include "partiql/lower.h"

#include <map>
#include <utility>
#include <vector>

#include "api/messages.h"

// Not on a hot path: optimized for size in the wasm build (the package budget).
#if defined(__clang__)
#pragma clang attribute push(__attribute__((minsize)), apply_to = function)
#endif

namespace pd {
namespace partiql {
namespace {

using nlohmann::json;

constexpr char kIncompleteKey[] =
    "Where clause does not contain a mandatory equality on all key attributes";

struct Failure {
  api::DdbError error;
};

[[noreturn]] void Fail(std::string message) {
  throw Failure{api::DdbError::Validation(std::move(message))};
}

// Builds the expression texts of one request and their placeholder maps.
class Builder {
 public:
  Builder(const json& params) : params_(params) {}

  std::string NameRef(const std::string& name) {
    auto it = names_.find(name);
    if (it != names_.end()) return it->second;
    std::string ph = "#n" + std::to_string(names_.size());
    names_.emplace(name, ph);
    return ph;
  }
  std::string ValueRef(json v) {
    std::string ph = ":v" + std::to_string(values_.size());
    values_[ph] = std::move(v);
    return ph;
  }

  std::string PathText(const Node& n) {
    std::string out;
    for (const PathStep& s : n.steps) {
      if (s.index >= 0) {
        out += "[" + std::to_string(s.index) + "]";
      } else {
        if (!out.empty()) out += ".";
        out += NameRef(s.name);
      }
    }
    return out;
  }

  // The AttributeValue a value node stands for.
  json ToValue(const Node& n) {
    switch (n.kind) {
      case Node::kValue:
        return n.value;
      case Node::kParam:
        return params_.at(static_cast<size_t>(n.param));
      case Node::kList: {
        json l = json::array();
        for (const Node& k : n.kids) l.push_back(ToValue(k));
        return json{{"L", std::move(l)}};
      }
      case Node::kMap: {
        json m = json::object();
        for (size_t i = 0; i < n.kids.size(); ++i) m[n.keys[i]] = ToValue(n.kids[i]);
        return json{{"M", std::move(m)}};
      }
      case Node::kBag: {
        if (n.kids.empty()) Fail("Empty bags are not supported");
        std::string type;
        json elems = json::array();
        for (const Node& k : n.kids) {
          json v = ToValue(k);
          std::string t = v.is_object() && v.size() == 1 ? v.begin().key() : "";
          if ((t != "S" && t != "N" && t != "B") || (!type.empty() && t != type)) {
            Fail("Unsupported data type in Bag. DynamoDB only supports either numbers or "
                 "strings in bags");
          }
          type = t;
          elems.push_back(v.begin().value());
        }
        return json{{type + "S", std::move(elems)}};
      }
      default:
        Fail("Unsupported token in expression: " + Describe(n));
    }
  }

  static std::string Describe(const Node& n) {
    switch (n.kind) {
      case Node::kCall: return n.op;
      case Node::kPath: return "path";
      case Node::kArith: return n.op;
      default: return "expression";
    }
  }

  static bool IsValue(const Node& n) {
    return n.kind == Node::kValue || n.kind == Node::kParam || n.kind == Node::kList ||
           n.kind == Node::kMap || n.kind == Node::kBag;
  }

  // An operand of a condition: a path, a value or size(path).
  std::string Operand(const Node& n) {
    if (n.kind == Node::kPath) return PathText(n);
    if (IsValue(n)) return ValueRef(ToValue(n));
    if (n.kind == Node::kCall && n.op == "size" && n.kids.size() == 1 &&
        n.kids[0].kind == Node::kPath) {
      return "size(" + PathText(n.kids[0]) + ")";
    }
    if (n.kind == Node::kCall) Fail("Unrecognized function: " + n.op);
    Fail("Unsupported operator in Condition Expression. Operator: " + n.op);
  }

  std::string Cond(const Node& n) {
    switch (n.kind) {
      case Node::kAnd:
        return "(" + Cond(n.kids[0]) + " AND " + Cond(n.kids[1]) + ")";
      case Node::kOr:
        return "(" + Cond(n.kids[0]) + " OR " + Cond(n.kids[1]) + ")";
      case Node::kNot:
        return "(NOT " + Cond(n.kids[0]) + ")";
      case Node::kCompare:
        return Operand(n.kids[0]) + " " + n.op + " " + Operand(n.kids[1]);
      case Node::kBetween:
        return Operand(n.kids[0]) + " BETWEEN " + Operand(n.kids[1]) + " AND " +
               Operand(n.kids[2]);
      case Node::kIn: {
        if (n.kids[0].kind != Node::kPath) {
          Fail("IN operator must have a left hand argument of type Variable Reference and right "
               "hand argument of type Seq with at least one member");
        }
        std::string out = Operand(n.kids[0]) + " IN (";
        for (size_t i = 1; i < n.kids.size(); ++i) out += (i > 1 ? ", " : "") + Operand(n.kids[i]);
        return out + ")";
      }
      case Node::kIs: {
        if (n.kids[0].kind != Node::kPath) {
          Fail("The left hand side argument to IS must be a Variable Reference, Literal, or Path");
        }
        std::string path = PathText(n.kids[0]);
        if (n.op == "MISSING") {
          return (n.negated ? "attribute_exists(" : "attribute_not_exists(") + path + ")";
        }
        static const std::pair<const char*, const char*> kTypes[] = {
            {"NULL", "NULL"}, {"BOOLEAN", "BOOL"}, {"BLOB", "B"},   {"STRING", "S"},
            {"NUMERIC", "N"}, {"STRUCT", "M"},     {"TUPLE", "M"},  {"LIST", "L"}};
        for (const auto& t : kTypes) {
          if (n.op == t.first) {
            std::string test = "attribute_type(" + path + ", " + ValueRef(json{{"S", t.second}}) + ")";
            return n.negated ? "(NOT " + test + ")" : test;
          }
        }
        Fail("Unsupported data type for IS operator: " + n.op +
             ". Supported data types are [MISSING, NULL, BOOLEAN, BLOB, STRING, NUMERIC, STRUCT, "
             "TUPLE, LIST]");
      }
      case Node::kCall: {
        static const char* const kConditionFunctions[] = {
            "begins_with", "contains", "attribute_type", "attribute_exists",
            "attribute_not_exists"};
        for (const char* f : kConditionFunctions) {
          if (n.op != f) continue;
          std::string out = n.op + "(";
          for (size_t i = 0; i < n.kids.size(); ++i) out += (i ? ", " : "") + Operand(n.kids[i]);
          return out + ")";
        }
        if (n.op == "size" || n.op == "list_append" || n.op == "set_add" ||
            n.op == "set_delete" || n.op == "if_not_exists") {
          Fail("WHERE clause must contain an expression that resolves to a boolean");
        }
        Fail("Unrecognized function: " + n.op);
      }
      case Node::kArith:
        Fail("Unsupported operator in Condition Expression. Operator: " + n.op);
      default:
        Fail("WHERE clause must contain an expression that resolves to a boolean");
    }
  }

  // The right-hand side of SET path = value (not set_add / set_delete).
  std::string UpdateValue(const Node& n) {
    if (n.kind == Node::kArith) {
      return UpdateOperand(n.kids[0]) + " " + n.op + " " + UpdateOperand(n.kids[1]);
    }
    return UpdateOperand(n);
  }
  std::string UpdateOperand(const Node& n) {
    if (n.kind == Node::kPath) return PathText(n);
    if (IsValue(n)) return ValueRef(ToValue(n));
    if (n.kind == Node::kCall && (n.op == "list_append" || n.op == "if_not_exists")) {
      if (n.kids.size() != 2) Fail(n.op + " must have exactly two arguments");
      return n.op + "(" + UpdateOperand(n.kids[0]) + ", " + UpdateOperand(n.kids[1]) + ")";
    }
    if (n.kind == Node::kCall) Fail("Unrecognized function: " + n.op);
    Fail("Unsupported operator in Update Expression. Operator: " + Describe(n));
  }

  void AddTo(json* request) {
    json names = json::object();
    for (const auto& [name, ph] : names_) names[ph] = name;
    if (!names.empty()) (*request)["ExpressionAttributeNames"] = std::move(names);
    if (!values_.empty()) (*request)["ExpressionAttributeValues"] = values_;
  }

 private:
  const json& params_;
  std::map<std::string, std::string> names_;  // attribute name -> #n<i>
  json values_ = json::object();              // :v<i> -> AttributeValue
};

// The top-level AND terms of a WHERE.
void Conjuncts(const Node& n, std::vector<const Node*>* out) {
  if (n.kind == Node::kAnd) {
    Conjuncts(n.kids[0], out);
    Conjuncts(n.kids[1], out);
  } else {
    out->push_back(&n);
  }
}

// True if `n` is a path of one name step equal to `name`.
bool IsAttr(const Node& n, const std::string& name) {
  return n.kind == Node::kPath && n.steps.size() == 1 && n.steps[0].index < 0 &&
         n.steps[0].name == name;
}

// True if the subtree mentions attribute `name` at the top of a path.
bool Mentions(const Node& n, const std::string& name) {
  if (n.kind == Node::kPath) return !n.steps.empty() && n.steps[0].name == name;
  for (const Node& k : n.kids) {
    if (Mentions(k, name)) return true;
  }
  return false;
}

// `attr = value` (either way round): the value node, else nullptr.
const Node* EqualityOn(const Node& n, const std::string& attr) {
  if (n.kind != Node::kCompare || n.op != "=") return nullptr;
  if (IsAttr(n.kids[0], attr) && Builder::IsValue(n.kids[1])) return &n.kids[1];
  if (IsAttr(n.kids[1], attr) && Builder::IsValue(n.kids[0])) return &n.kids[0];
  return nullptr;
}

// The key of a single-item statement from its WHERE: every key attribute
// with exactly one equality among the top-level AND terms. The other terms
// are returned in *rest.
json FullKey(const Statement& st, const KeyNames& keys, Builder* b,
             std::vector<const Node*>* rest) {
  if (!st.has_where) Fail(kIncompleteKey);
  std::vector<const Node*> terms;
  Conjuncts(st.where, &terms);
  json key = json::object();
  for (const Node* t : terms) {
    bool used = false;
    for (const std::string* k : {&keys.hash, &keys.range}) {
      if (k->empty()) continue;
      const Node* v = EqualityOn(*t, *k);
      if (v == nullptr) continue;
      if (key.contains(*k)) {
        Fail("Multiple conditions on same key " + *k +
             ". Only single item Update/Insert/Delete are supported");
      }
      key[*k] = b->ToValue(*v);
      used = true;
    }
    if (!used) rest->push_back(t);
  }
  if (!key.contains(keys.hash) || (!keys.range.empty() && !key.contains(keys.range))) {
    Fail(kIncompleteKey);
  }
  return key;
}

// The partition key values of `hash IN (v, ...)` or of an OR of equalities
// `hash = v OR hash = w ...` into *out; false (and *out unchanged) otherwise.
bool KeyValuesOf(const Node& n, const std::string& hash, std::vector<const Node*>* out) {
  std::vector<const Node*> found;
  std::vector<const Node*> todo = {&n};
  while (!todo.empty()) {
    const Node* t = todo.back();
    todo.pop_back();
    if (t->kind == Node::kOr) {
      todo.push_back(&t->kids[1]);
      todo.push_back(&t->kids[0]);
    } else if (const Node* v = EqualityOn(*t, hash)) {
      found.push_back(v);
    } else if (t->kind == Node::kIn && IsAttr(t->kids[0], hash) && t->kids.size() > 1) {
      for (size_t i = 1; i < t->kids.size(); ++i) {
        if (!Builder::IsValue(t->kids[i])) return false;
        found.push_back(&t->kids[i]);
      }
    } else {
      return false;
    }
  }
  *out = std::move(found);
  return true;
}

std::string JoinAnd(Builder* b, const std::vector<const Node*>& terms) {
  std::string out;
  for (const Node* t : terms) out += (out.empty() ? "" : " AND ") + b->Cond(*t);
  return out;
}

std::string Projection(const Statement& st, Builder* b) {
  std::string out;
  for (const Node& p : st.projection) out += (out.empty() ? "" : ", ") + b->PathText(p);
  return out;
}

// A sort key condition Query accepts in KeyConditionExpression.
bool IsRangeCondition(const Node& n, const std::string& range) {
  if (n.kind == Node::kCompare && n.op != "<>") {
    return (IsAttr(n.kids[0], range) && Builder::IsValue(n.kids[1])) ||
           (IsAttr(n.kids[1], range) && Builder::IsValue(n.kids[0]));
  }
  if (n.kind == Node::kBetween) {
    return IsAttr(n.kids[0], range) && Builder::IsValue(n.kids[1]) && Builder::IsValue(n.kids[2]);
  }
  return n.kind == Node::kCall && n.op == "begins_with" && n.kids.size() == 2 &&
         IsAttr(n.kids[0], range) && Builder::IsValue(n.kids[1]);
}

Lowered LowerSelect(const Statement& st, const json& params, const KeyNames& table,
                    const KeyNames* index, Mode mode) {
  Builder b(params);
  Lowered out;
  json& r = out.request;
  r["TableName"] = st.table;
  if (mode != Mode::kSingle || st.kind == Statement::kExists) {
    if (!st.index.empty()) {
      Fail(st.kind == Statement::kExists ? "Operations on indices are not supported in transactions"
                                         : "Reads on indices are not supported within transactions.");
    }
    std::vector<const Node*> rest;
    r["Key"] = FullKey(st, table, &b, &rest);
    if (st.kind == Statement::kExists) {
      out.op = "ConditionCheck";
      std::string h = b.NameRef(table.hash);
      std::string cond = JoinAnd(&b, rest);
      if (st.not_exists) {
        r["ConditionExpression"] =
            "attribute_not_exists(" + h + ")" + (cond.empty() ? "" : " OR (NOT (" + cond + "))");
      } else {
        r["ConditionExpression"] =
            "attribute_exists(" + h + ")" + (cond.empty() ? "" : " AND (" + cond + ")");
      }
    } else {
      if (!rest.empty()) {
        Fail(mode == Mode::kTransaction
                 ? "Select statements within ExecuteTransaction must specify the primary key in "
                   "the where clause."
                 : kIncompleteKey);
      }
      out.op = "GetItem";
      if (!st.star) r["ProjectionExpression"] = Projection(st, &b);
    }
    if (!st.order_by.empty()) Fail(std::string(api::msg::kUnsupportedClause) + "ORDER BY");
    b.AddTo(&r);
    return out;
  }

  const KeyNames& keys = index != nullptr ? *index : table;
  if (!st.index.empty()) r["IndexName"] = st.index;
  if (!st.star) r["ProjectionExpression"] = Projection(st, &b);
  std::vector<const Node*> terms;
  if (st.has_where) Conjuncts(st.where, &terms);
  // Query when one term is hash = value, at most one other names the sort
  // key in a key-condition form, and no other term names a key attribute.
  // A term `hash IN (...)` or `hash = v OR hash = w` makes one Query per
  // value (out.hash_values), as DynamoDB runs them: not a Scan.
  const Node* hash_term = nullptr;
  const Node* range_term = nullptr;
  std::vector<const Node*> hash_values;
  bool query = true;
  std::vector<const Node*> filter;
  for (const Node* t : terms) {
    if (hash_term == nullptr &&
        (EqualityOn(*t, keys.hash) != nullptr || KeyValuesOf(*t, keys.hash, &hash_values))) {
      hash_term = t;
    } else if (Mentions(*t, keys.hash)) {
      query = false;
    } else if (!keys.range.empty() && Mentions(*t, keys.range)) {
      if (range_term == nullptr && IsRangeCondition(*t, keys.range)) range_term = t;
      else query = false;
    } else {
      filter.push_back(t);
    }
  }
  query = query && hash_term != nullptr;
  if (!st.order_by.empty()) {
    if (!st.has_where) Fail("Must have WHERE clause in the statement when using ORDER BY clause.");
    for (const OrderKey& k : st.order_by) {
      if (k.name != keys.hash && k.name != keys.range) {
        Fail("Variable reference " + k.name + " in ORDER BY clause must be part of the primary key");
      }
    }
    if (!query || !hash_values.empty()) {
      Fail("Must have at least one non-optional hash key condition in WHERE clause when using "
           "ORDER BY clause.");
    }
    for (const OrderKey& k : st.order_by) {
      if (k.name == keys.range || keys.range.empty()) {
        if (k.desc) r["ScanIndexForward"] = false;
        break;
      }
    }
  }
  if (query) {
    out.op = "Query";
    std::string kc;
    if (hash_values.empty()) {
      kc = b.Cond(*hash_term);
    } else {
      kc = b.NameRef(keys.hash) + " = " + kHashValueRef;
      for (const Node* v : hash_values) {
        json value = b.ToValue(*v);
        bool seen = false;
        for (const json& have : out.hash_values) seen = seen || have == value;
        if (!seen) out.hash_values.push_back(std::move(value));
      }
    }
    if (range_term != nullptr) kc += " AND " + b.Cond(*range_term);
    r["KeyConditionExpression"] = kc;
    if (!filter.empty()) r["FilterExpression"] = JoinAnd(&b, filter);
  } else {
    out.op = "Scan";
    if (st.has_where) r["FilterExpression"] = b.Cond(st.where);
  }
  b.AddTo(&r);
  return out;
}

Lowered LowerUpdate(const Statement& st, const json& params, const KeyNames& table) {
  Builder b(params);
  Lowered out;
  out.op = "UpdateItem";
  json& r = out.request;
  r["TableName"] = st.table;
  std::vector<const Node*> rest;
  r["Key"] = FullKey(st, table, &b, &rest);
  std::string set, remove, add, del;
  for (const Statement::Action& a : st.actions) {
    std::string path = b.PathText(a.path);
    if (a.remove) {
      remove += (remove.empty() ? "" : ", ") + path;
      continue;
    }
    const Node& v = a.value;
    if (v.kind == Node::kCall && (v.op == "set_add" || v.op == "set_delete")) {
      std::string name = v.op == "set_add" ? "SET_ADD" : "SET_DELETE";
      if (v.kids.size() != 2) Fail(name + " must have exactly two arguments");
      if (v.kids[0].kind != Node::kPath || b.PathText(v.kids[0]) != path) {
        Fail("The first argument to " + name + " must equal the assignment value");
      }
      json set_value = Builder::IsValue(v.kids[1]) ? b.ToValue(v.kids[1]) : json();
      std::string t = set_value.is_object() && set_value.size() == 1 ? set_value.begin().key() : "";
      if (t != "SS" && t != "NS" && t != "BS") {
        Fail("The second argument to " + name + " must be a value with type SET");
      }
      std::string& target = v.op == "set_add" ? add : del;
      target += (target.empty() ? "" : ", ") + path + " " + b.ValueRef(std::move(set_value));
      continue;
    }
    set += (set.empty() ? "" : ", ") + path + " = " + b.UpdateValue(v);
  }
  std::string expr;
  if (!set.empty()) expr += "SET " + set;
  if (!remove.empty()) expr += (expr.empty() ? "" : " ") + std::string("REMOVE ") + remove;
  if (!add.empty()) expr += (expr.empty() ? "" : " ") + std::string("ADD ") + add;
  if (!del.empty()) expr += (expr.empty() ? "" : " ") + std::string("DELETE ") + del;
  r["UpdateExpression"] = expr;
  std::string cond = JoinAnd(&b, rest);
  r["ConditionExpression"] =
      "attribute_exists(" + b.NameRef(table.hash) + ")" + (cond.empty() ? "" : " AND (" + cond + ")");
  if (!st.returning.empty()) r["ReturnValues"] = st.returning;
  b.AddTo(&r);
  return out;
}

Lowered LowerDelete(const Statement& st, const json& params, const KeyNames& table) {
  Builder b(params);
  Lowered out;
  out.op = "DeleteItem";
  json& r = out.request;
  r["TableName"] = st.table;
  std::vector<const Node*> rest;
  r["Key"] = FullKey(st, table, &b, &rest);
  if (!rest.empty()) {
    r["ConditionExpression"] =
        "attribute_not_exists(" + b.NameRef(table.hash) + ") OR (" + JoinAnd(&b, rest) + ")";
  }
  if (!st.returning.empty()) {
    if (st.returning != "ALL_OLD") {
      std::string rv = st.returning == "ALL_NEW" ? "ALL NEW *"
                       : st.returning == "UPDATED_OLD" ? "MODIFIED OLD *"
                                                       : "MODIFIED NEW *";
      Fail("Invalid returning clause: RETURNING " + rv +
           ". Only RETURNING ALL OLD * is allowed in DELETE statements.");
    }
    r["ReturnValues"] = "ALL_OLD";
  }
  b.AddTo(&r);
  return out;
}

Lowered LowerInsert(const Statement& st, const json& params, const KeyNames& table) {
  Builder b(params);
  Lowered out;
  out.op = "PutItem";
  json& r = out.request;
  r["TableName"] = st.table;
  if (st.item.kind != Node::kMap && st.item.kind != Node::kParam) {
    Fail("Unsupported format in item expression. Please use struct format {...} to express item "
         "values for insert statement.");
  }
  json item = b.ToValue(st.item);
  if (!item.is_object() || !item.contains("M") || !item["M"].is_object()) {
    Fail("Unsupported format in item expression. Please use struct format {...} to express item "
         "values for insert statement.");
  }
  r["Item"] = item["M"];
  r["ConditionExpression"] = "attribute_not_exists(" + b.NameRef(table.hash) + ")";
  b.AddTo(&r);
  return out;
}

}  // namespace

std::variant<Lowered, api::DdbError> Lower(const Statement& st, const json& params,
                                           const KeyNames& table, const KeyNames* index,
                                           Mode mode) {
  try {
    if (st.kind == Statement::kExists && mode != Mode::kTransaction) {
      Fail("EXISTS can only be used in ExecuteTransaction write requests.");
    }
    if (st.kind != Statement::kSelect && st.kind != Statement::kExists && !st.index.empty()) {
      Fail("This operation is not supported on an index");
    }
    switch (st.kind) {
      case Statement::kSelect:
      case Statement::kExists:
        return LowerSelect(st, params, table, index, mode);
      case Statement::kInsert:
        return LowerInsert(st, params, table);
      case Statement::kUpdate:
        return LowerUpdate(st, params, table);
      case Statement::kDelete:
        return LowerDelete(st, params, table);
    }
    Fail(api::msg::kUnsupportedOperation);
  } catch (Failure& f) {
    return std::move(f.error);
  }
}

}  // namespace partiql
}  // namespace pd

#if defined(__clang__)
#pragma clang attribute pop
#endif

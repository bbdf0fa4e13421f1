#include "api/spec.h"

#include <cmath>
#include <cstring>
#include <limits>
#include <utility>

#include "api/messages.h"
#include "api/ops/common_spec.h"
#include "table/limits.h"
#include "util/base64.h"

namespace pd {
namespace api {
namespace {

using nlohmann::json;

constexpr char kModelPackage[] = "com.amazonaws.dynamodb.v20120810.";
constexpr char kUnexpectedField[] = "Unexpected field type";
constexpr char kUnexpectedValue[] = "Unexpected value type in payload";
constexpr char kParameterizedCast[] =
    "class sun.reflect.generics.reflectiveObjects.ParameterizedTypeImpl cannot be cast to "
    "class java.lang.Class (sun.reflect.generics.reflectiveObjects.ParameterizedTypeImpl and "
    "java.lang.Class are in module java.base of loader 'bootstrap')";
// AttributeValues nested deeper than this are not walked (DynamoDB allows 32
// levels; anything this deep is rejected outright so no walker recurses
// without bound on hostile input).
constexpr int kMaxWalkDepth = 2 * kMaxDocumentDepth;

// Where a value sits: a member of a structure, or a list element / map value.
enum class Position { kField, kValue };

bool IsTableNameText(const std::string& s) {
  if (s.empty()) return false;
  for (char c : s) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '.' || c == '-';
    if (!ok) return false;
  }
  return true;
}

// The strings DynamoDB's JSON layer reads as booleans (any letter case).
std::optional<bool> BooleanFromText(const std::string& text) {
  std::string upper;
  for (char c : text) upper += (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
  if (upper == "TRUE" || upper == "YES" || upper == "1") return true;
  if (upper == "FALSE" || upper == "NO" || upper == "0") return false;
  return std::nullopt;
}

// Whether `value` is one of `set` ("A, B, C": the enum as DynamoDB prints it).
bool InEnumSet(const char* set, const std::string& value) {
  for (const char* p = set;;) {
    const char* end = std::strchr(p, ',');
    const size_t n = end == nullptr ? std::strlen(p) : static_cast<size_t>(end - p);
    if (value.size() == n && value.compare(0, n, p, n) == 0) return true;
    if (end == nullptr) return false;
    p = end + 2;  // ", "
  }
}

// Jackson's token name for a scalar JSON value.
const char* TokenName(const json& v) {
  if (v.is_boolean()) return v.get<bool>() ? "TRUE_VALUE" : "FALSE_VALUE";
  if (v.is_number_float()) return "DECIMAL_VALUE";
  if (v.is_number()) return "NUMBER_VALUE";
  return "STRING_VALUE";
}

// The Java type DynamoDB's model uses for values described by `p`.
std::string JavaClass(const Param& p) {
  switch (p.type) {
    case ParamType::kString: return "java.lang.String";
    case ParamType::kBoolean: return "java.lang.Boolean";
    case ParamType::kInteger: return "java.lang.Integer";
    case ParamType::kLong: return "java.lang.Long";
    case ParamType::kBlob: return "java.nio.ByteBuffer";
    case ParamType::kTimestamp: return "java.util.Date";
    case ParamType::kList:
      return "java.util.List<" + JavaClass(p.element()) + ">";
    case ParamType::kMap:
      return "java.util.Map<java.lang.String, " + JavaClass(p.element()) + ">";
    case ParamType::kStruct:
      return std::string(kModelPackage) + p.class_name;
    case ParamType::kAttributeValue: return std::string(kModelPackage) + "AttributeValue";
  }
  return "java.lang.Object";
}

const char* ScalarTypeName(ParamType t) {
  switch (t) {
    case ParamType::kString: return "String";
    case ParamType::kBoolean: return "Boolean";
    case ParamType::kInteger: return "Integer";
    case ParamType::kLong: return "Long";
    case ParamType::kTimestamp: return "Date";
    default: return "Blob";
  }
}

// The members of an AttributeValue, in the order DynamoDB checks them.
constexpr Param kAttributeValueMembers[] = {String("S"),
                                            Blob("B"),
                                            String("N"),
                                            Boolean("BOOL"),
                                            Boolean("NULL"),
                                            List("BS", kBlobValue),
                                            List("NS", kStringValue),
                                            List("SS", kStringValue),
                                            List("L", kAttributeValueValue),
                                            Map("M", kAttributeValueValue)};
constexpr Param kAttributeValueStruct = Struct("", "AttributeValue", kAttributeValueMembers);

// Integral value of a JSON number for Integer/Long: fractions truncated
// down, out-of-range values clamped to int64.
int64_t ToInt64(const json& v) {
  if (v.is_number_integer()) {
    if (v.is_number_unsigned()) {
      uint64_t u = v.get<uint64_t>();
      return u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())
                 ? std::numeric_limits<int64_t>::max()
                 : static_cast<int64_t>(u);
    }
    return v.get<int64_t>();
  }
  double d = std::floor(v.get<double>());
  if (std::isnan(d)) return 0;
  if (d >= 9.2233720368547758e18) return std::numeric_limits<int64_t>::max();
  if (d <= -9.2233720368547758e18) return std::numeric_limits<int64_t>::min();
  return static_cast<int64_t>(d);
}

// Phase 1 on one value. With `out`, the normalized value is written there.
// Without (nullptr), the value is only checked, and *changed is set when its
// normalized form would differ from `in` (a null or unknown member, a null
// map value, a boolean given as text, an Integer/Long that is not an int64):
// the same walk in the same order either way, so both return the same error.
std::optional<DdbError> Normalize(const Param& spec, const json& in, Position pos, int depth,
                                  json* out, bool* changed);

std::optional<DdbError> NormalizeStructMembers(const Param& spec, const json& in, int depth,
                                               json* out, bool* changed) {
  if (out != nullptr) *out = json::object();
  size_t kept = 0;
  for (const Param& member : spec) {
    auto it = in.find(member.name);
    if (it == in.end() || it->is_null()) continue;
    ++kept;
    if (out == nullptr) {
      PD_RETURN_IF_DDB_ERROR(Normalize(member, *it, Position::kField, depth, nullptr, changed));
      continue;
    }
    json value;
    PD_RETURN_IF_DDB_ERROR(Normalize(member, *it, Position::kField, depth, &value, changed));
    (*out)[member.name] = std::move(value);
  }
  if (kept != in.size()) *changed = true;  // unknown or null members are dropped
  return std::nullopt;
}

std::optional<DdbError> Normalize(const Param& spec, const json& in, Position pos, int depth,
                                  json* out, bool* changed) {
  switch (spec.type) {
    case ParamType::kString:
    case ParamType::kBoolean:
    case ParamType::kInteger:
    case ParamType::kLong:
    case ParamType::kBlob:
    case ParamType::kTimestamp: {
      if (in.is_array()) {
        return DdbError::Serialization("Unrecognized collection type class " + JavaClass(spec));
      }
      if (in.is_object()) return DdbError::Serialization(msg::kStartOfStructure);
      const char* type_name = ScalarTypeName(spec.type);  // for the messages
      if (spec.type == ParamType::kString) {
        if (!in.is_string()) {
          return DdbError::Serialization(std::string(TokenName(in)) +
                                         " cannot be converted to String");
        }
      } else if (spec.type == ParamType::kBoolean) {
        if (in.is_string()) {
          std::optional<bool> b = BooleanFromText(in.get_ref<const std::string&>());
          if (!b) return DdbError::Serialization("Unexpected token received from parser");
          *changed = true;
          if (out != nullptr) *out = *b;
          return std::nullopt;
        }
        if (!in.is_boolean()) {
          return DdbError::Serialization(std::string(TokenName(in)) +
                                         " cannot be converted to Boolean");
        }
      } else if (spec.type == ParamType::kBlob) {
        if (!in.is_string()) {
          return DdbError::Serialization("only base-64-encoded strings are convertible to bytes");
        }
        Result<std::string> bytes = Base64Decode(in.get_ref<const std::string&>());
        if (!bytes.ok()) return DdbError::Serialization(bytes.status().message());
      } else if (spec.type == ParamType::kTimestamp) {
        if (!in.is_number()) {
          return DdbError::Serialization(std::string(TokenName(in)) + " cannot be converted to " +
                                         type_name);
        }
      } else {  // Integer, Long
        if (!in.is_number()) {
          return DdbError::Serialization(std::string(TokenName(in)) +
                                         " cannot be converted to " + type_name);
        }
        // An int64 already (nlohmann reads non-negative integers as unsigned:
        // those up to INT64_MAX read back the same through get<int64_t>()).
        const bool integral =
            in.is_number_integer() &&
            (!in.is_number_unsigned() ||
             in.get<uint64_t>() <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max()));
        if (!integral) *changed = true;
        if (out != nullptr) *out = ToInt64(in);
        return std::nullopt;
      }
      if (out != nullptr) *out = in;
      return std::nullopt;
    }
    case ParamType::kList: {
      if (in.is_object()) return DdbError::Serialization(msg::kStartOfStructure);
      if (!in.is_array()) {
        return DdbError::Serialization(pos == Position::kField ? kUnexpectedField
                                                               : kParameterizedCast);
      }
      if (out != nullptr) *out = json::array();
      for (const json& element : in) {
        json value;  // null elements stay null; phase 2 reports them
        if (!element.is_null()) {
          PD_RETURN_IF_DDB_ERROR(Normalize(spec.element(), element, Position::kValue, depth,
                                           out != nullptr ? &value : nullptr, changed));
        }
        if (out != nullptr) out->push_back(std::move(value));
      }
      return std::nullopt;
    }
    case ParamType::kMap: {
      if (in.is_array()) {
        return DdbError::Serialization(
            "Unrecognized collection type java.util.Map<java.lang.String, " +
            JavaClass(spec.element()) + ">");
      }
      if (!in.is_object()) {
        return DdbError::Serialization(pos == Position::kField ? kUnexpectedField
                                                               : kParameterizedCast);
      }
      if (out != nullptr) *out = json::object();
      for (auto it = in.begin(); it != in.end(); ++it) {
        if (it->is_null()) {
          *changed = true;  // null map values are dropped
          continue;
        }
        if (out == nullptr) {
          PD_RETURN_IF_DDB_ERROR(
              Normalize(spec.element(), *it, Position::kValue, depth, nullptr, changed));
          continue;
        }
        json value;
        PD_RETURN_IF_DDB_ERROR(
            Normalize(spec.element(), *it, Position::kValue, depth, &value, changed));
        (*out)[it.key()] = std::move(value);
      }
      return std::nullopt;
    }
    case ParamType::kStruct:
    case ParamType::kAttributeValue: {
      const Param& shape = spec.type == ParamType::kStruct ? spec : kAttributeValueStruct;
      if (in.is_array()) {
        return DdbError::Serialization(std::string("Unrecognized collection type class ") + kModelPackage +
                                       shape.class_name);
      }
      if (!in.is_object()) {
        return DdbError::Serialization(pos == Position::kField ? kUnexpectedField
                                                               : kUnexpectedValue);
      }
      int next_depth = depth;
      if (spec.type == ParamType::kAttributeValue && ++next_depth > kMaxWalkDepth) {
        return DdbError::Validation(msg::kNestingTooDeep);
      }
      return NormalizeStructMembers(shape, in, next_depth, out, changed);
    }
  }
  return std::nullopt;
}

// ---- Phase 2 ----------------------------------------------------------------

class ConstraintChecker {
 public:
  bool full() const { return errors_.size() >= kMaxListedValidationErrors; }
  const std::vector<std::string>& errors() const { return errors_; }

  // Checks one member. `value` is nullptr when absent. `element` marks list
  // elements, which must not be null.
  // `written_parent` is the same path with member names as written, for
  // the members whose length errors current DynamoDB reports unechoed.
  void Check(const Param& spec, const json* value, const std::string& parent, std::string_view attr,
             bool element, const std::string& written_parent = "") {
    if (full()) return;
    if (value != nullptr && value->is_null()) value = nullptr;
    // A present value of a member with nothing to check (most AttributeValues,
    // most strings) cannot fail: return before building its paths.
    if (value != nullptr && Unconstrained(spec)) return;
    if (value == nullptr && !spec.not_null && !element) return;
    std::string path;
    path.reserve(parent.size() + 1 + attr.size());
    if (!parent.empty()) path.append(parent).push_back('.');
    const size_t first = path.size();
    path.append(attr);
    if (first < path.size() && path[first] >= 'A' && path[first] <= 'Z') {
      path[first] = static_cast<char>(path[first] - 'A' + 'a');  // LowerFirst
    }
    if (value == nullptr) {  // not_null or a list element
      Fail(nullptr, path, msg::kMemberNotNull);
      return;
    }
    std::string written;
    written.reserve(written_parent.size() + 1 + attr.size());
    if (!parent.empty()) written.append(written_parent).push_back('.');
    written.append(attr);
    if (value->is_number_integer()) {
      int64_t n = value->get<int64_t>();
      if (n < spec.min_value) {
        Fail(value, path,
             "Member must have value greater than or equal to " + std::to_string(spec.min_value));
      }
      if (n > spec.max_value) {
        Fail(value, path,
             "Member must have value less than or equal to " + std::to_string(spec.max_value));
      }
    }
    if (spec.pattern != nullptr && value->is_string() &&
        !spec.pattern->matches(value->get_ref<const std::string&>())) {
      Fail(value, path,
           std::string("Member must satisfy regular expression pattern: ") + spec.pattern->text);
    }
    if (spec.has_min_length() || spec.has_max_length()) {
      uint64_t length = Length(*value);
      // Current DynamoDB words some collection lengths without the value and
      // with the member names as written ("Value at 'RequestItems' ...").
      const json* shown = spec.unechoed_length ? nullptr : value;
      const std::string& where = spec.unechoed_length ? written : path;
      if (length < spec.min_length) {
        Fail(shown, where,
             "Member must have length greater than or equal to " + std::to_string(spec.min_length),
             spec.unechoed_length);
      }
      if (length > spec.max_length) {
        Fail(shown, where,
             "Member must have length less than or equal to " + std::to_string(spec.max_length),
             spec.unechoed_length);
      }
    }
    if (spec.enum_values != nullptr && value->is_string() &&
        !InEnumSet(spec.enum_values, value->get_ref<const std::string&>())) {
      Fail(value, path,
           std::string("Member must satisfy enum value set: [") + spec.enum_values + "]");
    }
    if (value->is_object() && spec.type == ParamType::kMap) {
      if (spec.map_keys) {
        for (auto it = value->begin(); it != value->end(); ++it) {
          if (!Satisfies(*spec.map_keys, json(it.key()))) {
            Fail(value, path,
                 "Map keys must satisfy constraint: [" + Describe(*spec.map_keys) + "]");
          }
        }
      }
      if (spec.map_values) {
        for (auto it = value->begin(); it != value->end(); ++it) {
          if (!Satisfies(*spec.map_values, *it)) {
            Fail(value, path,
                 "Map value must satisfy constraint: [" + Describe(*spec.map_values) + "]");
          }
        }
      }
    }
    CheckChildren(spec, *value, path, written);
  }

 private:
  void CheckChildren(const Param& spec, const json& value, const std::string& path,
                     const std::string& written) {
    switch (spec.type) {
      case ParamType::kStruct:
        if (!value.is_object()) return;
        for (const Param& member : spec) {
          auto it = value.find(member.name);
          Check(member, it == value.end() ? nullptr : &*it, path, member.name, false, written);
        }
        return;
      case ParamType::kList:
        if (!value.is_array()) return;
        for (size_t i = 0; i < value.size(); ++i) {
          if (!value[i].is_null() && Unconstrained(spec.element())) continue;  // cannot fail
          const std::string index = "." + std::to_string(i + 1);
          Check(spec.element(), &value[i], path + index, "member", true, written + index);
        }
        return;
      case ParamType::kMap:
        if (!value.is_object()) return;
        for (auto it = value.rbegin(); it != value.rend(); ++it) {
          if (!it->is_null() && Unconstrained(spec.element())) continue;  // cannot fail
          const std::string key = "." + it.key();
          Check(spec.element(), &*it, path + key, "member", false, written + key);
        }
        return;
      default:
        return;  // scalars and AttributeValues have no declared inner constraints
    }
  }

  // Whether `spec` declares nothing a present value could fail: no bounds,
  // pattern, length or enum, and no members or elements to visit.
  static bool Unconstrained(const Param& spec) {
    return spec.type != ParamType::kStruct && spec.type != ParamType::kList &&
           spec.type != ParamType::kMap && !spec.has_min_value() && !spec.has_max_value() &&
           spec.pattern == nullptr && !spec.has_min_length() && !spec.has_max_length() &&
           spec.enum_values == nullptr;
  }

  static uint64_t Length(const json& v) {
    if (v.is_string()) return Utf16Length(v.get_ref<const std::string&>());
    if (v.is_array() || v.is_object()) return v.size();
    return 0;
  }

  static bool Satisfies(const ElementLengths& c, const json& v) {
    uint64_t length = Length(v);
    if (c.max_length && length > *c.max_length) return false;
    if (c.min_length && length < *c.min_length) return false;
    if (c.pattern != nullptr &&
        (!v.is_string() || !c.pattern->matches(v.get_ref<const std::string&>()))) {
      return false;
    }
    return true;
  }

  static std::string Describe(const ElementLengths& c) {
    std::vector<std::string> parts;
    if (c.max_length) {
      parts.push_back("Member must have length less than or equal to " +
                      std::to_string(*c.max_length));
    }
    if (c.min_length) {
      parts.push_back("Member must have length greater than or equal to " +
                      std::to_string(*c.min_length));
    }
    if (c.pattern != nullptr) {
      parts.push_back(std::string("Member must satisfy regular expression pattern: ") +
                      c.pattern->text);
    }
    std::string out;
    for (const std::string& p : parts) {
      if (!out.empty()) out += ", ";
      out += p;
    }
    return out;
  }

  // `unechoed`: "Value at '<path>' ..." without the value.
  void Fail(const json* value, const std::string& path, const std::string& constraint,
            bool unechoed = false) {
    if (full()) return;
    std::string shown = unechoed           ? ""
                        : value == nullptr ? " null"
                                           : " '" + ValueToMessageString(*value) + "'";
    errors_.push_back(msg::ConstraintFailed(shown, path, constraint));
  }

  std::vector<std::string> errors_;  // at most kMaxListedValidationErrors, in check order
};

// "1 validation error detected: E" / "N validation errors detected: E1; E2".
std::string Aggregate(const std::vector<std::string>& errors) {
  std::string message = msg::ValidationErrorsDetected(errors.size());
  for (size_t i = 0; i < errors.size(); ++i) {
    if (i > 0) message += "; ";
    message += errors[i];
  }
  return message;
}

}  // namespace

const Pattern kTableNamePatternSpec = {kTableNamePattern, &IsTableNameText};

namespace {

// Phase 1 on the whole request: the first SerializationException, else
// &request when it is already in normal form, else *normalized filled with it.
DdbResult<const json*> NormalizeInPlace(const Param& input, const json& request, json* normalized) {
  if (request.is_array()) return DdbError::Serialization(msg::kStartOfList);
  if (!request.is_object()) return DdbError::Serialization(kUnexpectedValue);
  bool changed = false;
  if (auto err = NormalizeStructMembers(input, request, 0, nullptr, &changed)) return *err;
  if (!changed) return &request;
  // The same walk again, building the normal form; it cannot fail now.
  if (auto err = NormalizeStructMembers(input, request, 0, normalized, &changed)) return *err;
  return normalized;
}

}  // namespace

DdbResult<json> NormalizeRequest(const Param& input, const json& request) {
  json storage;
  DdbResult<const json*> normal = NormalizeInPlace(input, request, &storage);
  if (!normal.ok()) return normal.error();
  if (*normal == &request) return request;
  return storage;
}

std::optional<DdbError> CheckConstraints(const Param& input, const json& normalized) {
  // 2a: required and table-name members fail alone, at once.
  for (const Param& member : input) {
    auto it = normalized.find(member.name);
    const json* value = it == normalized.end() || it->is_null() ? nullptr : &*it;
    if (member.required && value == nullptr) {
      std::string message = "The parameter '";
      message.append(member.name).append("' is required but was not present in the request");
      return DdbError::Validation(message);
    }
    if (member.table_name && value != nullptr) {
      Param name = member;  // its own constraints plus DynamoDB's 3-255 characters
      name.min_length = kMinTableNameLength;
      name.max_length = kMaxTableNameLength;
      ConstraintChecker alone;
      alone.Check(name, value, "", member.name, false);
      if (!alone.errors().empty()) return DdbError::Validation(Aggregate(alone.errors()));
    }
  }
  // 2b: everything else, aggregated.
  ConstraintChecker checker;
  for (const Param& member : input) {
    if (member.table_name) continue;  // checked in 2a
    auto it = normalized.find(member.name);
    checker.Check(member, it == normalized.end() ? nullptr : &*it, "", member.name, false);
  }
  if (checker.errors().empty()) return std::nullopt;
  return DdbError::Validation(Aggregate(checker.errors()));
}

DdbResult<const json*> CheckRequest(const OperationSpec& spec, const json& request,
                                    json* normalized) {
  DdbResult<const json*> normal = NormalizeInPlace(spec.input, request, normalized);
  if (!normal.ok()) return normal;
  if (auto err = CheckConstraints(spec.input, **normal)) return *err;
  if (spec.custom != nullptr) {
    if (auto err = spec.custom(**normal)) return *err;
  }
  return normal;
}

DdbResult<json> ValidateRequest(const OperationSpec& spec, const json& request) {
  json storage;
  DdbResult<const json*> checked = CheckRequest(spec, request, &storage);
  ForgetCheckedMaps();  // kept for nodes of a request the caller does not get
  if (!checked.ok()) return checked.error();
  if (*checked == &request) return request;
  return storage;
}

std::string ValueToMessageString(const json& value) {
  if (value.is_null()) return "null";
  if (value.is_string()) return value.get<std::string>();
  if (value.is_array()) {
    std::string out = "[";
    for (size_t i = 0; i < value.size(); ++i) {
      if (i > 0) out += ", ";
      out += ValueToMessageString(value[i]);
    }
    return out + "]";
  }
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string LowerFirst(const std::string& name) {
  if (name.empty()) return name;
  std::string out = name;
  if (out[0] >= 'A' && out[0] <= 'Z') out[0] = static_cast<char>(out[0] - 'A' + 'a');
  return out;
}

uint32_t Utf16Length(const std::string& utf8) {
  uint32_t units = 0;
  for (size_t i = 0; i < utf8.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(utf8[i]);
    if ((c & 0xC0) == 0x80) continue;  // continuation byte
    units += (c >= 0xF0 && c <= 0xF4) ? 2 : 1;  // 4-byte sequences are surrogate pairs
  }
  return units;
}

}  // namespace api
}  // namespace pd

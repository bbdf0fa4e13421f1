#include "value/json_codec.h"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "api/messages.h"
#include "util/base64.h"

namespace pd {

namespace {

using json = nlohmann::json;

constexpr const char* kTruncatingBigNumber =
    "class com.amazon.coral.value.json.numbers.TruncatingBigNumber can not be converted to ";
constexpr const char* kJavaBoolean = "class java.lang.Boolean can not be converted to ";
using api::msg::kInvalidParameter;
using api::msg::kManyTypes;
using api::msg::kStartOfList;
constexpr const char* kEmptyValue =
    "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes";

// The members of a value. They are checked in the order nlohmann::json
// objects iterate, i.e. by name, which is also the order of this table.
enum class Wire { kString, kBlob, kBoolean, kStringList, kBlobList, kValueList, kValueMap };

struct Member {
  const char* name;    // type key on the wire
  AttributeType type;  // the type it denotes
  Wire wire;           // the JSON shape it must have
};

constexpr Member kMembers[] = {
    {"B", AttributeType::kB, Wire::kBlob},          {"BOOL", AttributeType::kBool, Wire::kBoolean},
    {"BS", AttributeType::kBS, Wire::kBlobList},    {"L", AttributeType::kL, Wire::kValueList},
    {"M", AttributeType::kM, Wire::kValueMap},      {"N", AttributeType::kN, Wire::kString},
    {"NS", AttributeType::kNS, Wire::kStringList},  {"NULL", AttributeType::kNull, Wire::kBoolean},
    {"S", AttributeType::kS, Wire::kString},        {"SS", AttributeType::kSS, Wire::kStringList},
};

// The member named `key`, or nullptr for names DynamoDB ignores.
const Member* FindMember(const std::string& key) {
  for (const Member& m : kMembers) {
    if (key == m.name) return &m;
  }
  return nullptr;
}

JsonError Serialization(std::string message) {
  return JsonError{JsonError::Kind::kSerialization, std::move(message)};
}

JsonError Validation(std::string message) {
  return JsonError{JsonError::Kind::kValidation, std::move(message)};
}

// The error for a container (object/array) where a scalar of `target`
// ("an String", "an Boolean", "a Blob") was expected, or for a scalar of the
// wrong kind.
std::optional<JsonError> CheckScalar(const json& j, const char* target) {
  switch (j.type()) {
    case json::value_t::object:
      return Serialization(api::msg::kStartOfStructureInValue);
    case json::value_t::array:
      return Serialization(kStartOfList);
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
    case json::value_t::number_float:
      return Serialization(std::string(kTruncatingBigNumber) + target);
    default:
      return std::nullopt;
  }
}

std::optional<JsonError> CheckString(const json& j) {
  if (j.is_null() || j.is_string()) return std::nullopt;
  if (j.is_boolean()) return Serialization(std::string(kJavaBoolean) + "an String");
  return CheckScalar(j, "an String");
}

// DynamoDB's JSON layer reads "true"/"1"/"yes" and "false"/"0"/"no" in any
// case as booleans. Returns nullopt for other strings.
std::optional<bool> BooleanFromString(const std::string& s, std::string* upper) {
  upper->resize(s.size());
  std::transform(s.begin(), s.end(), upper->begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  if (*upper == "TRUE" || *upper == "1" || *upper == "YES") return true;
  if (*upper == "FALSE" || *upper == "0" || *upper == "NO") return false;
  return std::nullopt;
}

std::optional<JsonError> CheckBoolean(const json& j) {
  if (j.is_null() || j.is_boolean()) return std::nullopt;
  if (j.is_string()) {
    std::string upper;
    if (BooleanFromString(j.get_ref<const std::string&>(), &upper)) return std::nullopt;
    return Serialization("'" + upper + "' can not be converted to an Boolean");
  }
  return CheckScalar(j, "an Boolean");
}

std::optional<JsonError> CheckBlob(const json& j) {
  if (j.is_null()) return std::nullopt;
  if (j.is_boolean()) return Serialization(std::string(kJavaBoolean) + "a Blob");
  if (!j.is_string()) return CheckScalar(j, "a Blob");
  const std::string& text = j.get_ref<const std::string&>();
  Result<std::string> bytes = Base64Decode(text);
  if (!bytes.ok()) {
    return Serialization("'" + text + "' can not be converted to a Blob: " +
                         bytes.status().message());
  }
  return std::nullopt;
}

std::optional<JsonError> CheckValue(const json& j, int level);

std::optional<JsonError> CheckList(const json& j, Wire element, int level) {
  if (j.is_null()) return std::nullopt;
  if (j.is_object()) return Serialization(api::msg::kStartOfStructureInValue);
  if (!j.is_array()) return Serialization("Expected list or null");
  for (const json& child : j) {
    std::optional<JsonError> e;
    if (element == Wire::kString) {
      e = CheckString(child);
    } else if (element == Wire::kBlob) {
      e = CheckBlob(child);
    } else {
      e = CheckValue(child, level + 1);
    }
    if (e) return e;
  }
  return std::nullopt;
}

std::optional<JsonError> CheckMap(const json& j, int level) {
  if (j.is_null()) return std::nullopt;
  if (j.is_array()) return Serialization(kStartOfList);
  if (!j.is_object()) return Serialization("Expected map or null");
  for (const auto& [name, child] : j.items()) {
    (void)name;
    if (auto e = CheckValue(child, level + 1)) return e;
  }
  return std::nullopt;
}

// Phase 1 for one AttributeValue structure at nesting `level` (1 = top).
// Values deeper than one past the limit are left to phase 2, which rejects
// them; this also bounds the recursion on hostile input.
std::optional<JsonError> CheckValue(const json& j, int level) {
  if (j.is_null()) return std::nullopt;
  if (j.is_array()) return Serialization(kStartOfList);
  if (!j.is_object()) return Serialization("Expected null");
  if (level > kMaxNestingDepth + 1) return std::nullopt;
  for (auto it = j.begin(); it != j.end(); ++it) {
    const Member* m = FindMember(it.key());
    if (m == nullptr) continue;  // unknown members are ignored
    std::optional<JsonError> e;
    switch (m->wire) {
      case Wire::kString: e = CheckString(*it); break;
      case Wire::kBlob: e = CheckBlob(*it); break;
      case Wire::kBoolean: e = CheckBoolean(*it); break;
      case Wire::kStringList: e = CheckList(*it, Wire::kString, level); break;
      case Wire::kBlobList: e = CheckList(*it, Wire::kBlob, level); break;
      case Wire::kValueList: e = CheckList(*it, Wire::kValueList, level); break;
      case Wire::kValueMap: e = CheckMap(*it, level); break;
    }
    if (e) return e;
  }
  return std::nullopt;
}

// ---------------------------------------------------------------------------
// Phase 2. Input has passed phase 1, so every present member has its shape.

bool ReadBoolean(const json& j) {
  if (j.is_boolean()) return j.get<bool>();
  std::string upper;
  return BooleanFromString(j.get_ref<const std::string&>(), &upper).value_or(false);
}

std::string Base64Bytes(const json& j) {
  return Base64Decode(j.get_ref<const std::string&>()).value();  // checked in phase 1
}

// "[a, b, c]" as DynamoDB lists a collection in messages.
std::string ListText(const json& list) {
  std::string out = "[";
  bool first = true;
  for (const json& member : list) {
    if (!first) out.append(", ");
    first = false;
    out.append(member.is_string() ? member.get_ref<const std::string&>() : std::string("null"));
  }
  out.push_back(']');
  return out;
}

std::optional<JsonError> ParseNumber(const json& j, Decimal* out) {
  if (j.is_null()) return Validation(NumberErrorMessage(NumberError::kEmpty, ""));
  const std::string& text = j.get_ref<const std::string&>();
  Result<Decimal> d = Decimal::Parse(text);
  if (!d.ok()) return Validation(d.status().message());
  *out = *d;
  return std::nullopt;
}

bool HasNull(const json& list) {
  return std::any_of(list.begin(), list.end(), [](const json& m) { return m.is_null(); });
}

std::optional<JsonError> BuildValue(const json& j, int level, AttributeValue* out);

// Builds the value of member `m` (present, non-null) into *out.
std::optional<JsonError> BuildMember(const Member& m, const json& v, int level,
                                     AttributeValue* out) {
  switch (m.type) {
    case AttributeType::kS:
      *out = AttributeValue::S(v.get<std::string>());
      return std::nullopt;
    case AttributeType::kB:
      *out = AttributeValue::B(Base64Bytes(v));
      return std::nullopt;
    case AttributeType::kN: {
      Decimal d;
      if (auto e = ParseNumber(v, &d)) return e;
      *out = AttributeValue::N(d);
      return std::nullopt;
    }
    case AttributeType::kBool:
      *out = AttributeValue::Bool(ReadBoolean(v));
      return std::nullopt;
    case AttributeType::kNull:
      if (!ReadBoolean(v)) {
        return Validation(std::string(kInvalidParameter) +
                          "Null attribute value types must have the value of true");
      }
      *out = AttributeValue::Null();
      return std::nullopt;
    case AttributeType::kSS: {
      if (v.empty()) return Validation(std::string(kInvalidParameter) + api::msg::kEmptyStringSet);
      if (HasNull(v)) {
        return Validation(std::string(kInvalidParameter) +
                          "An string set may not have a null member");
      }
      std::vector<std::string> members;
      members.reserve(v.size());
      for (const json& s : v) members.push_back(s.get<std::string>());
      Result<AttributeValue> set = AttributeValue::SS(std::move(members));
      if (!set.ok()) {
        return Validation(std::string(kInvalidParameter) + "Input collection " + ListText(v) +
                          " contains duplicates.");
      }
      *out = std::move(set).value();
      return std::nullopt;
    }
    case AttributeType::kNS: {
      if (v.empty()) return Validation(std::string(kInvalidParameter) + api::msg::kEmptyNumberSet);
      std::vector<Decimal> members;
      members.reserve(v.size());
      for (const json& s : v) {
        Decimal d;
        if (auto e = ParseNumber(s, &d)) return e;
        members.push_back(d);
      }
      Result<AttributeValue> set = AttributeValue::NS(std::move(members));
      if (!set.ok()) return Validation(api::msg::kSetDuplicates);
      *out = std::move(set).value();
      return std::nullopt;
    }
    case AttributeType::kBS: {
      if (v.empty()) return Validation(std::string(kInvalidParameter) + api::msg::kEmptyBinarySet);
      if (HasNull(v)) {
        return Validation(std::string(kInvalidParameter) +
                          "Binary sets may not contain null or empty values");
      }
      std::vector<std::string> members;
      members.reserve(v.size());
      for (const json& s : v) members.push_back(Base64Bytes(s));
      Result<AttributeValue> set = AttributeValue::BS(std::move(members));
      if (!set.ok()) {
        return Validation(std::string(kInvalidParameter) + "Input collection " + ListText(v) +
                          "of type BS contains duplicates.");
      }
      *out = std::move(set).value();
      return std::nullopt;
    }
    case AttributeType::kM: {
      AttributeMap map;
      for (const auto& [name, child] : v.items()) {
        AttributeValue value;
        if (auto e = BuildValue(child, level + 1, &value)) return e;
        map.Set(name, std::move(value));
      }
      *out = AttributeValue::M(std::move(map));
      return std::nullopt;
    }
    case AttributeType::kL: {
      AttributeValue::List list;
      list.reserve(v.size());
      for (const json& child : v) {
        AttributeValue value;
        if (auto e = BuildValue(child, level + 1, &value)) return e;
        list.push_back(std::move(value));
      }
      *out = AttributeValue::L(std::move(list));
      return std::nullopt;
    }
  }
  return std::nullopt;
}

// Phase 2 for one value at nesting `level`, in dynalite's order: each
// present member is validated in turn, then "more than one datatype".
std::optional<JsonError> BuildValue(const json& j, int level, AttributeValue* out) {
  if (level > kMaxNestingDepth) return Validation(api::msg::kNestingTooDeep);
  if (j.is_null()) return Validation(kEmptyValue);
  int present = 0;
  for (auto it = j.begin(); it != j.end(); ++it) {
    const Member* m = FindMember(it.key());
    if (m == nullptr || it->is_null()) continue;
    ++present;
    if (auto e = BuildMember(*m, *it, level, out)) return e;
  }
  if (present == 0) return Validation(kEmptyValue);
  if (present > 1) return Validation(kManyTypes);
  return std::nullopt;
}

std::optional<JsonError> CheckItem(const json& j) { return CheckMap(j, 0); }

}  // namespace

std::optional<JsonError> CheckAttributeValueJsonTypes(const json& j) { return CheckValue(j, 1); }

std::optional<JsonError> CheckItemJsonTypes(const json& j) { return CheckItem(j); }

std::optional<JsonError> AttributeValueFromJson(const json& j, AttributeValue* out) {
  if (auto e = CheckValue(j, 1)) return e;
  AttributeValue value;
  if (auto e = BuildValue(j, 1, &value)) return e;
  *out = std::move(value);
  return std::nullopt;
}

std::optional<JsonError> ItemFromJson(const json& j, Item* out) {
  if (auto e = CheckItem(j)) return e;
  Item item;
  if (j.is_object()) {
    for (const auto& [name, child] : j.items()) {
      AttributeValue value;
      if (auto e = BuildValue(child, 1, &value)) return e;
      item.Set(name, std::move(value));
    }
  }
  *out = std::move(item);
  return std::nullopt;
}

json AttributeValueToJson(const AttributeValue& value) {
  json out = json::object();
  const char* name = AttributeTypeName(value.type());
  switch (value.type()) {
    case AttributeType::kS:
      out[name] = value.s();
      break;
    case AttributeType::kN:
      out[name] = value.n().ToString();
      break;
    case AttributeType::kB:
      out[name] = Base64Encode(value.b());
      break;
    case AttributeType::kBool:
      out[name] = value.boolean();
      break;
    case AttributeType::kNull:
      out[name] = true;
      break;
    case AttributeType::kM:
      out[name] = ItemToJson(value.m());
      break;
    case AttributeType::kL: {
      json list = json::array();
      for (const AttributeValue& v : value.l()) list.push_back(AttributeValueToJson(v));
      out[name] = std::move(list);
      break;
    }
    case AttributeType::kSS: {
      json list = json::array();
      for (const std::string& s : value.ss()) list.push_back(s);
      out[name] = std::move(list);
      break;
    }
    case AttributeType::kNS: {
      json list = json::array();
      for (const Decimal& d : value.ns()) list.push_back(d.ToString());
      out[name] = std::move(list);
      break;
    }
    case AttributeType::kBS: {
      json list = json::array();
      for (const std::string& b : value.bs()) list.push_back(Base64Encode(b));
      out[name] = std::move(list);
      break;
    }
  }
  return out;
}

json ItemToJson(const Item& item) {
  json out = json::object();
  for (const auto& [name, value] : item) out[name] = AttributeValueToJson(value);
  return out;
}

namespace {

// Length of the valid UTF-8 sequence starting at s[i] (RFC 3629: no
// overlong forms, no surrogates, at most U+10FFFF), 0 if there is none.
// REQUIRES: s[i] >= 0x80.
size_t Utf8SequenceLength(std::string_view s, size_t i) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  const auto in = [&](size_t k, unsigned lo, unsigned hi) {
    return k < s.size() && byte(k) >= lo && byte(k) <= hi;
  };
  const unsigned c = byte(i);
  if (c >= 0xC2 && c <= 0xDF) return in(i + 1, 0x80, 0xBF) ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    const unsigned lo = c == 0xE0 ? 0xA0 : 0x80;
    const unsigned hi = c == 0xED ? 0x9F : 0xBF;
    return in(i + 1, lo, hi) && in(i + 2, 0x80, 0xBF) ? 3 : 0;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    const unsigned lo = c == 0xF0 ? 0x90 : 0x80;
    const unsigned hi = c == 0xF4 ? 0x8F : 0xBF;
    return in(i + 1, lo, hi) && in(i + 2, 0x80, 0xBF) && in(i + 3, 0x80, 0xBF) ? 4 : 0;
  }
  return 0;
}

// True if none of the 8 bytes at `p` needs a look of its own in a JSON
// string: each is ASCII (< 0x80), printable (>= 0x20) and neither '"' nor
// '\\'. Word-at-a-time tests (each exact for "some byte is"): a byte b is
// zero iff (b - 1) & ~b has its high bit set, for bytes below 0x80.
inline bool PlainWord(const char* p) {
  constexpr uint64_t kOnes = 0x0101010101010101ULL;
  constexpr uint64_t kHigh = 0x8080808080808080ULL;
  uint64_t w;
  std::memcpy(&w, p, 8);
  if ((w & kHigh) != 0) return false;
  const auto has_zero = [](uint64_t v) { return ((v - kOnes) & ~v & kHigh) != 0; };
  return ((w - kOnes * 0x20) & ~w & kHigh) == 0 && !has_zero(w ^ (kOnes * '"')) &&
         !has_zero(w ^ (kOnes * '\\'));
}

// `s` as a quoted JSON string, escaped as nlohmann's dump() does. Text that
// is not valid UTF-8 goes through dump() itself, which throws for it.
void AppendString(std::string_view s, std::string* out) {
  static const char kHex[] = "0123456789abcdef";
  const size_t start = out->size();
  out->push_back('"');
  size_t run = 0;  // start of the bytes not yet copied
  for (size_t i = 0; i < s.size();) {
    if (s.size() - i >= 8 && PlainWord(s.data() + i)) {
      i += 8;
      continue;
    }
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      const size_t n = Utf8SequenceLength(s, i);
      if (n == 0) {
        out->resize(start);
        out->append(json(std::string(s)).dump());
        return;
      }
      i += n;
      continue;
    }
    if (c >= 0x20 && c != '"' && c != '\\') {
      ++i;
      continue;
    }
    out->append(s.data() + run, i - run);
    switch (c) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\b':
        out->append("\\b");
        break;
      case '\f':
        out->append("\\f");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\r':
        out->append("\\r");
        break;
      case '\t':
        out->append("\\t");
        break;
      default:
        out->append("\\u00");
        out->push_back(kHex[c >> 4]);
        out->push_back(kHex[c & 0xF]);
        break;
    }
    run = ++i;
  }
  out->append(s.data() + run, s.size() - run);
  out->push_back('"');
}

void AppendValue(const AttributeValue& value, std::string* out);

template <typename List, typename Fn>
void AppendArray(std::string* out, const List& list, Fn each) {
  out->push_back('[');
  bool first = true;
  for (const auto& element : list) {
    if (!first) out->push_back(',');
    first = false;
    each(element);
  }
  out->push_back(']');
}

void AppendMap(const AttributeMap& map, std::string* out) {
  out->push_back('{');
  bool first = true;
  for (const auto& [name, value] : map) {
    if (!first) out->push_back(',');
    first = false;
    AppendString(name, out);
    out->push_back(':');
    AppendValue(value, out);
  }
  out->push_back('}');
}

void AppendValue(const AttributeValue& value, std::string* out) {
  out->append("{\"");
  out->append(AttributeTypeName(value.type()));
  out->append("\":");
  switch (value.type()) {
    case AttributeType::kS:
      AppendString(value.s(), out);
      break;
    case AttributeType::kN:
      AppendString(value.n().ToString(), out);
      break;
    case AttributeType::kB:
      AppendString(Base64Encode(value.b()), out);
      break;
    case AttributeType::kBool:
      out->append(value.boolean() ? "true" : "false");
      break;
    case AttributeType::kNull:
      out->append("true");
      break;
    case AttributeType::kM:
      AppendMap(value.m(), out);
      break;
    case AttributeType::kL:
      AppendArray(out, value.l(), [&](const AttributeValue& v) { AppendValue(v, out); });
      break;
    case AttributeType::kSS:
      AppendArray(out, value.ss(), [&](const std::string& v) { AppendString(v, out); });
      break;
    case AttributeType::kNS:
      AppendArray(out, value.ns(), [&](const Decimal& v) { AppendString(v.ToString(), out); });
      break;
    case AttributeType::kBS:
      AppendArray(out, value.bs(),
                  [&](const std::string& v) { AppendString(Base64Encode(v), out); });
      break;
  }
  out->push_back('}');
}

}  // namespace

void AppendItemJson(const Item& item, std::string* out) { AppendMap(item, out); }

void AppendJsonString(std::string_view s, std::string* out) { AppendString(s, out); }

bool IsPlainJsonText(std::string_view s) {
  size_t i = 0;
  for (; s.size() - i >= 8; i += 8) {
    if (!PlainWord(s.data() + i)) return false;
  }
  for (; i < s.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c >= 0x80 || c == '"' || c == '\\') return false;
  }
  return true;
}

void AppendAttributeValueJson(const AttributeValue& value, std::string* out) {
  AppendValue(value, out);
}

}  // namespace pd

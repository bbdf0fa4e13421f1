// TagResource, UntagResource and ListTagsOfResource: a table's tags (kept in
// its catalog entry, table/table_description.h; CreateTable's Tags are the
// first ones, checked by CheckTagList below).
//
// Order of checks, as DynamoDB reports them (dynalite's validations/
// tagResource.js, untagResource.js, listTagsOfResource.js; the ARN and tag
// texts as observed against DynamoDB in 2026 by ExtendDB's PR #227 and the
// ack-api-quirks findings DDB-TABLE-105/106/107/108/110/136/372/373/374,
// DDB-BACKUP-013):
//   1. the spec: ResourceArn's length (1-1283);
//   2. ResourceArn absent: "Invalid TableArn";
//   3. Tags / TagKeys absent: "1 validation error detected: Value null at
//      'tags' failed to satisfy constraint: Member must not be null";
//   4. the ARN (CheckArn below; this deployment is region "local", account
//      "000000000000", table/description.h's kArnRegion / kArnAccount):
//      a. not starting with "arn:": ValidationException "One or more
//         parameter values were invalid: ARNs must start with 'arn:': <arn>";
//      b. not arn:aws:dynamodb:<region>:<account>:<resource> (another
//         service, or no resource): AccessDeniedException;
//      c. a DynamoDB resource other than a table or stream ("backup/...",
//         "table/T/backup/..."): ValidationException "One or more parameter
//         values were invalid: Provided Arn is not a DynamoDB resource arn:
//         <arn>"; an index ("table/T/index/I"): "One or more parameter values
//         were invalid: Invalid resource arn provided, only table or stream
//         is accepted. Provided resource arn: <arn>";
//      d. another account: AccessDeniedException (before the region, as
//         DynamoDB: a foreign ARN reveals nothing more);
//      e. another region, or not table/<valid name>[/stream/<label>]:
//         ValidationException "Invalid TableArn: Invalid ResourceArn provided
//         as input <arn>";
//      AccessDeniedException's text is IAM's shape ("User: <principal> is
//      not authorized to perform: dynamodb:<Op> on resource: <arn>") with
//      the account's root as the principal: pocketdynamo has no users;
//   5. an empty list: "Atleast one Tag needs to be provided as Input." /
//      "Atleast one Tag Key needs to be provided as Input." (sic);
//   6. each tag in order (CheckTagList): a key that is absent, not 1-128
//      UTF-16 code units long or has a character outside the tag character
//      set: "The Tag Key provided is invalid, Key: <key>" ("null" when
//      absent); a value likewise (0-256): "The Tag Value provided is
//      invalid, Value: <value>"; a key starting with "aws:" (any case, also
//      in TagKeys): "Tag Key cannot be prefixed with aws:, Key: <key>"; a
//      key given twice: "Duplicate Tag Keys provided as input: Duplicate Tag
//      Key found <key>"; then more than 50 tags or keys: the tag-limit text
//      of step 8. The character set is the AWS tag pattern
//      ^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$: letters of any script, space
//      separators, numbers and _ . : / = + - @ (tag_charset.h);
//   7. the resource: ResourceNotFoundException "Requested resource not
//      found: ResourceArn: <arn> not found" (DynamoDB's older text said
//      "ResourcArn", as dynalite still does; 2026's says "ResourceArn");
//      UntagResource: "Requested resource not found";
//   8. TagResource beyond 50 tags on the table (existing plus new keys):
//      ValidationException "Number of Tags exceed the current limit for the
//      provided ResourceArn".
// CreateTable checks its Tags as step 6 does, after its other checks (an
// empty list is fine there).
//
// TagResource sets each key to its value; UntagResource removes the keys
// (absent keys are ignored). Both answer {}.
// ListTagsOfResource: {"Tags": [{Key, Value}, ...]} in the order the keys
// were first set, all at once (a table has at most 50); a NextToken, which
// pocketdynamo never hands out, is a ValidationException.
//
// A stream's ARN (table/T/stream/<label>) is its own tag slot in DynamoDB
// (DDB-TABLE-373: its tags are not the table's). pocketdynamo keeps no tags
// on streams: ListTagsOfResource of a stream answers no tags, UntagResource
// removes nothing, and TagResource says so with a ValidationException
// rather than tagging the table. A stream it does not have is step 7's
// ResourceNotFoundException.
//
// Not checked: DynamoDB's 10240-byte limit on a table's whole tag set
// ("Tag set size N bytes is above max size limit of 10240 bytes", observed
// in 2026 but not documented, nor how N is counted).
#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "api/messages.h"
#include "api/ops/common_spec.h"
#include "api/ops/handler_util.h"
#include "api/ops/handlers.h"
#include "api/ops/op_specs.h"
#include "api/ops/tag_charset.h"
#include "table/limits.h"

// Not on a hot path: optimized for size in the wasm build (the package budget).
#if defined(__clang__)
#pragma clang attribute push(__attribute__((minsize)), apply_to = function)
#endif

namespace pd {
namespace api {
namespace {

using nlohmann::json;

DdbError TagLimitError() {
  return DdbError::Validation(
      "Number of Tags exceed the current limit for the provided ResourceArn");
}

// ResourceArn: 1-1283 characters (the API reference).
constexpr Param kArnParam = String("ResourceArn").Length(1, 1283);

// Tag keys and values are checked by CheckTagList, with DynamoDB's texts.

constexpr Param kTagKeysParam = List("TagKeys", kStringValue);

bool StartsWith(const std::string& s, const char* prefix) {
  return s.compare(0, std::strlen(prefix), prefix) == 0;
}

bool IsTableName(const std::string& name) {
  if (name.size() < kMinTableNameLength || name.size() > kMaxTableNameLength) return false;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '.' || c == '-';
    if (!ok) return false;
  }
  return true;
}

// True if code point `c` (>= 0x80) is in tag_charset.h's ranges.
bool InTagCharset(uint32_t c) {
  uint32_t end = 0x80;
  size_t i = 0;
  auto next = [&i]() {
    uint32_t n = 0;
    for (int shift = 0;; shift += 7) {
      const uint8_t b = kTagCharsetRanges[i++];
      n |= static_cast<uint32_t>(b & 0x7f) << shift;
      if ((b & 0x80) == 0) return n;
    }
  };
  while (i < sizeof(kTagCharsetRanges)) {
    const uint32_t start = end + next();
    end = start + next();
    if (c < start) return false;
    if (c < end) return true;
  }
  return false;
}

// A tag key (1-128) or value (0-256 UTF-16 code units) of the AWS tag
// character set. REQUIRES: valid UTF-8.
bool IsTagText(const std::string& s, uint32_t min_length, uint32_t max_length) {
  const uint32_t length = Utf16Length(s);
  if (length < min_length || length > max_length) return false;
  for (size_t i = 0; i < s.size();) {
    const unsigned char b = static_cast<unsigned char>(s[i]);
    if (b < 0x80) {
      const bool ok = (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9') ||
                      std::strchr(" _.:/=+-@", b) != nullptr;
      if (!ok || b == 0) return false;
      ++i;
      continue;
    }
    const int n = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : 2;
    uint32_t c = b & (0x7F >> n);
    for (int k = 1; k < n && i + k < s.size(); ++k) {
      c = (c << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    }
    if (!InTagCharset(c)) return false;
    i += n;
  }
  return true;
}

// Step 4 of the order above: the error for an ARN that is not one of this
// deployment's table or stream ARNs, for operation `op`.
std::optional<DdbError> CheckArn(const std::string& arn, const char* op) {
  const std::string invalid = msg::kInvalidParameter;
  if (!StartsWith(arn, "arn:"))
    return DdbError::Validation(invalid + "ARNs must start with 'arn:': " + arn);
  // arn:aws:dynamodb:<region>:<account>:<resource>
  std::vector<std::string> part;
  size_t from = 0;
  while (part.size() < 5) {
    size_t colon = arn.find(':', from);
    if (colon == std::string::npos) break;
    part.push_back(arn.substr(from, colon - from));
    from = colon + 1;
  }
  const std::string resource = arn.substr(from);
  const DdbError denied = DdbError::AccessDenied(
      "User: arn:aws:iam::" + std::string(kArnAccount) +
      ":root is not authorized to perform: dynamodb:" + op + " on resource: " + arn);
  if (part.size() < 5 || part[1] != "aws" || part[2] != "dynamodb" || resource.empty()) {
    return denied;
  }
  const size_t slash = resource.find('/', 6);
  const std::string sub = slash == std::string::npos ? "" : resource.substr(slash + 1);
  if (!StartsWith(resource, "table/") ||
      !(sub.empty() || StartsWith(sub, "stream/") || StartsWith(sub, "index/"))) {
    return DdbError::Validation(invalid + "Provided Arn is not a DynamoDB resource arn: " + arn);
  }
  if (StartsWith(sub, "index/")) {
    return DdbError::Validation(
        invalid +
        "Invalid resource arn provided, only table or stream is accepted. Provided "
        "resource arn: " +
        arn);
  }
  if (part[4] != kArnAccount) return denied;
  if (part[3] != kArnRegion || !IsTableName(resource.substr(6, slash - 6)) ||
      !(sub.empty() || IsStreamLabel(sub.substr(7)))) {
    return DdbError::Validation("Invalid TableArn: Invalid ResourceArn provided as input " + arn);
  }
  return std::nullopt;
}

// A tag's "Key" or "Value", or nullptr when absent.
const json* Field(const json& tag, const char* name) {
  return Has(tag, name) ? &tag.at(name) : nullptr;
}

bool IsStreamArn(const std::string& checked_arn) {
  return checked_arn.find("/stream/") != std::string::npos;
}

}  // namespace

std::optional<DdbError> CheckTagList(const json& list, const char* list_member) {
  const bool keys_only = std::strcmp(list_member, "TagKeys") == 0;
  std::vector<std::string> keys;
  for (const json& t : list) {
    const json* key = keys_only ? (t.is_string() ? &t : nullptr) : Field(t, "Key");
    if (key == nullptr ||
        !IsTagText(key->get_ref<const std::string&>(), kMinTagKeyLength, kMaxTagKeyLength)) {
      return DdbError::Validation("The Tag Key provided is invalid, Key: " +
                                  (key ? key->get<std::string>() : "null"));
    }
    const json* value = keys_only ? nullptr : Field(t, "Value");
    if (!keys_only && (value == nullptr ||
                       !IsTagText(value->get_ref<const std::string&>(), 0, kMaxTagValueLength))) {
      return DdbError::Validation("The Tag Value provided is invalid, Value: " +
                                  (value ? value->get<std::string>() : "null"));
    }
    const std::string& k = key->get_ref<const std::string&>();
    if (k.size() >= 4 && (k[0] | 0x20) == 'a' && (k[1] | 0x20) == 'w' && (k[2] | 0x20) == 's' &&
        k[3] == ':') {
      return DdbError::Validation("Tag Key cannot be prefixed with aws:, Key: " + k);
    }
    if (std::find(keys.begin(), keys.end(), k) != keys.end()) {
      return DdbError::Validation("Duplicate Tag Keys provided as input: Duplicate Tag Key found " +
                                  k);
    }
    keys.push_back(k);
  }
  if (keys.size() > kMaxTagsPerResource) return TagLimitError();
  return std::nullopt;
}

namespace {

// Steps 2-6 of the order above, for `list_member` ("Tags", "TagKeys" or
// nullptr for ListTagsOfResource).
std::optional<DdbError> CheckTagRequest(const json& request, const char* op,
                                        const char* list_member, const char* empty_message) {
  if (!Has(request, "ResourceArn")) return DdbError::Validation("Invalid TableArn");
  if (list_member != nullptr && !Has(request, list_member)) {
    return DdbError::Validation(
        msg::ValidationErrorsDetected(1) +
        msg::ConstraintFailed(" null", LowerFirst(list_member), msg::kMemberNotNull));
  }
  PD_RETURN_IF_DDB_ERROR(CheckArn(request.at("ResourceArn").get<std::string>(), op));
  if (list_member == nullptr) return std::nullopt;
  const json& list = request.at(list_member);
  if (list.empty()) return DdbError::Validation(empty_message);
  return CheckTagList(list, list_member);
}

std::optional<DdbError> TagResourceCustom(const json& request) {
  return CheckTagRequest(request, "TagResource", "Tags",
                         "Atleast one Tag needs to be provided as Input.");
}

std::optional<DdbError> UntagResourceCustom(const json& request) {
  return CheckTagRequest(request, "UntagResource", "TagKeys",
                         "Atleast one Tag Key needs to be provided as Input.");
}

std::optional<DdbError> ListTagsOfResourceCustom(const json& request) {
  PD_RETURN_IF_DDB_ERROR(CheckTagRequest(request, "ListTagsOfResource", nullptr, ""));
  if (Has(request, "NextToken")) {
    return DdbError::Validation(std::string(msg::kInvalidNextToken) + ": " +
                                request.at("NextToken").get<std::string>());
  }
  return std::nullopt;
}

DdbError ArnNotFound(const std::string& arn, bool untag) {
  if (untag) return DdbError::ResourceNotFound(msg::kResourceNotFound);
  return DdbError::ResourceNotFound(msg::ResourceNotFound("ResourceArn", arn));
}

// Step 7 for a checked stream ARN: nullopt if this database has the stream.
std::optional<DdbError> FindStreamOfArn(Store& store, const std::string& arn, bool untag) {
  Result<StreamInfo> info = store.change_log->Stream(arn);
  if (info.ok()) return std::nullopt;
  if (!info.status().IsNotFound()) return StorageError(info.status());
  return ArnNotFound(arn, untag);
}

// Step 7: the table a checked table ARN names.
DdbResult<CatalogEntry> TableOfArn(Store& store, const std::string& arn, bool untag) {
  Result<CatalogEntry> entry = store.catalog->Get(arn.substr(arn.find(":table/") + 7));
  if (entry.ok()) return std::move(entry).value();
  if (!entry.status().IsNotFound()) return StorageError(entry.status());
  return ArnNotFound(arn, untag);
}

}  // namespace

constexpr Param kTagResourceInput[] = {kArnParam, kTagListParam};
constexpr OperationSpec kTagResourceSpec{
    "TagResource", Struct("", "TagResourceInput", kTagResourceInput), &TagResourceCustom};
const OperationSpec& TagResourceSpec() { return kTagResourceSpec; }

constexpr Param kUntagResourceInput[] = {kArnParam, kTagKeysParam};
constexpr OperationSpec kUntagResourceSpec{
    "UntagResource", Struct("", "UntagResourceInput", kUntagResourceInput), &UntagResourceCustom};
const OperationSpec& UntagResourceSpec() { return kUntagResourceSpec; }

constexpr Param kListTagsOfResourceInput[] = {kArnParam, String("NextToken")};
constexpr OperationSpec kListTagsOfResourceSpec{
    "ListTagsOfResource", Struct("", "ListTagsOfResourceInput", kListTagsOfResourceInput),
    &ListTagsOfResourceCustom};
const OperationSpec& ListTagsOfResourceSpec() { return kListTagsOfResourceSpec; }

DdbResult<json> HandleTagResource(Store& store, Context& ctx, const json& request) {
  (void)ctx;
  const std::string arn = request.at("ResourceArn").get<std::string>();
  if (IsStreamArn(arn)) {
    PD_RETURN_IF_DDB_ERROR(FindStreamOfArn(store, arn, /*untag=*/false));
    return DdbError::Validation(
        "pocketdynamo keeps no tags on streams (DynamoDB tags a stream apart from its table): " +
        arn);
  }
  DdbResult<CatalogEntry> entry = TableOfArn(store, arn, /*untag=*/false);
  if (!entry.ok()) return entry.take_error();
  std::vector<Tag>& tags = entry->description.tags;
  for (const json& t : request.at("Tags")) {
    Tag tag{t.at("Key").get<std::string>(), t.at("Value").get<std::string>()};
    bool replaced = false;
    for (Tag& existing : tags) {
      if (existing.key == tag.key) {
        existing.value = tag.value;
        replaced = true;
      }
    }
    if (!replaced) tags.push_back(std::move(tag));
  }
  if (tags.size() > kMaxTagsPerResource) return TagLimitError();
  Status s = store.catalog->Update(*entry);
  if (!s.ok()) return StorageError(s);
  return json::object();
}

DdbResult<json> HandleUntagResource(Store& store, Context& ctx, const json& request) {
  (void)ctx;
  const std::string arn = request.at("ResourceArn").get<std::string>();
  if (IsStreamArn(arn)) {  // a stream has no tags to remove
    PD_RETURN_IF_DDB_ERROR(FindStreamOfArn(store, arn, /*untag=*/true));
    return json::object();
  }
  DdbResult<CatalogEntry> entry = TableOfArn(store, arn, /*untag=*/true);
  if (!entry.ok()) return entry.take_error();
  std::vector<Tag>& tags = entry->description.tags;
  for (const json& key : request.at("TagKeys")) {
    const std::string k = key.get<std::string>();
    for (size_t i = 0; i < tags.size(); ++i) {
      if (tags[i].key == k) {
        tags.erase(tags.begin() + static_cast<std::ptrdiff_t>(i));
        break;
      }
    }
  }
  Status s = store.catalog->Update(*entry);
  if (!s.ok()) return StorageError(s);
  return json::object();
}

DdbResult<json> HandleListTagsOfResource(Store& store, Context& ctx, const json& request) {
  (void)ctx;
  const std::string arn = request.at("ResourceArn").get<std::string>();
  json tags = json::array();
  if (IsStreamArn(arn)) {
    PD_RETURN_IF_DDB_ERROR(FindStreamOfArn(store, arn, /*untag=*/false));
    return json{{"Tags", std::move(tags)}};
  }
  DdbResult<CatalogEntry> entry = TableOfArn(store, arn, /*untag=*/false);
  if (!entry.ok()) return entry.take_error();
  for (const Tag& t : entry->description.tags) {
    tags.push_back({{"Key", t.key}, {"Value", t.value}});
  }
  return json{{"Tags", std::move(tags)}};
}

}  // namespace api
}  // namespace pd

#if defined(__clang__)
#pragma clang attribute pop
#endif

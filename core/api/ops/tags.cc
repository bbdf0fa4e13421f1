// TagResource, UntagResource and ListTagsOfResource: a table's tags (kept in
// its catalog entry, table/table_description.h; CreateTable's Tags are the
// first ones).
//
// Order of checks, as DynamoDB reports them (dynalite's validations/
// tagResource.js, untagResource.js, listTagsOfResource.js; the ARN and tag
// texts as observed against DynamoDB in 2026 by ExtendDB's PR #227 and the
// ack-api-quirks findings DDB-TABLE-105/107/108/374, DDB-BACKUP-013):
//   1. the spec: ResourceArn's length (1-1283), Tags / TagKeys element
//      lengths (key 1-128, value 0-256 characters), aggregated "N validation
//      errors detected: ...";
//   2. ResourceArn absent: "Invalid TableArn";
//   3. Tags / TagKeys absent: "1 validation error detected: Value null at
//      'tags' failed to satisfy constraint: Member must not be null";
//   4. the ARN (CheckArn below; this deployment is region "local", account
//      "000000000000", table/description.h's kArnRegion / kArnAccount):
//      a. not starting with "arn:": ValidationException "One or more
//         parameter values were invalid: ARNs must start with 'arn:': <arn>";
//      b. not arn:aws:dynamodb:<region>:<account>:<resource> (another
//         service, or no resource): AccessDeniedException;
//      c. a DynamoDB resource other than a table ("backup/...",
//         "table/T/backup/..."): ValidationException "One or more parameter
//         values were invalid: Provided Arn is not a DynamoDB resource arn:
//         <arn>"; an index ("table/T/index/I"): "One or more parameter values
//         were invalid: Invalid resource arn provided, only table or stream
//         is accepted. Provided resource arn: <arn>";
//      d. another account: AccessDeniedException (before the region, as
//         DynamoDB: a foreign ARN reveals nothing more);
//      e. another region, or not table/<valid name>: ValidationException
//         "Invalid TableArn: Invalid ResourceArn provided as input <arn>";
//      AccessDeniedException's text is IAM's shape ("User: <principal> is
//      not authorized to perform: dynamodb:<Op> on resource: <arn>") with
//      the account's root as the principal: pocketdynamo has no users;
//   5. an empty list: "Atleast one Tag needs to be provided as Input." /
//      "Atleast one Tag Key needs to be provided as Input." (sic);
//   6. a key given twice: "Duplicate Tag Keys provided as input: Duplicate
//      Tag Key found <key>"; a key starting with "aws:" (any case, also in
//      TagKeys): "Tag Key cannot be prefixed with aws:, Key: <key>";
//      more than 50 TagKeys: the tag-limit text of step 8;
//   7. the table: ResourceNotFoundException "Requested resource not found:
//      ResourceArn: <arn> not found" (DynamoDB's older text said
//      "ResourcArn", as dynalite still does; 2026's says "ResourceArn");
//      UntagResource: "Requested resource not found";
//   8. TagResource beyond 50 tags on the table (existing plus new keys):
//      ValidationException "Number of Tags exceed the current limit for the
//      provided ResourceArn".
// Not checked: the tag character set (letters of any script, digits, spaces
// and + - = . _ : / @).
//
// TagResource sets each key to its value; UntagResource removes the keys
// (absent keys are ignored). Both answer {}.
// ListTagsOfResource: {"Tags": [{Key, Value}, ...]} in the order the keys
// were first set, all at once (a table has at most 50); a NextToken, which
// pocketdynamo never hands out, is a ValidationException.
#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "api/ops/common_spec.h"
#include "api/ops/handler_util.h"
#include "api/ops/handlers.h"
#include "api/ops/op_specs.h"
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
Param ArnParam() { return String("ResourceArn").Length(1, 1283); }

Param TagListParam() {
  return List("Tags", Struct("", "Tag",
                             {String("Key").NotNull().Length(kMinTagKeyLength, kMaxTagKeyLength),
                              String("Value").NotNull().MaxLength(kMaxTagValueLength)}));
}

Param TagKeysParam() {
  return List("TagKeys", String().Length(kMinTagKeyLength, kMaxTagKeyLength));
}

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

// Step 4 of the order above: the error for an ARN that is not one of this
// deployment's table ARNs, for operation `op`.
std::optional<DdbError> CheckArn(const std::string& arn, const char* op) {
  const std::string invalid = "One or more parameter values were invalid: ";
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
  if (part[3] != kArnRegion || !sub.empty() || !IsTableName(resource.substr(6))) {
    return DdbError::Validation("Invalid TableArn: Invalid ResourceArn provided as input " + arn);
  }
  return std::nullopt;
}

// Steps 2-6 of the order above, for `list_member` ("Tags", "TagKeys" or
// nullptr for ListTagsOfResource).
std::optional<DdbError> CheckTagRequest(const json& request, const char* op,
                                        const char* list_member, const char* empty_message) {
  if (!Has(request, "ResourceArn")) return DdbError::Validation("Invalid TableArn");
  if (list_member != nullptr && !Has(request, list_member)) {
    return DdbError::Validation("1 validation error detected: Value null at '" +
                                LowerFirst(list_member) +
                                "' failed to satisfy constraint: Member must not be null");
  }
  PD_RETURN_IF_DDB_ERROR(CheckArn(request.at("ResourceArn").get<std::string>(), op));
  if (list_member == nullptr) return std::nullopt;
  const json& list = request.at(list_member);
  if (list.empty()) return DdbError::Validation(empty_message);
  std::vector<std::string> keys;
  for (const json& t : list) {
    std::string key = (t.is_object() ? t.at("Key") : t).get<std::string>();
    if (std::find(keys.begin(), keys.end(), key) != keys.end()) {
      return DdbError::Validation("Duplicate Tag Keys provided as input: Duplicate Tag Key found " +
                                  key);
    }
    if (key.size() >= 4 && (key[0] | 0x20) == 'a' && (key[1] | 0x20) == 'w' &&
        (key[2] | 0x20) == 's' && key[3] == ':') {
      return DdbError::Validation("Tag Key cannot be prefixed with aws:, Key: " + key);
    }
    keys.push_back(std::move(key));
  }
  if (keys.size() > kMaxTagsPerResource) return TagLimitError();
  return std::nullopt;
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
    return DdbError::Validation("Invalid NextToken: " + request.at("NextToken").get<std::string>());
  }
  return std::nullopt;
}

// Step 7: the table a checked ARN names.
DdbResult<CatalogEntry> TableOfArn(Store& store, const std::string& arn, bool untag) {
  Result<CatalogEntry> entry = store.catalog->Get(arn.substr(arn.find(":table/") + 7));
  if (entry.ok()) return std::move(entry).value();
  if (!entry.status().IsNotFound()) return StorageError(entry.status());
  if (untag) return DdbError::ResourceNotFound("Requested resource not found");
  return DdbError::ResourceNotFound("Requested resource not found: ResourceArn: " + arn +
                                    " not found");
}

}  // namespace

const OperationSpec& TagResourceSpec() {
  static const OperationSpec* const kSpec =
      new OperationSpec{"TagResource", Struct("", "TagResourceInput", {ArnParam(), TagListParam()}),
                        &TagResourceCustom};
  return *kSpec;
}

const OperationSpec& UntagResourceSpec() {
  static const OperationSpec* const kSpec = new OperationSpec{
      "UntagResource", Struct("", "UntagResourceInput", {ArnParam(), TagKeysParam()}),
      &UntagResourceCustom};
  return *kSpec;
}

const OperationSpec& ListTagsOfResourceSpec() {
  static const OperationSpec* const kSpec =
      new OperationSpec{"ListTagsOfResource",
                        Struct("", "ListTagsOfResourceInput", {ArnParam(), String("NextToken")}),
                        &ListTagsOfResourceCustom};
  return *kSpec;
}

DdbResult<json> HandleTagResource(Store& store, Context& ctx, const json& request) {
  (void)ctx;
  const std::string arn = request.at("ResourceArn").get<std::string>();
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
  DdbResult<CatalogEntry> entry = TableOfArn(store, arn, /*untag=*/false);
  if (!entry.ok()) return entry.take_error();
  json tags = json::array();
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

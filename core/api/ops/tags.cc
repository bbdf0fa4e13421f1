// TagResource, UntagResource and ListTagsOfResource: a table's tags (kept in
// its catalog entry, table/table_description.h; CreateTable's Tags are the
// first ones).
//
// Order of checks, as DynamoDB reports them (dynalite's validations/
// tagResource.js, untagResource.js, listTagsOfResource.js, observed against
// DynamoDB):
//   1. the spec: Tags / TagKeys element lengths (key 1-128, value 0-256
//      characters), aggregated "N validation errors detected: ...";
//   2. ResourceArn absent: "Invalid TableArn";
//   3. Tags / TagKeys absent: "1 validation error detected: Value null at
//      'tags' failed to satisfy constraint: Member must not be null";
//   4. ResourceArn not a table ARN (arn:aws:dynamodb:<region>:<account>:
//      table/<name>): "Invalid TableArn: Invalid ResourceArn provided as
//      input <arn>" (DynamoDB answers an ARN it cannot parse at all with
//      AccessDeniedException from its authorization layer; pocketdynamo has
//      none and reports this ValidationException for every malformed ARN);
//   5. an empty list: "Atleast one Tag needs to be provided as Input." /
//      "Atleast one Tag Key needs to be provided as Input." (sic);
//   6. the table: ResourceNotFoundException "Requested resource not found:
//      ResourcArn: <arn> not found" (sic; UntagResource: "Requested resource
//      not found");
//   7. TagResource beyond 50 tags on the table (existing plus new keys):
//      ValidationException "One or more parameter values were invalid: The
//      number of tags exceeds the limit of 50 for the resource"
//      (pocketdynamo's wording: DynamoDB's text could not be confirmed).
// The region and account of the ARN are not checked: pocketdynamo is one
// local account, and tools build ARNs from their own configuration.
//
// TagResource sets each key to its value (a key given twice: the last value);
// UntagResource removes the keys (absent keys are ignored). Both answer {}.
// ListTagsOfResource: {"Tags": [{Key, Value}, ...]} in the order the keys
// were first set, all at once (a table has at most 50); a NextToken, which
// pocketdynamo never hands out, is a ValidationException.
#include <string>
#include <vector>

#include "api/ops/common_spec.h"
#include "api/ops/handler_util.h"
#include "api/ops/handlers.h"
#include "api/ops/op_specs.h"
#include "table/limits.h"

namespace pd {
namespace api {
namespace {

using nlohmann::json;

Param TagListParam() {
  return List("Tags", Struct("", "Tag",
                             {String("Key").NotNull().Length(kMinTagKeyLength, kMaxTagKeyLength),
                              String("Value").NotNull().MaxLength(kMaxTagValueLength)}));
}

Param TagKeysParam() {
  return List("TagKeys", String().Length(kMinTagKeyLength, kMaxTagKeyLength));
}

// The table name of a DynamoDB table ARN, or "" when `arn` is not one.
std::string TableNameFromArn(const std::string& arn) {
  const std::string prefix = "arn:aws:dynamodb:";
  if (arn.compare(0, prefix.size(), prefix) != 0) return "";
  // <region>:<account>:table/<name>
  size_t region_end = arn.find(':', prefix.size());
  if (region_end == std::string::npos || region_end == prefix.size()) return "";
  size_t account_end = arn.find(':', region_end + 1);
  if (account_end == std::string::npos || account_end == region_end + 1) return "";
  for (size_t i = region_end + 1; i < account_end; ++i) {
    if (arn[i] < '0' || arn[i] > '9') return "";
  }
  const std::string resource = arn.substr(account_end + 1);
  if (resource.compare(0, 6, "table/") != 0) return "";
  const std::string name = resource.substr(6);
  if (name.size() < kMinTableNameLength || name.size() > kMaxTableNameLength) return "";
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '.' || c == '-';
    if (!ok) return "";
  }
  return name;
}

// Steps 2-5 of the order above, for `list_member` ("Tags", "TagKeys" or
// nullptr for ListTagsOfResource).
std::optional<DdbError> CheckTagRequest(const json& request, const char* list_member,
                                        const char* empty_message) {
  if (!Has(request, "ResourceArn")) return DdbError::Validation("Invalid TableArn");
  if (list_member != nullptr && !Has(request, list_member)) {
    return DdbError::Validation("1 validation error detected: Value null at '" +
                                LowerFirst(list_member) +
                                "' failed to satisfy constraint: Member must not be null");
  }
  const std::string arn = request.at("ResourceArn").get<std::string>();
  if (TableNameFromArn(arn).empty()) {
    return DdbError::Validation("Invalid TableArn: Invalid ResourceArn provided as input " + arn);
  }
  if (list_member != nullptr && request.at(list_member).empty()) {
    return DdbError::Validation(empty_message);
  }
  return std::nullopt;
}

std::optional<DdbError> TagResourceCustom(const json& request) {
  return CheckTagRequest(request, "Tags", "Atleast one Tag needs to be provided as Input.");
}

std::optional<DdbError> UntagResourceCustom(const json& request) {
  return CheckTagRequest(request, "TagKeys", "Atleast one Tag Key needs to be provided as Input.");
}

std::optional<DdbError> ListTagsOfResourceCustom(const json& request) {
  PD_RETURN_IF_DDB_ERROR(CheckTagRequest(request, nullptr, ""));
  if (Has(request, "NextToken")) {
    return DdbError::Validation("Invalid NextToken: " + request.at("NextToken").get<std::string>());
  }
  return std::nullopt;
}

// Step 6: the table the ARN names.
DdbResult<CatalogEntry> TableOfArn(Store& store, const std::string& arn, bool untag) {
  Result<CatalogEntry> entry = store.catalog->Get(TableNameFromArn(arn));
  if (entry.ok()) return std::move(entry).value();
  if (!entry.status().IsNotFound()) return StorageError(entry.status());
  if (untag) return DdbError::ResourceNotFound("Requested resource not found");
  return DdbError::ResourceNotFound("Requested resource not found: ResourcArn: " + arn +
                                    " not found");
}

}  // namespace

const OperationSpec& TagResourceSpec() {
  static const OperationSpec* const kSpec = new OperationSpec{
      "TagResource", Struct("", "TagResourceInput", {String("ResourceArn"), TagListParam()}),
      &TagResourceCustom};
  return *kSpec;
}

const OperationSpec& UntagResourceSpec() {
  static const OperationSpec* const kSpec = new OperationSpec{
      "UntagResource", Struct("", "UntagResourceInput", {String("ResourceArn"), TagKeysParam()}),
      &UntagResourceCustom};
  return *kSpec;
}

const OperationSpec& ListTagsOfResourceSpec() {
  static const OperationSpec* const kSpec = new OperationSpec{
      "ListTagsOfResource",
      Struct("", "ListTagsOfResourceInput", {String("ResourceArn"), String("NextToken")}),
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
  if (tags.size() > kMaxTagsPerResource) {
    return DdbError::Validation(
        "One or more parameter values were invalid: The number of tags exceeds the limit of " +
        std::to_string(kMaxTagsPerResource) + " for the resource");
  }
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

// UpdateTable GlobalSecondaryIndexUpdates (contract in
// api/ops/index_updates.h).
//
// Request checks (CheckIndexUpdatesRequest), as DynamoDB reports them
// (dynalite's test/updateTable.js records the texts):
//   an element with no action: "One or more parameter values were invalid:
//     One of GlobalSecondaryIndexUpdate.Update, GlobalSecondaryIndexUpdate.Create,
//     GlobalSecondaryIndexUpdate.Delete must not be null"
//   an element with two: "One or more parameter values were invalid: Only
//     one global secondary index action is allowed per
//     GlobalSecondaryIndexUpdate object"
//   one index named twice: "One or more parameter values were invalid: Only
//     one global secondary index update per index is allowed simultaneously.
//     Index: <name>"
// Against the table (ApplyIndexUpdates), in request order after:
//   more than one Create/Delete: LimitExceededException "Subscriber limit
//     exceeded: Only 1 online index can be created or deleted simultaneously
//     per table"
//   Update of an index the table lacks: "This operation cannot be performed
//     with given input values. Please contact DynamoDB service team for more
//     info: Action Blocked: IndexUpdate"; of an LSI: "Cannot update an index
//     that is not a GlobalSecondaryIndex: <name>"; on a PAY_PER_REQUEST
//     table: "One or more parameter values were invalid: The only Updates for
//     index: <name> when TableThroughputMode is PAY_PER_REQUEST can be to
//     OnDemandThroughput, WarmThroughput"
//   Delete of an unknown index: ResourceNotFoundException "Requested resource
//     not found: Index: <name> not found"; of an LSI: "Cannot delete an index
//     that is not a GlobalSecondaryIndex: <name>"
//   Create: the CreateTable index rules (api/table_request.h
//     ParseIndexCreate) against the request's AttributeDefinitions; a name
//     in use: "Attempting to create an index which already exists"; a 21st
//     GSI: LimitExceededException "One or more parameter values were
//     invalid: GlobalSecondaryIndex count exceeds the per-table limit of 20";
//     a key attribute the table already defines with another type:
//     "One or more parameter values were invalid: AttributeDefinitions for
//     <attr> conflicts with its existing definition" (pocketdynamo's text).
//   A switch to PROVISIONED with GSIs lacking an Update: "One or more
//     parameter values were invalid: ProvisionedThroughput must be specified
//     for index: <name>[,<name>...]".
// A created index is filled in the same operation (the backfill is
// synchronous), so it is ACTIVE when UpdateTable answers, and its entries
// commit with the table change or not at all. Items whose key attributes
// for the new index are of another type (or empty) are left out of it, as
// DynamoDB's backfill leaves index key violations out; later writes of such
// values are rejected. AttributeDefinitions keep exactly the attributes the
// table's and its indexes' key schemas use.
#include "api/ops/index_updates.h"

#include <set>
#include <string>
#include <vector>

#include "api/messages.h"
#include "api/ops/handler_util.h"
#include "api/table_request.h"
#include "table/index_maintenance.h"
#include "table/limits.h"

namespace pd {
namespace api {
namespace {

using nlohmann::json;

int FindIndex(const TableDescription& d, const std::string& name) {
  for (size_t i = 0; i < d.indexes.size(); ++i) {
    if (d.indexes[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

// Keeps the definitions the table's and its indexes' key schemas use.
void PruneDefinitions(TableDescription* d) {
  std::vector<KeyAttribute> kept;
  for (const KeyAttribute& a : d->attribute_definitions) {
    bool used = a.name == d->hash_key.name || (d->range_key && a.name == d->range_key->name);
    for (const SecondaryIndex& x : d->indexes) {
      used = used || a.name == x.hash_name || (x.range_name && a.name == *x.range_name);
    }
    if (used) kept.push_back(a);
  }
  d->attribute_definitions = std::move(kept);
}

}  // namespace

std::optional<DdbError> CheckIndexUpdatesRequest(const json& request) {
  auto updates = request.find("GlobalSecondaryIndexUpdates");
  if (updates == request.end() || !updates->is_array()) return std::nullopt;
  std::set<std::string> names;
  for (const json& update : *updates) {
    int actions = 0;
    std::string name;
    for (const char* kind : {"Update", "Create", "Delete"}) {
      if (const json* a = Member(update, kind)) {
        ++actions;
        name = StringMember(*a, "IndexName");
      }
    }
    if (actions == 0) {
      return DdbError::Validation(std::string(msg::kInvalidParameter) +
                                  "One of GlobalSecondaryIndexUpdate.Update, "
                                  "GlobalSecondaryIndexUpdate.Create, "
                                  "GlobalSecondaryIndexUpdate.Delete must not be null");
    }
    if (actions > 1) {
      return DdbError::Validation(std::string(msg::kInvalidParameter) +
                                  "Only one global secondary index action is allowed per "
                                  "GlobalSecondaryIndexUpdate object");
    }
    if (!names.insert(name).second) {
      return DdbError::Validation(std::string(msg::kInvalidParameter) +
                                  "Only one global secondary index update per index is allowed "
                                  "simultaneously. Index: " +
                                  name);
    }
  }
  return std::nullopt;
}

std::optional<DdbError> ApplyIndexUpdates(Store& store, const json& request,
                                          bool was_pay_per_request, CatalogEntry* entry) {
  TableDescription& d = entry->description;
  const bool pay_per_request = d.billing_mode == BillingMode::kPayPerRequest;
  json updates = json::array();
  if (auto it = request.find("GlobalSecondaryIndexUpdates");
      it != request.end() && it->is_array()) {
    updates = *it;
  }
  int online = 0;
  for (const json& update : updates) {
    if (Member(update, "Create") || Member(update, "Delete")) ++online;
  }
  if (online > 1) {
    return DdbError::LimitExceeded(
        "Subscriber limit exceeded: Only 1 online index can be created or deleted "
        "simultaneously per table");
  }
  std::set<std::string> throughput_given;  // GSIs with an Update action
  for (const json& update : updates) {
    if (const json* u = Member(update, "Update")) {
      const std::string name = StringMember(*u, "IndexName");
      const int i = FindIndex(d, name);
      if (i < 0) {
        return DdbError::Validation(
            "This operation cannot be performed with given input values. Please contact "
            "DynamoDB service team for more info: Action Blocked: IndexUpdate");
      }
      SecondaryIndex& index = d.indexes[i];
      if (!index.is_global()) {
        return DdbError::Validation("Cannot update an index that is not a GlobalSecondaryIndex: " +
                                    name);
      }
      if (pay_per_request) {
        return DdbError::Validation(std::string(msg::kInvalidParameter) +
                                    "The only Updates for index: " + name +
                                    " when TableThroughputMode is PAY_PER_REQUEST can be to "
                                    "OnDemandThroughput, WarmThroughput");
      }
      const json& pt = u->at("ProvisionedThroughput");
      for (const char* member : {"ReadCapacityUnits", "WriteCapacityUnits"}) {
        const int64_t units = pt.at(member).get<int64_t>();
        if (units > kMaxCapacityUnits) {
          return DdbError::Validation(msg::CapacityOutOfBounds(units, member, name));
        }
        (member[0] == 'R' ? index.read_capacity_units : index.write_capacity_units) = units;
      }
      throughput_given.insert(name);
    } else if (const json* del = Member(update, "Delete")) {
      const std::string name = StringMember(*del, "IndexName");
      const int i = FindIndex(d, name);
      if (i < 0) {
        return DdbError::ResourceNotFound(msg::ResourceNotFound("Index", name));
      }
      if (!d.indexes[i].is_global()) {
        return DdbError::Validation("Cannot delete an index that is not a GlobalSecondaryIndex: " +
                                    name);
      }
      Status s = DropIndex(store.catalog->pager(), entry, i);
      if (!s.ok()) return StorageError(s);
      PruneDefinitions(&d);
    } else if (const json* create = Member(update, "Create")) {
      std::vector<std::pair<std::string, AttributeType>> defined;
      if (auto defs = request.find("AttributeDefinitions");
          defs != request.end() && defs->is_array()) {
        for (const json& def : *defs) {
          const std::string type = StringMember(def, "AttributeType");
          defined.emplace_back(StringMember(def, "AttributeName"), type == "N" ? AttributeType::kN
                                                                   : type == "B"
                                                                       ? AttributeType::kB
                                                                       : AttributeType::kS);
        }
      }
      SecondaryIndex index;
      Status s = ParseIndexCreate(*create, defined, pay_per_request, &index);
      if (!s.ok()) return StorageError(s);
      if (FindIndex(d, index.name) >= 0) {
        return DdbError::Validation("Attempting to create an index which already exists");
      }
      size_t globals = 0;
      for (const SecondaryIndex& x : d.indexes) globals += x.is_global() ? 1 : 0;
      if (globals >= kMaxGlobalSecondaryIndexes) {
        return DdbError::LimitExceeded(std::string(msg::kInvalidParameter) +
                                       msg::kGsiCountExceeded +
                                       std::to_string(kMaxGlobalSecondaryIndexes));
      }
      for (const auto& [name, type] :
           {std::make_pair(index.hash_name, index.hash_type),
            std::make_pair(index.range_name.value_or(""), index.range_type)}) {
        if (name.empty()) continue;
        bool known = false;
        for (const KeyAttribute& a : d.attribute_definitions) {
          if (a.name != name) continue;
          known = true;
          if (a.type != type) {
            return DdbError::Validation(std::string(msg::kInvalidParameter) +
                                        "AttributeDefinitions for " + name +
                                        " conflicts with its existing definition");
          }
        }
        if (!known) d.attribute_definitions.push_back(KeyAttribute{name, type});
      }
      s = AddIndex(store.catalog->pager(), entry, std::move(index));
      if (!s.ok()) return StorageError(s);
      throughput_given.insert(d.indexes.back().name);
    }
  }
  if (pay_per_request && !was_pay_per_request) {
    for (SecondaryIndex& x : d.indexes) x.read_capacity_units = x.write_capacity_units = 0;
  }
  if (!pay_per_request && was_pay_per_request) {
    std::string missing;
    for (const SecondaryIndex& x : d.indexes) {
      if (x.is_global() && throughput_given.count(x.name) == 0) {
        missing += (missing.empty() ? "" : ",") + x.name;
      }
    }
    if (!missing.empty()) {
      return DdbError::Validation(std::string(msg::kInvalidParameter) +
                                  msg::kIndexThroughputMissing + missing);
    }
  }
  return std::nullopt;
}

}  // namespace api
}  // namespace pd

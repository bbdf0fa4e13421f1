// Capacity units (rules in api/capacity.h).
#include "api/capacity.h"

#include <algorithm>

#include "table/index_maintenance.h"
#include "value/item_codec.h"

namespace pd {
namespace api {

using nlohmann::json;

namespace {

// Started blocks of `unit` bytes in `bytes`, at least one.
uint64_t Blocks(uint64_t bytes, uint64_t unit) {
  return std::max<uint64_t>(1, bytes / unit + (bytes % unit != 0 ? 1 : 0));
}

}  // namespace

CapacityReport CapacityReportOf(const json& request) {
  auto it = request.find("ReturnConsumedCapacity");
  if (it == request.end() || !it->is_string()) return CapacityReport::kNone;
  if (*it == "TOTAL") return CapacityReport::kTotal;
  if (*it == "INDEXES") return CapacityReport::kIndexes;
  return CapacityReport::kNone;
}

double ReadUnits(std::optional<uint64_t> item_size, bool consistent) {
  const double units = static_cast<double>(Blocks(item_size.value_or(0), kReadUnitBytes));
  return consistent ? units : units / 2;
}

double ReadUnitsForBytes(uint64_t total_bytes, bool consistent) {
  const double units = static_cast<double>(Blocks(total_bytes, kReadUnitBytes));
  return consistent ? units : units / 2;
}

double WriteUnits(std::optional<uint64_t> old_size, std::optional<uint64_t> new_size) {
  const uint64_t larger = std::max(old_size.value_or(0), new_size.value_or(0));
  return static_cast<double>(Blocks(larger, kWriteUnitBytes));
}

std::vector<IndexUnits> IndexWriteUnits(const TableDescription& table, const Item* old,
                                        const Item* now, double factor) {
  std::vector<IndexUnits> out;
  for (const SecondaryIndex& index : table.indexes) {
    std::optional<IndexEntry> before;
    std::optional<IndexEntry> after;
    if (old != nullptr) before = MakeIndexEntry(table, index, *old);
    if (now != nullptr) after = MakeIndexEntry(table, index, *now);
    if (!before && !after) continue;
    double units = 0;
    if (before && after && before->key == after->key) {
      std::string a;
      std::string b;
      EncodeItem(before->value, &a);
      EncodeItem(after->value, &b);
      if (a == b) continue;  // the entry does not change
      units = WriteUnits(ItemSize(before->value), ItemSize(after->value));
    } else {
      if (before) units += WriteUnits(ItemSize(before->value), std::nullopt);
      if (after) units += WriteUnits(std::nullopt, ItemSize(after->value));
    }
    out.push_back(IndexUnits{index.name, index.is_global(), factor * units});
  }
  return out;
}

void AddIndexUnits(std::vector<IndexUnits>* sum, const std::vector<IndexUnits>& more) {
  for (const IndexUnits& m : more) {
    auto it = std::find_if(sum->begin(), sum->end(),
                           [&](const IndexUnits& s) { return s.name == m.name; });
    if (it == sum->end()) {
      sum->push_back(m);
    } else {
      it->units += m.units;
    }
  }
}

std::optional<json> ConsumedCapacityJson(CapacityReport report, const std::string& table_name,
                                         double units, const std::vector<IndexUnits>& indexes) {
  if (report == CapacityReport::kNone) return std::nullopt;
  double total = units;
  for (const IndexUnits& i : indexes) total += i.units;
  json out = {{"TableName", table_name}, {"CapacityUnits", total}};
  if (report == CapacityReport::kIndexes) {
    out["Table"] = {{"CapacityUnits", units}};
    for (const IndexUnits& i : indexes) {
      out[i.global ? "GlobalSecondaryIndexes" : "LocalSecondaryIndexes"][i.name] = {
          {"CapacityUnits", i.units}};
    }
  }
  return out;
}

}  // namespace api
}  // namespace pd

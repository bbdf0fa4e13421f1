// GetItem: reads one item by its key.
//
// Order of checks (after the spec): ProjectionExpression syntax and
// ExpressionAttributeNames (defined and used), the table
// (ResourceNotFoundException), the Key against the key schema.
//
// Response: {"Item": ...} when the item exists (projected through
// ProjectionExpression; "Item": {} when none of the projected paths exist,
// as DynamoDB), else {}; plus ConsumedCapacity: read
// units of the whole item (not the projection), halved unless
// ConsistentRead; a missing item costs 1 / 0.5. There is only one copy of
// the data, so every read is strongly consistent; ConsistentRead only
// changes the charge.
#include "api/capacity.h"
#include "api/ops/handler_util.h"
#include "api/ops/handlers.h"
#include "api/response_text.h"
#include "expr/projection.h"
#include "value/item_codec.h"
#include "value/json_codec.h"

namespace pd {
namespace api {

using nlohmann::json;

DdbResult<json> HandleGetItem(Store& store, Context& ctx, const json& request) {
  RequestExpressions exprs;
  PD_RETURN_IF_DDB_ERROR(exprs.Load(request));
  std::optional<expr::ProjectionExpression> projection;
  PD_RETURN_IF_DDB_ERROR(exprs.ParseProjection(request, &projection));
  PD_RETURN_IF_DDB_ERROR(exprs.CheckAllUsed());

  DdbResult<Table> table = OpenTableForItems(store, request.at("TableName").get<std::string>());
  if (!table.ok()) return table.take_error();
  DdbResult<AttributeMap> key_map = DecodeKeyMember(request);
  if (!key_map.ok()) return key_map.take_error();
  Result<PrimaryKey> key = table->KeyFromKeyMap(*key_map);
  if (!key.ok()) return StorageError(key.status());

  ObjectText response;  // written as text (api/response_text.h)
  std::optional<uint64_t> size;
  if (projection) {
    Result<std::optional<Item>> item = table->Get(*key);
    if (!item.ok()) return StorageError(item.status());
    if (*item) {
      size = ItemSize(**item);
      std::string text;
      AppendItemJson(expr::Project(**item, projection->paths), &text);
      response.Add("Item", std::move(text));
    }
  } else {
    // The whole item: its text written straight from the stored bytes.
    std::string encoded;
    Result<bool> found = table->GetEncoded(*key, &encoded);
    if (!found.ok()) return StorageError(found.status());
    if (*found) {
      std::string text;
      uint64_t item_size = 0;
      Status s = AppendItemJsonFromEncoded(encoded, &text, &item_size);
      if (!s.ok()) {
        return StorageError(Status::Corruption("table '" + table->name() + "': " + s.message()));
      }
      size = item_size;
      response.Add("Item", std::move(text));
    }
  }
  auto consistent = request.find("ConsistentRead");
  const bool is_consistent =
      consistent != request.end() && consistent->is_boolean() && consistent->get<bool>();
  if (auto cc = ConsumedCapacityJson(CapacityReportOf(request), table->name(),
                                     ReadUnits(size, is_consistent))) {
    response.Add("ConsumedCapacity", cc->dump());
  }
  return ResponseText(response.Finish());
}

}  // namespace api
}  // namespace pd

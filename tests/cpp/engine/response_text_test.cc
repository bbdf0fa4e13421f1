// Responses written as text (api/response_text.h): the bytes Engine::Execute
// returns for every response that is written without a nlohmann DOM (GetItem,
// Query, Scan, BatchGetItem, TransactGetItems, PutItem/UpdateItem/DeleteItem
// Attributes) are exactly what the DOM path wrote: the dump() of the response
// object built from the model's items with ItemToJson (value/json_codec.h).
// Random items of every type (nested maps and lists, sets, binary, NUL and
// multi-byte text), projections, ConsumedCapacity (NONE/TOTAL/INDEXES), table
// and index reads, paging keys (Limit + ExclusiveStartKey). Text that is not
// valid UTF-8 cannot reach an item through the API (the request parser
// rejects it); the writer's behaviour on it is tested in
// value/json_codec_test.cc. Besides, every response of every engine test is
// checked to be in nlohmann's canonical form (support/test_util.h ExecRaw).
#include <doctest/doctest.h>

#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "support/test_util.h"
#include "value/json_codec.h"
#include "value/random_values.h"

namespace pd {
namespace testing {
namespace {

constexpr int kPartitions = 3;

class ResponseTextFixture {
 public:
  ResponseTextFixture() : rv_(20261207) {
    json request = {
        {"TableName", "Tab"},
        {"BillingMode", "PAY_PER_REQUEST"},
        {"KeySchema", json::array({{{"AttributeName", "pk"}, {"KeyType", "HASH"}},
                                   {{"AttributeName", "sk"}, {"KeyType", "RANGE"}}})},
        {"AttributeDefinitions", json::array({{{"AttributeName", "pk"}, {"AttributeType", "S"}},
                                              {{"AttributeName", "sk"}, {"AttributeType", "N"}},
                                              {{"AttributeName", "g"}, {"AttributeType", "S"}}})},
        {"GlobalSecondaryIndexes",
         json::array(
             {{{"IndexName", "Gsi"},
               {"KeySchema", json::array({{{"AttributeName", "g"}, {"KeyType", "HASH"}},
                                          {{"AttributeName", "sk"}, {"KeyType", "RANGE"}}})},
               {"Projection", {{"ProjectionType", "ALL"}}}}})}};
    db_.Ok("CreateTable", request);
    db_.CreateTable("Ubt", "id", "S");
  }

  TestDb& db() { return db_; }
  RandomValues& rv() { return rv_; }

  // A random item with key (pk, sk); every fifth has the index key g = "x".
  Item RandomItem(const std::string& pk, int sk) {
    Item raw = rv_.RandomItem(3);
    Item item;
    for (const auto& [name, value] : raw) item.Set("a" + name, value);
    item.Set("pk", AttributeValue::S(pk));
    item.Set("sk", AttributeValue::N(Decimal::Parse(std::to_string(sk)).value()));
    if (sk % 5 == 0) item.Set("g", AttributeValue::S("x"));
    return item;
  }

  static std::string Pk(int p) { return "p" + std::to_string(p); }

  // Fills T with `per_partition` random items in each partition, U with a few.
  void Fill(int per_partition) {
    for (int p = 0; p < kPartitions; ++p) {
      for (int s = 0; s < per_partition; ++s) {
        Item item = RandomItem(Pk(p), s);
        db_.Ok("PutItem", {{"TableName", "Tab"}, {"Item", ItemToJson(item)}});
        model_[{Pk(p), s}] = item;
      }
    }
    for (int i = 0; i < 4; ++i) {
      Item item = rv_.RandomItem(2);
      Item u;
      for (const auto& [name, value] : item) u.Set("a" + name, value);
      u.Set("id", AttributeValue::S("u" + std::to_string(i)));
      db_.Ok("PutItem", {{"TableName", "Ubt"}, {"Item", ItemToJson(u)}});
      model_u_["u" + std::to_string(i)] = u;
    }
  }

  const char* RandomCapacity() {
    static const char* const kModes[] = {"NONE", "TOTAL", "INDEXES"};
    return kModes[rv_.Uniform(0, 2)];
  }

  // A ProjectionExpression over 1-3 top-level names (some absent), with the
  // names as placeholders; `names` receives the names projected.
  json RandomProjection(const Item& sample, std::vector<std::string>* names) {
    std::vector<std::string> pool = {"pk", "sk", "missing"};
    for (const auto& [name, value] : sample) pool.push_back(name);
    json attr_names = json::object();
    std::string expression;
    for (int i = rv_.Uniform(1, 3); i > 0; --i) {
      const std::string& name =
          pool[static_cast<size_t>(rv_.Uniform(0, static_cast<int>(pool.size()) - 1))];
      bool dup = false;
      for (const std::string& n : *names) dup = dup || n == name;
      if (dup) continue;
      const std::string placeholder = "#n" + std::to_string(names->size());
      attr_names[placeholder] = name;
      if (!expression.empty()) expression += ", ";
      expression += placeholder;
      names->push_back(name);
    }
    return {{"ProjectionExpression", expression}, {"ExpressionAttributeNames", attr_names}};
  }

  static Item Projected(const Item& item, const std::vector<std::string>& names) {
    if (names.empty()) return item;
    Item out;
    for (const std::string& n : names) {
      if (const AttributeValue* v = item.Find(n)) out.Set(n, *v);
    }
    return out;
  }

  std::map<std::pair<std::string, int>, Item> model_;  // T: (pk, sk) -> item
  std::map<std::string, Item> model_u_;                // U: id -> item

 private:
  TestDb db_;
  RandomValues rv_;
};

// Runs the request and returns the response text, which must not be an error.
std::string Text(TestDb& db, const std::string& op, const json& request) {
  std::string out = db.engine().Execute(op, request.dump());
  json parsed = json::parse(out);
  REQUIRE_MESSAGE(ErrorType(parsed).empty(), op << " " << request.dump() << " -> " << out);
  return out;
}

// The ConsumedCapacity member of a response text, to copy into the expected
// DOM (it is a DOM on both paths), or absent.
void CopyCapacity(const std::string& text, json* expected) {
  json parsed = json::parse(text);
  if (parsed.contains("ConsumedCapacity"))
    (*expected)["ConsumedCapacity"] = parsed["ConsumedCapacity"];
}

int SkOf(const json& item) { return std::stoi(item.at("sk").at("N").get<std::string>()); }

TEST_CASE("GetItem and TransactGetItems responses: the DOM path's bytes") {
  ResponseTextFixture f;
  f.Fill(8);
  for (int iter = 0; iter < 300; ++iter) {
    const std::string pk = ResponseTextFixture::Pk(f.rv().Uniform(0, kPartitions - 1));
    const int sk = f.rv().Uniform(0, 9);  // 8 and 9 are absent
    auto found = f.model_.find({pk, sk});
    json request = {{"TableName", "Tab"},
                    {"Key", {{"pk", {{"S", pk}}}, {"sk", {{"N", std::to_string(sk)}}}}},
                    {"ReturnConsumedCapacity", f.RandomCapacity()}};
    std::vector<std::string> names;
    if (f.rv().OneIn(2)) {
      json p = f.RandomProjection(found != f.model_.end() ? found->second : Item(), &names);
      request.update(p);
    }
    if (f.rv().OneIn(2)) request["ConsistentRead"] = f.rv().OneIn(2);
    const std::string text = Text(f.db(), "GetItem", request);
    json expected = json::object();
    if (found != f.model_.end())
      expected["Item"] = ItemToJson(ResponseTextFixture::Projected(found->second, names));
    CopyCapacity(text, &expected);
    REQUIRE_MESSAGE(text == expected.dump(), request.dump());
  }
  for (int iter = 0; iter < 100; ++iter) {
    json items = json::array();
    json expected_responses = json::array();
    std::set<int> used;
    for (int n = f.rv().Uniform(1, 5); n > 0; --n) {
      const int sk = f.rv().Uniform(0, 9);
      if (!used.insert(sk).second) continue;
      auto found = f.model_.find({"p1", sk});
      json get = {{"TableName", "Tab"},
                  {"Key", {{"pk", {{"S", "p1"}}}, {"sk", {{"N", std::to_string(sk)}}}}}};
      std::vector<std::string> names;
      if (f.rv().OneIn(3))
        get.update(f.RandomProjection(found != f.model_.end() ? found->second : Item(), &names));
      items.push_back({{"Get", get}});
      json entry = json::object();
      if (found != f.model_.end())
        entry["Item"] = ItemToJson(ResponseTextFixture::Projected(found->second, names));
      expected_responses.push_back(entry);
    }
    json request = {{"TransactItems", items}, {"ReturnConsumedCapacity", f.RandomCapacity()}};
    const std::string text = Text(f.db(), "TransactGetItems", request);
    json expected = {{"Responses", expected_responses}};
    CopyCapacity(text, &expected);
    REQUIRE_MESSAGE(text == expected.dump(), request.dump());
  }
}

TEST_CASE("Query and Scan responses, every page: the DOM path's bytes") {
  ResponseTextFixture f;
  f.Fill(30);
  for (int iter = 0; iter < 60; ++iter) {
    const bool scan = f.rv().OneIn(3);
    const bool index = f.rv().OneIn(4);
    const std::string pk = ResponseTextFixture::Pk(f.rv().Uniform(0, kPartitions - 1));
    json base = {{"TableName", "Tab"}, {"ReturnConsumedCapacity", f.RandomCapacity()}};
    if (index) base["IndexName"] = "Gsi";
    if (!scan) {
      base["KeyConditionExpression"] = index ? "g = :v" : "pk = :v";
      base["ExpressionAttributeValues"] = {{":v", {{"S", index ? "x" : pk}}}};
      if (f.rv().OneIn(3)) base["ScanIndexForward"] = false;
    }
    std::vector<std::string> names;
    if (f.rv().OneIn(2)) {
      // The keys are always projected, so that the test can find the items.
      json p = f.RandomProjection(f.model_.begin()->second, &names);
      std::string expression = p["ProjectionExpression"].get<std::string>();
      for (const char* k : {"pk", "sk"}) {
        bool has = false;
        for (const std::string& n : names) has = has || n == k;
        if (has) continue;
        const std::string placeholder = "#n" + std::to_string(names.size());
        p["ExpressionAttributeNames"][placeholder] = k;
        expression += ", " + placeholder;
        names.push_back(k);
      }
      base["ProjectionExpression"] = expression;
      base["ExpressionAttributeNames"] = p["ExpressionAttributeNames"];
    }
    const bool count = names.empty() && f.rv().OneIn(6);
    if (count) base["Select"] = "COUNT";
    const int limit = f.rv().Uniform(1, 40);
    base["Limit"] = limit;
    json start;
    for (int pages = 0; pages < 200; ++pages) {
      json request = base;
      if (!start.is_null()) request["ExclusiveStartKey"] = start;
      const std::string text = Text(f.db(), scan ? "Scan" : "Query", request);
      const json parsed = json::parse(text);
      // The items the page holds, by their keys, taken from the model: the
      // order is the engine's (checked elsewhere); the bytes are the DOM's.
      json expected = json::object();
      expected["Count"] = parsed.at("Count");
      expected["ScannedCount"] = parsed.at("ScannedCount");
      if (parsed.contains("LastEvaluatedKey")) {
        const json& key = parsed["LastEvaluatedKey"];
        const Item& last = f.model_.at({key.at("pk").at("S").get<std::string>(), SkOf(key)});
        Item key_item;
        for (const char* k : {"pk", "sk", "g"}) {
          if (k == std::string("g") && !index) continue;
          key_item.Set(k, *last.Find(k));
        }
        expected["LastEvaluatedKey"] = ItemToJson(key_item);
      }
      CopyCapacity(text, &expected);
      if (!count) {
        // Rebuild Items from the model in the order the page returned them.
        json items = json::array();
        for (const json& got : parsed.at("Items")) {
          items.push_back(ItemToJson(ResponseTextFixture::Projected(
              f.model_.at({got.at("pk").at("S").get<std::string>(), SkOf(got)}), names)));
        }
        expected["Items"] = items;
      }
      REQUIRE_MESSAGE(text == expected.dump(), request.dump());
      if (!parsed.contains("LastEvaluatedKey")) break;
      start = parsed["LastEvaluatedKey"];
    }
  }
}

TEST_CASE("BatchGetItem responses: the DOM path's bytes") {
  ResponseTextFixture f;
  f.Fill(6);
  for (int iter = 0; iter < 150; ++iter) {
    json t_keys = json::array();
    json t_items = json::array();
    std::set<int> used;
    std::vector<std::string> names;
    json t_entry = json::object();
    if (f.rv().OneIn(3)) t_entry = f.RandomProjection(f.model_.begin()->second, &names);
    for (int n = f.rv().Uniform(1, 6); n > 0; --n) {
      const int sk = f.rv().Uniform(0, 8);
      if (!used.insert(sk).second) continue;
      t_keys.push_back({{"pk", {{"S", "p2"}}}, {"sk", {{"N", std::to_string(sk)}}}});
      auto found = f.model_.find({"p2", sk});
      if (found != f.model_.end())
        t_items.push_back(ItemToJson(ResponseTextFixture::Projected(found->second, names)));
    }
    t_entry["Keys"] = t_keys;
    if (f.rv().OneIn(2)) t_entry["ConsistentRead"] = true;
    json request_items = {{"Tab", t_entry}};
    json responses = {{"Tab", t_items}};
    if (f.rv().OneIn(2)) {
      json u_keys = json::array();
      json u_items = json::array();
      for (int i = 0; i < 6; i += f.rv().Uniform(1, 3)) {
        const std::string id = "u" + std::to_string(i);
        u_keys.push_back({{"id", {{"S", id}}}});
        auto found = f.model_u_.find(id);
        if (found != f.model_u_.end()) u_items.push_back(ItemToJson(found->second));
      }
      request_items["Ubt"] = {{"Keys", u_keys}};
      responses["Ubt"] = u_items;
    }
    json request = {{"RequestItems", request_items},
                    {"ReturnConsumedCapacity", f.RandomCapacity()}};
    const std::string text = Text(f.db(), "BatchGetItem", request);
    json expected = {{"Responses", responses}, {"UnprocessedKeys", json::object()}};
    CopyCapacity(text, &expected);
    REQUIRE_MESSAGE(text == expected.dump(), request.dump());
  }
}

TEST_CASE("PutItem, UpdateItem and DeleteItem Attributes: the DOM path's bytes") {
  ResponseTextFixture f;
  f.Fill(5);
  for (int iter = 0; iter < 300; ++iter) {
    const std::string pk = ResponseTextFixture::Pk(f.rv().Uniform(0, kPartitions - 1));
    const int sk = f.rv().Uniform(0, 6);
    const std::pair<std::string, int> id{pk, sk};
    auto found = f.model_.find(id);
    std::optional<Item> old;
    if (found != f.model_.end()) old = found->second;
    const json key = {{"pk", {{"S", pk}}}, {"sk", {{"N", std::to_string(sk)}}}};
    const int kind = f.rv().Uniform(0, 2);
    json expected = json::object();
    std::string text;
    if (kind == 0) {  // PutItem, ReturnValues ALL_OLD or NONE
      Item item = f.RandomItem(pk, sk);
      const bool all_old = f.rv().OneIn(2);
      json request = {{"TableName", "Tab"},
                      {"Item", ItemToJson(item)},
                      {"ReturnValues", all_old ? "ALL_OLD" : "NONE"},
                      {"ReturnConsumedCapacity", f.RandomCapacity()}};
      text = Text(f.db(), "PutItem", request);
      if (all_old && old) expected["Attributes"] = ItemToJson(*old);
      f.model_[id] = item;
    } else if (kind == 1) {  // UpdateItem: SET one attribute to a random value
      static const char* const kModes[] = {"NONE", "ALL_OLD", "UPDATED_OLD", "ALL_NEW",
                                           "UPDATED_NEW"};
      const std::string mode = kModes[f.rv().Uniform(0, 4)];
      const AttributeValue value = f.rv().Value(2);
      const std::string name =
          f.rv().OneIn(2) && old && old->size() > 2 ? old->begin()->first : "anew";
      const bool is_key = name == "pk" || name == "sk" || name == "g";
      const std::string target = is_key ? "anew" : name;
      json request = {{"TableName", "Tab"},
                      {"Key", key},
                      {"UpdateExpression", "SET #a = :v"},
                      {"ExpressionAttributeNames", {{"#a", target}}},
                      {"ExpressionAttributeValues", {{":v", AttributeValueToJson(value)}}},
                      {"ReturnValues", mode},
                      {"ReturnConsumedCapacity", f.RandomCapacity()}};
      text = Text(f.db(), "UpdateItem", request);
      Item now;
      if (old) {
        now = *old;
      } else {
        now.Set("pk", AttributeValue::S(pk));
        now.Set("sk", AttributeValue::N(Decimal::Parse(std::to_string(sk)).value()));
      }
      now.Set(target, value);
      std::optional<Item> attributes;
      if (mode == "ALL_OLD" && old) {
        attributes = *old;
      } else if (mode == "UPDATED_OLD" && old && old->Find(target) != nullptr) {
        attributes = Item();
        attributes->Set(target, *old->Find(target));
      } else if (mode == "ALL_NEW") {
        attributes = now;
      } else if (mode == "UPDATED_NEW") {
        attributes = Item();
        attributes->Set(target, value);
      }
      if (attributes && !attributes->empty()) expected["Attributes"] = ItemToJson(*attributes);
      f.model_[id] = now;
    } else {  // DeleteItem
      const bool all_old = f.rv().OneIn(2);
      json request = {{"TableName", "Tab"},
                      {"Key", key},
                      {"ReturnValues", all_old ? "ALL_OLD" : "NONE"},
                      {"ReturnConsumedCapacity", f.RandomCapacity()}};
      text = Text(f.db(), "DeleteItem", request);
      if (all_old && old) expected["Attributes"] = ItemToJson(*old);
      f.model_.erase(id);
    }
    CopyCapacity(text, &expected);
    REQUIRE_MESSAGE(text == expected.dump(), "iteration " << iter << ": " << text);
  }
  CHECK(f.db().CheckText() == "OK");
}

}  // namespace
}  // namespace testing
}  // namespace pd

// Randomised TransactWriteItems against a reference model: random mixes of
// Put / Update / Delete / ConditionCheck with random conditions over a small
// key space (so conditions fail, items repeat and updates hit wrong types),
// random ClientRequestTokens, and random commits and rollbacks to the durable
// state. After every step the engine must hold exactly the model's items, the
// outcome (success, ValidationException, TransactionCanceledException with
// its CancellationReasons, IdempotentParameterMismatchException) must be the
// model's, and Engine::Check() must pass.
#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "support/test_util.h"

namespace pd {
namespace testing {
namespace {

// Model state: table -> (key text -> item), plus remembered tokens.
struct State {
  std::map<std::string, std::map<std::string, json>> tables;  // "Aaa" / "Bbb" -> key dump -> item
  std::map<std::string, std::string> tokens;                  // token -> request dump
};

// One generated action and what the model expects of it.
struct Act {
  json body;             // the TransactItems element
  std::string table;     // "Aaa" or "Bbb"
  json key;              // the target key (may be malformed)
  bool bad_key = false;  // key does not match the schema
};

class TxModel {
 public:
  explicit TxModel(uint64_t seed) : rng_(seed) {
    db_.CreateTable("Aaa", "id", "S");
    db_.CreateTable("Bbb", "pk", "S", "sk", "N");
    db_.CommitAll();  // the tables are durable; the model starts at that state
    durable_ = state_;
  }

  int Uniform(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  bool OneIn(int n) { return Uniform(0, n - 1) == 0; }

  void Step() {
    std::vector<Act> acts;
    json request;
    if (!last_acts_.empty() && OneIn(4)) {
      // The previous request again (a client retry): with its token it is a replay.
      acts = last_acts_;
      request = last_request_;
    } else {
      const int n = Uniform(1, 4);
      json items = json::array();
      for (int i = 0; i < n; ++i) {
        acts.push_back(RandomAct());
        items.push_back(acts.back().body);
      }
      request = {{"TransactItems", items}};
      if (OneIn(3)) request["ClientRequestToken"] = "tok" + std::to_string(Uniform(0, 19));
    }
    last_acts_ = acts;
    last_request_ = request;
    CAPTURE(request.dump());
    const json r = db_.Exec("TransactWriteItems", request);
    CheckOutcome(request, acts, r);
    CHECK(db_.CheckText() == "OK");
    // Commit, roll back to the durable state, or keep collecting.
    const int c = Uniform(0, 9);
    if (c < 3) {
      db_.CommitAll();
      durable_ = state_;
    } else if (c == 3) {
      ++counts_.rollbacks;
      db_.engine().RollbackToDurable();
      state_ = durable_;
    }
    CompareAll();
  }

  // How often each outcome occurred, so the test can tell it exercised them all.
  struct Counts {
    int applied = 0;    // success, writes applied
    int replayed = 0;   // success of a replayed token, nothing applied
    int mismatch = 0;   // IdempotentParameterMismatchException
    int invalid = 0;    // ValidationException
    int cancelled = 0;  // TransactionCanceledException
    int rollbacks = 0;  // RollbackToDurable calls
  };
  const Counts& counts() const { return counts_; }

  void CompareAll() {
    for (const char* table : {"Aaa", "Bbb"}) {
      json scan = db_.Ok("Scan", {{"TableName", table}, {"ConsistentRead", true}});
      std::map<std::string, json> got;
      for (const json& item : scan["Items"]) got[KeyText(table, item)] = item;
      CHECK_MESSAGE(got == state_.tables[table], "table " << table);
    }
  }

 private:
  static std::string KeyText(const std::string& table, const json& item_or_key) {
    if (table == "Aaa") return item_or_key["id"].dump();
    return item_or_key["pk"].dump() + "|" + item_or_key["sk"].dump();
  }

  json RandomKey(const std::string& table, bool* bad) {
    *bad = OneIn(25);
    if (table == "Aaa") {
      if (*bad) return {{"id", N("1")}};  // wrong type
      return {{"id", S("k" + std::to_string(Uniform(0, 7)))}};
    }
    if (*bad) return {{"pk", S("p0")}};  // sort key missing
    return {{"pk", S("p" + std::to_string(Uniform(0, 2)))},
            {"sk", N(std::to_string(Uniform(1, 4)))}};
  }

  // A condition on the item and the values it needs ("" = none).
  std::string RandomCondition(json* values) {
    switch (Uniform(0, 9)) {  // 4 in 10 actions have a condition
      case 0:
        return "attribute_exists(v)";
      case 1:
        return "attribute_not_exists(v)";
      case 2:
        (*values)[":c"] = N(std::to_string(Uniform(0, 9)));
        return "v < :c";
      case 3:
        (*values)[":c"] = N(std::to_string(Uniform(0, 9)));
        return "v = :c";
      default:
        return "";
    }
  }

  Act RandomAct() {
    Act act;
    act.table = OneIn(2) ? "Aaa" : "Bbb";
    act.key = RandomKey(act.table, &act.bad_key);
    json values = json::object();
    std::string condition = RandomCondition(&values);
    json body = {{"TableName", act.table}};
    const int kind = Uniform(0, 3);
    std::string member;
    if (kind == 0) {
      member = "Put";
      json item = act.key;
      item["v"] = OneIn(6) ? S("text") : N(std::to_string(Uniform(0, 9)));
      if (OneIn(2)) item["s"] = S("extra");
      body["Item"] = item;
    } else if (kind == 1) {
      member = "Update";
      body["Key"] = act.key;
      switch (Uniform(0, 2)) {
        case 0:
          body["UpdateExpression"] = "SET v = :u";
          values[":u"] = N(std::to_string(Uniform(0, 9)));
          break;
        case 1:
          body["UpdateExpression"] = "ADD v :u";
          values[":u"] = N("1");
          break;
        default:
          body["UpdateExpression"] = "REMOVE s";
          break;
      }
    } else if (kind == 2) {
      member = "Delete";
      body["Key"] = act.key;
    } else {
      member = "ConditionCheck";
      body["Key"] = act.key;
      if (condition.empty()) condition = "attribute_exists(v)";
    }
    if (!condition.empty()) body["ConditionExpression"] = condition;
    if (!values.empty()) body["ExpressionAttributeValues"] = values;
    if (OneIn(3)) body["ReturnValuesOnConditionCheckFailure"] = OneIn(2) ? "ALL_OLD" : "NONE";
    act.body = {{member, body}};
    return act;
  }

  static bool Holds(const std::string& condition, const json& values,
                    const std::optional<json>& item) {
    const bool has_v = item && item->contains("v");
    if (condition.empty()) return true;
    if (condition == "attribute_exists(v)") return has_v;
    if (condition == "attribute_not_exists(v)") return !has_v;
    if (!has_v || !(*item)["v"].contains("N")) return false;
    const int v = std::stoi((*item)["v"]["N"].get<std::string>());
    const int c = std::stoi(values[":c"]["N"].get<std::string>());
    return condition == "v < :c" ? v < c : v == c;
  }

  void CheckOutcome(const json& request, const std::vector<Act>& acts, const json& r) {
    // Tokens first.
    std::string token;
    if (request.contains("ClientRequestToken")) token = request["ClientRequestToken"];
    if (!token.empty() && state_.tokens.count(token)) {
      if (state_.tokens[token] == request.dump()) {
        ++counts_.replayed;
        CHECK(r == json::object());
      } else {
        ++counts_.mismatch;
        CHECK(ErrorType(r) == "IdempotentParameterMismatchException");
      }
      return;
    }
    // A key that does not match its table's schema cancels the transaction
    // with a ValidationError at that action (DynamoDB finds these while the
    // transaction runs); then a repeated item is a ValidationException.
    json key_reasons = json::array();
    bool bad_keys = false;
    for (const Act& act : acts) {
      if (!act.bad_key) {
        key_reasons.push_back({{"Code", "None"}});
        continue;
      }
      bad_keys = true;
      std::string message = "The provided key element does not match the schema";
      if (act.body.begin().key() == "Put") {
        message = act.table == "Aaa" ? "One or more parameter values were invalid: Type mismatch "
                                       "for key id expected: S actual: N"
                                     : "One or more parameter values were invalid: Missing the "
                                       "key sk in the item";
      }
      key_reasons.push_back({{"Code", "ValidationError"}, {"Message", message}});
    }
    if (bad_keys) {
      ++counts_.invalid;
      CHECK(ErrorType(r) == "TransactionCanceledException");
      CHECK(r["CancellationReasons"] == key_reasons);
      return;
    }
    std::vector<std::string> seen;
    for (const Act& act : acts) {
      const std::string target = act.table + KeyText(act.table, act.key);
      if (std::find(seen.begin(), seen.end(), target) != seen.end()) {
        ++counts_.invalid;
        CHECK(ErrorType(r) == "ValidationException");
        CHECK(ErrorMessage(r) ==
              "Transaction request cannot include multiple operations on one item");
        return;
      }
      seen.push_back(target);
    }
    // Evaluate every action against the current state.
    State next = state_;
    json reasons = json::array();
    bool cancelled = false;
    for (const Act& act : acts) {
      const std::string member = act.body.begin().key();
      const json& body = act.body.begin().value();
      auto& table = next.tables[act.table];
      const std::string key = KeyText(act.table, act.key);
      std::optional<json> old;
      if (state_.tables[act.table].count(key)) old = state_.tables[act.table][key];
      const json values = body.value("ExpressionAttributeValues", json::object());
      const std::string condition = body.value("ConditionExpression", "");
      json reason = {{"Code", "None"}};
      if (!Holds(condition, values, old)) {
        reason = {{"Code", "ConditionalCheckFailed"},
                  {"Message", "The conditional request failed"}};
        if (old && body.value("ReturnValuesOnConditionCheckFailure", "") == "ALL_OLD")
          reason["Item"] = *old;
        cancelled = true;
      } else if (member == "Put") {
        table[key] = body["Item"];
      } else if (member == "Delete") {
        table.erase(key);
      } else if (member == "Update") {
        json item = old ? *old : act.key;
        const std::string update = body["UpdateExpression"];
        if (update == "SET v = :u") {
          item["v"] = values[":u"];
        } else if (update == "REMOVE s") {
          item.erase("s");
        } else if (!item.contains("v")) {
          item["v"] = N("1");
        } else if (item["v"].contains("N")) {
          item["v"] = N(std::to_string(std::stoi(item["v"]["N"].get<std::string>()) + 1));
        } else {
          reason = {{"Code", "ValidationError"},
                    {"Message", "An operand in the update expression has an incorrect data type"}};
          cancelled = true;
        }
        if (reason["Code"] == "None") table[key] = item;
      }
      reasons.push_back(reason);
    }
    if (cancelled) {
      ++counts_.cancelled;
      CHECK(ErrorType(r) == "TransactionCanceledException");
      CHECK(r["CancellationReasons"] == reasons);
      return;
    }
    ++counts_.applied;
    CHECK(r == json::object());
    state_ = std::move(next);
    if (!token.empty()) state_.tokens[token] = request.dump();
  }

  std::mt19937_64 rng_;         // the test's randomness
  TestDb db_;                   // engine under test
  State state_;                 // model of the engine's current state
  State durable_;               // model of the state at the engine's durable LSN
  Counts counts_;               // outcomes seen
  std::vector<Act> last_acts_;  // the previous request's actions, for retries
  json last_request_;           // the previous request
};

TEST_CASE("TransactWriteItems is atomic against a model") {
  for (uint64_t seed : {1u, 2u, 3u}) {
    CAPTURE(seed);
    TxModel model(seed);
    for (int step = 0; step < 200; ++step) {
      CAPTURE(step);
      model.Step();
    }
    const auto& c = model.counts();
    MESSAGE("applied " << c.applied << ", replayed " << c.replayed << ", mismatch " << c.mismatch
                       << ", invalid " << c.invalid << ", cancelled " << c.cancelled
                       << ", rollbacks " << c.rollbacks);
    CHECK(c.applied >= 20);
    CHECK(c.cancelled >= 20);
    CHECK(c.invalid >= 5);
    CHECK(c.replayed >= 2);
    CHECK(c.mismatch >= 2);
    CHECK(c.rollbacks >= 5);
  }
}

}  // namespace
}  // namespace testing
}  // namespace pd

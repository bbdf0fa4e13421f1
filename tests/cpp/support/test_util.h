// Helpers for tests that drive the core through pd::Engine::Execute, JSON in
// and out (dynalite's test/helpers.js in spirit):
//
//   TestDb db;                                     // fresh engine, fixed clock
//   db.CreateTable("T", "pk", "S");                // PAY_PER_REQUEST, hash key only
//   json r = db.Ok("PutItem", {{"TableName", "T"}, {"Item", ...}});
//   db.ExpectError("GetItem", request, "ValidationException",
//                  "The provided key element does not match the schema");
//
// Errors are compared by exception name (the part of __type after '#') and
// full message. Every helper fails the current doctest case with the request
// and response in the message.
#ifndef PD_TESTS_CPP_SUPPORT_TEST_UTIL_H_
#define PD_TESTS_CPP_SUPPORT_TEST_UTIL_H_

#include <doctest/doctest.h>

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine.h"

namespace pd {
namespace testing {

using nlohmann::json;

// The exception name of an error response ("ValidationException"), or "" if
// `response` is not an error.
inline std::string ErrorType(const json& response) {
  if (!response.is_object() || !response.contains("__type")) return "";
  const std::string t = response["__type"].get<std::string>();
  const size_t hash = t.find('#');
  return hash == std::string::npos ? t : t.substr(hash + 1);
}

// The message of an error response ("message", or "Message" for
// SerializationException), "" if none.
inline std::string ErrorMessage(const json& response) {
  if (response.contains("message")) return response["message"].get<std::string>();
  if (response.contains("Message")) return response["Message"].get<std::string>();
  return "";
}

// Default test clock: 2024-01-02T03:04:05.678Z.
constexpr int64_t kTestNowMs = 1704164645678;

// The exception name most error tests expect.
constexpr char kValidationException[] = "ValidationException";

class TestDb {
 public:
  TestDb() : engine_(Engine::Create().value()) {
    engine_->set_clock([] { return kTestNowMs; });
  }
  explicit TestDb(std::unique_ptr<Engine> engine) : engine_(std::move(engine)) {
    engine_->set_clock([] { return kTestNowMs; });
  }

  Engine& engine() { return *engine_; }

  // Runs the operation on raw text and parses the response.
  json ExecRaw(const std::string& op, const std::string& body) {
    std::string out = engine_->Execute(op, body);
    json parsed = json::parse(out, nullptr, false);
    REQUIRE_MESSAGE(!parsed.is_discarded(), "response is not JSON: " << out);
    // Responses written as text (api/response_text.h) must be byte for byte
    // what dump() writes: members in name order, dump()'s escaping.
    REQUIRE_MESSAGE(parsed.dump() == out, "response is not in dump()'s form: " << out);
    return parsed;
  }
  json Exec(const std::string& op, const json& request) { return ExecRaw(op, request.dump()); }

  // Runs the operation and requires success.
  json Ok(const std::string& op, const json& request) {
    json r = Exec(op, request);
    REQUIRE_MESSAGE(ErrorType(r).empty(), op << " " << request.dump() << " -> " << r.dump());
    return r;
  }

  // Runs the operation and checks it fails with this exception name and message.
  void ExpectError(const std::string& op, const json& request, const std::string& type,
                   const std::string& message) {
    json r = Exec(op, request);
    CHECK_MESSAGE(ErrorType(r) == type, op << " " << request.dump() << " -> " << r.dump());
    CHECK_MESSAGE(ErrorMessage(r) == message, op << " " << request.dump() << " -> " << r.dump());
  }

  // CreateTable with a hash key (and optional range key), PAY_PER_REQUEST.
  json CreateTable(const std::string& name, const std::string& pk, const std::string& pk_type,
                   const std::string& sk = "", const std::string& sk_type = "S") {
    json request = {{"TableName", name},
                    {"BillingMode", "PAY_PER_REQUEST"},
                    {"KeySchema", json::array({{{"AttributeName", pk}, {"KeyType", "HASH"}}})},
                    {"AttributeDefinitions",
                     json::array({{{"AttributeName", pk}, {"AttributeType", pk_type}}})}};
    if (!sk.empty()) {
      request["KeySchema"].push_back({{"AttributeName", sk}, {"KeyType", "RANGE"}});
      request["AttributeDefinitions"].push_back(
          {{"AttributeName", sk}, {"AttributeType", sk_type}});
    }
    return Ok("CreateTable", request);
  }

  // PutItem of a DynamoDB-JSON item.
  json Put(const std::string& table, const json& item) {
    return Ok("PutItem", {{"TableName", table}, {"Item", item}});
  }

  // GetItem (consistent) of a key; returns the Item member or null when absent.
  json Get(const std::string& table, const json& key) {
    json r = Ok("GetItem", {{"TableName", table}, {"Key", key}, {"ConsistentRead", true}});
    return r.contains("Item") ? r["Item"] : json();
  }

  // DescribeTable's Table object.
  json Describe(const std::string& table) {
    return Ok("DescribeTable", {{"TableName", table}})["Table"];
  }

  // Commits pending changes and marks them durable, so SnapshotImages works.
  void CommitAll() {
    if (engine_->has_pending_commit()) engine_->MarkDurable(engine_->TakeCommit().lsn);
  }

  // Checker result as text ("OK" when consistent).
  std::string CheckText() { return engine_->Check().ToString(); }

 private:
  std::unique_ptr<Engine> engine_;  // the database under test
};

// {"S": s}, {"N": n}, {"B": base64}.
inline json S(const std::string& s) { return {{"S", s}}; }
inline json N(const std::string& n) { return {{"N", n}}; }
inline json B(const std::string& base64) { return {{"B", base64}}; }

}  // namespace testing
}  // namespace pd

#endif  // PD_TESTS_CPP_SUPPORT_TEST_UTIL_H_

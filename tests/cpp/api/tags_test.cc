// TagResource / UntagResource / ListTagsOfResource through Engine::Execute:
// DynamoDB's errors in its order (core/api/ops/tags.cc), the ARN checks as
// DynamoDB answers them, and a failed request changing nothing. (The tags'
// behaviour and persistence: tests/cpp/engine/tags_settings_test.cc.)
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "support/test_util.h"

namespace pd {
namespace testing {
namespace {

const std::string v = "ValidationException";
const std::string kArn = "arn:aws:dynamodb:local:000000000000:table/Tbl";

json Tags(std::initializer_list<std::pair<const char*, const char*>> tags) {
  json out = json::array();
  for (const auto& kv : tags) out.push_back({{"Key", kv.first}, {"Value", kv.second}});
  return out;
}

json List(TestDb& db, const std::string& arn = kArn) {
  return db.Ok("ListTagsOfResource", {{"ResourceArn", arn}})["Tags"];
}

// The three operations' requests for `arn`, with one tag / key.
std::vector<std::pair<std::string, json>> Requests(const std::string& arn) {
  return {{"TagResource", {{"ResourceArn", arn}, {"Tags", Tags({{"a", "b"}})}}},
          {"UntagResource", {{"ResourceArn", arn}, {"TagKeys", {"a"}}}},
          {"ListTagsOfResource", {{"ResourceArn", arn}}}};
}

TEST_CASE("tags: an ARN's error says which part is wrong, as DynamoDB's does") {
  TestDb db;
  db.CreateTable("Tbl", "pk", "S");
  db.Ok("TagResource", {{"ResourceArn", kArn}, {"Tags", Tags({{"keep", "1"}})}});
  const std::string invalid = "One or more parameter values were invalid: ";
  for (const auto& [op, request] : Requests("")) {
    db.ExpectError(op, request, v,
                   "1 validation error detected: Value '' at 'resourceArn' failed to satisfy "
                   "constraint: Member must have length greater than or equal to 1");
  }
  for (const std::string bad : {"Tbl", "table/Tbl", "ARN:aws:dynamodb"}) {
    for (const auto& [op, request] : Requests(bad)) {
      db.ExpectError(op, request, v, invalid + "ARNs must start with 'arn:': " + bad);
    }
  }
  for (const std::string bad :
       {"arn:aws:s3:::bucket", "arn:aws:s3:local:000000000000:table/Tbl", "arn:aws:dynamodb",
        "arn:aws:dynamodb:local:000000000000",
        "arn:aws:dynamodb:local:000000000000:", "arn:aws-cn:dynamodb:local:000000000000:table/Tbl",
        // another account, before its region is looked at
        "arn:aws:dynamodb:local:111122223333:table/Tbl",
        "arn:aws:dynamodb:us-east-1:111122223333:table/Tbl"}) {
    for (const auto& [op, request] : Requests(bad)) {
      db.ExpectError(
          op, request, "AccessDeniedException",
          "User: arn:aws:iam::000000000000:root is not authorized to perform: dynamodb:" + op +
              " on resource: " + bad);
    }
  }
  for (const std::string bad : {"arn:aws:dynamodb:local:000000000000:backup/x",
                                "arn:aws:dynamodb:local:000000000000:table/Tbl/backup/01-a",
                                "arn:aws:dynamodb:local:000000000000:global-table/Tbl"}) {
    for (const auto& [op, request] : Requests(bad)) {
      db.ExpectError(op, request, v,
                     invalid + "Provided Arn is not a DynamoDB resource arn: " + bad);
    }
  }
  const std::string index = "arn:aws:dynamodb:local:000000000000:table/Tbl/index/byX";
  for (const auto& [op, request] : Requests(index)) {
    db.ExpectError(op, request, v,
                   invalid +
                       "Invalid resource arn provided, only table or stream is accepted. "
                       "Provided resource arn: " +
                       index);
  }
  for (const std::string bad : {"arn:aws:dynamodb:us-east-1:000000000000:table/Tbl",
                                "arn:aws:dynamodb:local:000000000000:table/a;b",
                                "arn:aws:dynamodb:local:000000000000:table/ab",
                                "arn:aws:dynamodb:local:000000000000:table/",
                                "arn:aws:dynamodb:local:000000000000:table/Tbl/stream/2026"}) {
    for (const auto& [op, request] : Requests(bad)) {
      db.ExpectError(op, request, v,
                     "Invalid TableArn: Invalid ResourceArn provided as input " + bad);
    }
  }
  const std::string missing = "arn:aws:dynamodb:local:000000000000:table/Nope";
  db.ExpectError("TagResource", Requests(missing)[0].second, "ResourceNotFoundException",
                 "Requested resource not found: ResourceArn: " + missing + " not found");
  db.ExpectError("ListTagsOfResource", Requests(missing)[2].second, "ResourceNotFoundException",
                 "Requested resource not found: ResourceArn: " + missing + " not found");
  db.ExpectError("UntagResource", Requests(missing)[1].second, "ResourceNotFoundException",
                 "Requested resource not found");
  CHECK(List(db) == Tags({{"keep", "1"}}));
}

TEST_CASE("tags: DynamoDB's errors in its order, and the 50-tag limit") {
  TestDb db;
  db.CreateTable("Tbl", "pk", "S");
  db.ExpectError("TagResource", {{"Tags", Tags({{"a", "b"}})}}, v, "Invalid TableArn");
  db.ExpectError("TagResource", {{"ResourceArn", kArn}}, v,
                 "1 validation error detected: Value null at 'tags' failed to satisfy "
                 "constraint: Member must not be null");
  db.ExpectError("UntagResource", {{"ResourceArn", kArn}}, v,
                 "1 validation error detected: Value null at 'tagKeys' failed to satisfy "
                 "constraint: Member must not be null");
  // The ARN before an empty list, the empty list before the table.
  db.ExpectError("TagResource", {{"ResourceArn", "x"}, {"Tags", json::array()}}, v,
                 "One or more parameter values were invalid: ARNs must start with 'arn:': x");
  const std::string missing = "arn:aws:dynamodb:local:000000000000:table/Nope";
  db.ExpectError("TagResource", {{"ResourceArn", missing}, {"Tags", json::array()}}, v,
                 "Atleast one Tag needs to be provided as Input.");
  db.ExpectError("UntagResource", {{"ResourceArn", kArn}, {"TagKeys", json::array()}}, v,
                 "Atleast one Tag Key needs to be provided as Input.");
  // Lengths (key 1-128, value 0-256) and characters: tag by tag, the key
  // first (the tests below).
  db.ExpectError("TagResource",
                 {{"ResourceArn", kArn}, {"Tags", Tags({{"", std::string(257, 'v').c_str()}})}}, v,
                 "The Tag Key provided is invalid, Key: ");
  // A key twice in one request, and the reserved "aws:" prefix (any case,
  // in TagKeys too), fail the whole request before the table is looked up.
  db.ExpectError("TagResource",
                 {{"ResourceArn", missing}, {"Tags", Tags({{"a", "1"}, {"a", "2"}})}}, v,
                 "Duplicate Tag Keys provided as input: Duplicate Tag Key found a");
  db.ExpectError("TagResource",
                 {{"ResourceArn", kArn}, {"Tags", Tags({{"ok", "1"}, {"AWS:x", ""}})}}, v,
                 "Tag Key cannot be prefixed with aws:, Key: AWS:x");
  db.ExpectError("UntagResource", {{"ResourceArn", kArn}, {"TagKeys", {"aws:x"}}}, v,
                 "Tag Key cannot be prefixed with aws:, Key: aws:x");
  db.Ok("TagResource", {{"ResourceArn", kArn}, {"Tags", Tags({{"myaws:x", "1"}, {"aws", "2"}})}});
  CHECK(List(db) == Tags({{"myaws:x", "1"}, {"aws", "2"}}));
  db.Ok("UntagResource", {{"ResourceArn", kArn}, {"TagKeys", {"myaws:x", "aws"}}});
  // 50 tags at most, counting the ones the table has; a failed request
  // changes nothing. UntagResource takes 50 keys at most.
  const std::string limit = "Number of Tags exceed the current limit for the provided ResourceArn";
  json fifty = json::array();
  json fifty_one_keys = json::array();
  for (int i = 0; i < 50; ++i) fifty.push_back({{"Key", "k" + std::to_string(i)}, {"Value", "v"}});
  for (int i = 0; i < 51; ++i) fifty_one_keys.push_back("k" + std::to_string(i));
  db.Ok("TagResource", {{"ResourceArn", kArn}, {"Tags", fifty}});
  db.Ok("TagResource", {{"ResourceArn", kArn}, {"Tags", Tags({{"k7", "again"}})}});  // a rewrite
  db.ExpectError("TagResource", {{"ResourceArn", kArn}, {"Tags", Tags({{"k50", "v"}})}}, v, limit);
  db.ExpectError("TagResource",
                 {{"ResourceArn", kArn}, {"Tags", Tags({{"k7", "x"}, {"k50", "v"}})}}, v, limit);
  db.ExpectError("UntagResource", {{"ResourceArn", kArn}, {"TagKeys", fifty_one_keys}}, v, limit);
  CHECK(List(db).size() == 50);
  CHECK(List(db)[7] == json{{"Key", "k7"}, {"Value", "again"}});
  db.ExpectError("ListTagsOfResource", {{"ResourceArn", kArn}, {"NextToken", "x"}}, v,
                 "Invalid NextToken: x");
  // A restored table starts without tags (as DynamoDB restores them).
  const std::string backup = db.Ok(
      "CreateBackup", {{"TableName", "Tbl"}, {"BackupName", "bk1"}})["BackupDetails"]["BackupArn"];
  db.Ok("RestoreTableFromBackup", {{"TargetTableName", "Tbl2"}, {"BackupArn", backup}});
  CHECK(List(db, "arn:aws:dynamodb:local:000000000000:table/Tbl2") == json::array());
}

// DynamoDB's tag character set: the AWS tag pattern
// ^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$, lengths in UTF-16 code units, its texts
// as observed in 2026 (ack-api-quirks DDB-TABLE-106/107/372); a rejected
// request changes nothing.
TEST_CASE("tags: keys and values of DynamoDB's character set and lengths") {
  TestDb db;
  db.CreateTable("Tbl", "pk", "S");
  const std::string alef = "\u05D0";        // a letter, 1 UTF-16 code unit
  const std::string math_a = "\U0001D400";  // a letter outside the BMP: 2 code units
  std::string alef128, alef256, math64, math65;
  for (int i = 0; i < 128; ++i) alef128 += alef;
  for (int i = 0; i < 256; ++i) alef256 += alef;
  for (int i = 0; i < 64; ++i) math64 += math_a;
  math65 = math64 + math_a;
  const json good = json::array({{{"Key", "sp ace"}, {"Value", "a b+c-d=e.f_g:h/i@j"}},
                                 {{"Key", "\u043A\u043B\u044E\u0447"}, {"Value", "caf\u00E9"}},
                                 {{"Key", "\u8868"}, {"Value", "nb\u00A0sp\u3000"}},
                                 {{"Key", "\u00B2\u2167\u0663"}, {"Value", ""}},
                                 {{"Key", alef128}, {"Value", alef256}},
                                 {{"Key", math64}, {"Value", std::string(256, 'v')}},
                                 {{"Key", std::string(128, 'k')}, {"Value", " "}}});
  db.Ok("TagResource", {{"ResourceArn", kArn}, {"Tags", good}});
  CHECK(List(db) == good);
  const std::string key = "The Tag Key provided is invalid, Key: ";
  const std::string value = "The Tag Value provided is invalid, Value: ";
  for (const std::string& bad :
       {std::string("bad#char"), std::string("\U0001F511"), std::string("100%"), std::string("a,b"),
        std::string("it's"), std::string("\"q\""), std::string("(x)"), std::string("a&b"),
        std::string("a*b"), std::string("a;b"), std::string("a?b"), std::string("a|b"),
        std::string("a\\b"), std::string("<a>"), std::string("~a"), std::string("tab\there"),
        std::string("new\nline"), std::string("\u00A9"), std::string(257, 'x')}) {
    if (bad.size() <= 128) {
      db.ExpectError(
          "TagResource",
          {{"ResourceArn", kArn}, {"Tags", json::array({{{"Key", bad}, {"Value", "v"}}})}}, v,
          key + bad);
    }
    db.ExpectError("TagResource",
                   {{"ResourceArn", kArn}, {"Tags", json::array({{{"Key", "k"}, {"Value", bad}}})}},
                   v, value + bad);
  }
  for (const std::string& bad : {std::string(), std::string(129, 'k'), math65}) {
    db.ExpectError("TagResource",
                   {{"ResourceArn", kArn}, {"Tags", json::array({{{"Key", bad}, {"Value", "v"}}})}},
                   v, key + bad);
    db.ExpectError("UntagResource", {{"ResourceArn", kArn}, {"TagKeys", {bad}}}, v, key + bad);
  }
  db.ExpectError("UntagResource", {{"ResourceArn", kArn}, {"TagKeys", {"ok", "a%b"}}}, v,
                 key + "a%b");
  // An absent Key or Value is "null"; a bad tag after a good one fails all.
  db.ExpectError("TagResource", {{"ResourceArn", kArn}, {"Tags", json::array({{{"Value", "v"}}})}},
                 v, key + "null");
  db.ExpectError("TagResource", {{"ResourceArn", kArn}, {"Tags", json::array({{{"Key", "k"}}})}}, v,
                 value + "null");
  db.ExpectError(
      "TagResource",
      {{"ResourceArn", kArn}, {"Tags", Tags({{"new", "1"}, {"k", std::string(257, 'v').c_str()}})}},
      v, value + std::string(257, 'v'));
  // The key's checks before its value's, then the prefix, then duplicates.
  db.ExpectError("TagResource", {{"ResourceArn", kArn}, {"Tags", Tags({{"aws:a#", "#"}})}}, v,
                 key + "aws:a#");
  db.ExpectError("TagResource", {{"ResourceArn", kArn}, {"Tags", Tags({{"aws:a", "#"}})}}, v,
                 value + "#");
  db.ExpectError("TagResource",
                 {{"ResourceArn", kArn}, {"Tags", Tags({{"d", "1"}, {"d", "2"}, {"aws:x", ""}})}},
                 v, "Duplicate Tag Keys provided as input: Duplicate Tag Key found d");
  CHECK(List(db) == good);
}

// A stream's ARN is its own tag slot in DynamoDB (DDB-TABLE-373); pocketdynamo
// keeps no tags on streams and says so rather than tagging the table.
TEST_CASE("tags: a stream's ARN") {
  TestDb db;
  db.CreateTable("Tbl", "pk", "S");
  db.Ok("TagResource", {{"ResourceArn", kArn}, {"Tags", Tags({{"keep", "1"}})}});
  const json updated =
      db.Ok("UpdateTable",
            {{"TableName", "Tbl"},
             {"StreamSpecification", {{"StreamEnabled", true}, {"StreamViewType", "KEYS_ONLY"}}}});
  const std::string stream = updated["TableDescription"]["LatestStreamArn"];
  CHECK(db.Ok("ListTagsOfResource", {{"ResourceArn", stream}}) == json{{"Tags", json::array()}});
  db.Ok("UntagResource", {{"ResourceArn", stream}, {"TagKeys", {"keep"}}});
  db.ExpectError("TagResource", {{"ResourceArn", stream}, {"Tags", Tags({{"a", "b"}})}}, v,
                 "pocketdynamo keeps no tags on streams (DynamoDB tags a stream apart from its "
                 "table): " +
                     stream);
  // Its tags are checked like a table's first.
  db.ExpectError("TagResource", {{"ResourceArn", stream}, {"Tags", Tags({{"a#", "b"}})}}, v,
                 "The Tag Key provided is invalid, Key: a#");
  CHECK(List(db) == Tags({{"keep", "1"}}));
  // A stream this database does not have.
  const std::string missing = kArn + "/stream/2020-01-01T00:00:00.000";
  db.ExpectError("ListTagsOfResource", {{"ResourceArn", missing}}, "ResourceNotFoundException",
                 "Requested resource not found: ResourceArn: " + missing + " not found");
  db.ExpectError("TagResource", {{"ResourceArn", missing}, {"Tags", Tags({{"a", "b"}})}},
                 "ResourceNotFoundException",
                 "Requested resource not found: ResourceArn: " + missing + " not found");
  db.ExpectError("UntagResource", {{"ResourceArn", missing}, {"TagKeys", {"a"}}},
                 "ResourceNotFoundException", "Requested resource not found");
}

}  // namespace
}  // namespace testing
}  // namespace pd

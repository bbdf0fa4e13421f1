// ApplyUpdate: SET (arithmetic, if_not_exists, list_append, nested paths,
// list appends), REMOVE (list index semantics), ADD, DELETE, DynamoDB's
// runtime errors, and the paths reported for UPDATED_OLD / UPDATED_NEW.
#include "expr/update.h"

#include <doctest/doctest.h>

#include <string>

#include "expr/check.h"
#include "expr/projection.h"
#include "expr_test_util.h"

namespace pd {
namespace expr {
namespace {

using testing::Canonical;
using testing::ItemOf;
using testing::JsonOf;

const char kUpdateValues[] = R"({
  ":v": {"S": "new"}, ":w": {"S": "w"}, ":1": {"N": "1"}, ":2": {"N": "2"}, ":01": {"N": "0.1"},
  ":02": {"N": "0.2"}, ":neg": {"N": "-7.5"},
  ":big": {"N": "9.9999999999999999999999999999999999999E+125"},
  ":e37": {"N": "1E+37"}, ":s": {"S": "text"}, ":l": {"L": [{"S": "y"}, {"S": "z"}]},
  ":l0": {"L": [{"S": "a0"}]}, ":empty": {"L": []}, ":ss": {"SS": ["b", "c"]},
  ":ss2": {"SS": ["a", "x"]}, ":ns": {"NS": ["3", "1"]}, ":bs": {"BS": ["AQ=="]},
  ":m": {"M": {"k": {"N": "1"}}}, ":t": {"BOOL": false}
})";

// Applies `update` to `item_json`; returns the new item as JSON, or the error
// message (then also checks that the item did not change).
std::string Apply(const std::string& update, const std::string& item_json,
                  UpdateResult* result = nullptr) {
  static const ValueMap values = ItemOf(kUpdateValues);
  Result<UpdateExpression> u = ParseAndCheckUpdate(update, CheckContext{nullptr, &values, nullptr});
  REQUIRE_MESSAGE(u.ok(), u.status().message());
  Item item = ItemOf(item_json);
  const Item before = item;
  Status s = ApplyUpdate(*u, &item, result);
  if (!s.ok()) {
    CHECK(item == before);
    return s.message();
  }
  return JsonOf(item);
}

using testing::J;

const char kMissing[] =
    "The provided expression refers to an attribute that does not exist in the item";
const char kType[] = "An operand in the update expression has an incorrect data type";
const char kPath[] = "The document path provided in the update expression is invalid for update";

TEST_CASE("update: SET values, nested paths and their parents") {
  CHECK(Apply("SET a = :v", "{}") == J(R"({"a": {"S": "new"}})"));
  CHECK(Apply("SET a = :v", R"({"a": {"N": "1"}})") == J(R"({"a": {"S": "new"}})"));
  CHECK(Apply("SET a = :v, b = :w", R"({"c": {"N": "1"}})") ==
        J(R"({"a": {"S": "new"}, "b": {"S": "w"}, "c": {"N": "1"}})"));
  CHECK(Apply("SET m.k = :v", R"({"m": {"M": {}}})") == J(R"({"m": {"M": {"k": {"S": "new"}}}})"));
  CHECK(Apply("SET m.n.k = :v", R"({"m": {"M": {"n": {"M": {"k": {"N": "1"}}}}}})") ==
        J(R"({"m": {"M": {"n": {"M": {"k": {"S": "new"}}}}}})"));
  CHECK(Apply("SET a = :m, b = a", R"({"a": {"N": "1"}})") ==
        J(R"({"a": {"M": {"k": {"N": "1"}}}, "b": {"N": "1"}})"));
  // The parent must exist, and be a map for a name step / a list for an index.
  CHECK(Apply("SET m.k = :v", "{}") == kPath);
  CHECK(Apply("SET m.n.k = :v", R"({"m": {"M": {}}})") == kPath);
  CHECK(Apply("SET m.k = :v", R"({"m": {"L": []}})") == kPath);
  CHECK(Apply("SET m[0] = :v", R"({"m": {"M": {}}})") == kPath);
  CHECK(Apply("SET a.b = :v", R"({"a": {"S": "x"}})") == kPath);
  // Values come from the item as it was before the update: a swap works.
  CHECK(Apply("SET a = b, b = a", R"({"a": {"S": "A"}, "b": {"S": "B"}})") ==
        J(R"({"a": {"S": "B"}, "b": {"S": "A"}})"));
  CHECK(Apply("SET a = b", R"({"a": {"S": "A"}})") == kMissing);
  CHECK(Apply("SET a = m.x", R"({"m": {"M": {}}})") == kMissing);
}

TEST_CASE("update: SET on list elements; past the end appends in index order") {
  const char* list = R"({"l": {"L": [{"S": "a"}, {"S": "b"}, {"S": "c"}]}})";
  CHECK(Apply("SET l[1] = :v", list) ==
        J(R"({"l": {"L": [{"S": "a"}, {"S": "new"}, {"S": "c"}]}})"));
  CHECK(Apply("SET l[3] = :v", list) ==
        J(R"({"l": {"L": [{"S": "a"}, {"S": "b"}, {"S": "c"}, {"S": "new"}]}})"));
  CHECK(Apply("SET l[99] = :v", list) ==
        J(R"({"l": {"L": [{"S": "a"}, {"S": "b"}, {"S": "c"}, {"S": "new"}]}})"));
  CHECK(Apply("SET l[20] = :v, l[10] = :w", list) ==
        J(R"({"l": {"L": [{"S": "a"}, {"S": "b"}, {"S": "c"}, {"S": "w"}, {"S": "new"}]}})"));
  CHECK(Apply("SET l[0] = :w, l[7] = :v", list) ==
        J(R"({"l": {"L": [{"S": "w"}, {"S": "b"}, {"S": "c"}, {"S": "new"}]}})"));
  CHECK(Apply("SET l[1].k = :v", R"({"l": {"L": [{"N": "0"}, {"M": {}}]}})") ==
        J(R"({"l": {"L": [{"N": "0"}, {"M": {"k": {"S": "new"}}}]}})"));
  CHECK(Apply("SET l[2].k = :v", R"({"l": {"L": [{"N": "0"}, {"M": {}}]}})") == kPath);
  CHECK(Apply("SET l[0] = :v", "{}") == kPath);
}

TEST_CASE("update: SET arithmetic is exact decimal arithmetic") {
  CHECK(Apply("SET n = n + :01", R"({"n": {"N": "0.2"}})") == J(R"({"n": {"N": "0.3"}})"));
  CHECK(Apply("SET n = :01 + :02", "{}") == J(R"({"n": {"N": "0.3"}})"));
  CHECK(Apply("SET n = n - :neg", R"({"n": {"N": "2.5"}})") == J(R"({"n": {"N": "10"}})"));
  CHECK(Apply("SET n = n - :1", R"({"n": {"N": "1"}})") == J(R"({"n": {"N": "0"}})"));
  CHECK(Apply("SET n = m + n", R"({"n": {"N": "4"}, "m": {"N": "-4.25"}})") ==
        J(R"({"m": {"N": "-4.25"}, "n": {"N": "-0.25"}})"));
  CHECK(Apply("SET n = n + :1", "{}") == kMissing);
  CHECK(Apply("SET n = n + :1", R"({"n": {"S": "1"}})") == kType);
  CHECK(Apply("SET n = :1 - s", R"({"s": {"SS": ["1"]}})") == kType);
  CHECK(Apply("SET n = n + :big", R"({"n": {"N": "1E+125"}})") ==
        "Number overflow. Attempting to store a number with magnitude larger than supported range");
  // A result needing more than 38 significant digits is an overflow, as
  // DynamoDB words it for arithmetic.
  CHECK(Apply("SET n = n + :01", R"({"n": {"N": "1E+37"}})") ==
        "Number overflow. Attempting to store a number with magnitude larger than supported range");
  CHECK(Apply("SET n = n - :01", R"({"n": {"N": "1E+38"}})") ==
        "Number overflow. Attempting to store a number with magnitude larger than supported range");
  CHECK(Apply("SET n = if_not_exists(n, :1) + :2", "{}") == J(R"({"n": {"N": "3"}})"));
  CHECK(Apply("SET n = if_not_exists(n, :1) + :2", R"({"n": {"N": "10"}})") ==
        J(R"({"n": {"N": "12"}})"));
}

TEST_CASE("update: if_not_exists and list_append") {
  CHECK(Apply("SET a = if_not_exists(a, :v)", "{}") == J(R"({"a": {"S": "new"}})"));
  CHECK(Apply("SET a = if_not_exists(a, :v)", R"({"a": {"N": "1"}})") == J(R"({"a": {"N": "1"}})"));
  CHECK(Apply("SET a = if_not_exists(b, c)", R"({"b": {"N": "1"}})") ==
        J(R"({"a": {"N": "1"}, "b": {"N": "1"}})"));  // c is not needed, so not missing
  CHECK(Apply("SET a = if_not_exists(b, c)", "{}") == kMissing);
  CHECK(Apply("SET l = list_append(l, :l)", R"({"l": {"L": [{"S": "x"}]}})") ==
        J(R"({"l": {"L": [{"S": "x"}, {"S": "y"}, {"S": "z"}]}})"));
  CHECK(Apply("SET l = list_append(:l0, l)", R"({"l": {"L": [{"S": "x"}]}})") ==
        J(R"({"l": {"L": [{"S": "a0"}, {"S": "x"}]}})"));
  CHECK(Apply("SET l = list_append(if_not_exists(l, :empty), :l0)", "{}") ==
        J(R"({"l": {"L": [{"S": "a0"}]}})"));
  CHECK(Apply("SET l = list_append(l, :l)", "{}") == kMissing);
  CHECK(Apply("SET l = list_append(l, :l)", R"({"l": {"S": "x"}})") == kType);
  CHECK(Apply("SET l = list_append(:l, s)", R"({"s": {"SS": ["x"]}})") == kType);
}

TEST_CASE("update: REMOVE attributes, map entries and list elements") {
  CHECK(Apply("REMOVE a, nope", R"({"a": {"N": "1"}, "b": {"N": "2"}})") ==
        J(R"({"b": {"N": "2"}})"));
  CHECK(Apply("REMOVE m.k", R"({"m": {"M": {"k": {"N": "1"}, "j": {"N": "2"}}}})") ==
        J(R"({"m": {"M": {"j": {"N": "2"}}}})"));
  CHECK(Apply("REMOVE m.nope", R"({"m": {"M": {}}})") == J(R"({"m": {"M": {}}})"));
  const char* list =
      R"({"l": {"L": [{"S": "Chisel"}, {"S": "Hammer"}, {"S": "Nails"}, {"S": "Screwdriver"},
                      {"S": "Hacksaw"}]}})";
  // The developer guide's example: indexes refer to the list before the update.
  CHECK(Apply("REMOVE l[1], l[2]", list) ==
        J(R"({"l": {"L": [{"S": "Chisel"}, {"S": "Screwdriver"}, {"S": "Hacksaw"}]}})"));
  CHECK(Apply("REMOVE l[2], l[1]", list) ==
        J(R"({"l": {"L": [{"S": "Chisel"}, {"S": "Screwdriver"}, {"S": "Hacksaw"}]}})"));
  CHECK(Apply("REMOVE l[0], l[4], l[9]", list) ==
        J(R"({"l": {"L": [{"S": "Hammer"}, {"S": "Nails"}, {"S": "Screwdriver"}]}})"));
  CHECK(
      Apply("SET l[1] = :v REMOVE l[0]", list) ==
      J(R"({"l": {"L": [{"S": "new"}, {"S": "Nails"}, {"S": "Screwdriver"}, {"S": "Hacksaw"}]}})"));
  // REMOVE refers to the list before the update, not to elements SET appends.
  CHECK(Apply("SET l[7] = :v REMOVE l[5]", list) ==
        J(R"({"l": {"L": [{"S": "Chisel"}, {"S": "Hammer"}, {"S": "Nails"}, {"S": "Screwdriver"},
                          {"S": "Hacksaw"}, {"S": "new"}]}})"));
  CHECK(Apply("SET l[7] = :v REMOVE l[4]", list) ==
        J(R"({"l": {"L": [{"S": "Chisel"}, {"S": "Hammer"}, {"S": "Nails"}, {"S": "Screwdriver"},
                          {"S": "new"}]}})"));
  CHECK(Apply("REMOVE l[0].x, l[1]", R"({"l": {"L": [{"M": {"x": {"N": "1"}}}, {"N": "2"}]}})") ==
        J(R"({"l": {"L": [{"M": {}}]}})"));
  CHECK(Apply("REMOVE m.k", "{}") == kPath);
  CHECK(Apply("REMOVE l[0]", R"({"l": {"M": {}}})") == kPath);
}

TEST_CASE("update: ADD numbers and sets") {
  CHECK(Apply("ADD n :2", "{}") == J(R"({"n": {"N": "2"}})"));
  CHECK(Apply("ADD n :neg", R"({"n": {"N": "10"}})") == J(R"({"n": {"N": "2.5"}})"));
  CHECK(Apply("ADD s :ss", "{}") == J(R"({"s": {"SS": ["b", "c"]}})"));
  CHECK(Apply("ADD s :ss", R"({"s": {"SS": ["a", "b"]}})") ==
        J(R"({"s": {"SS": ["a", "b", "c"]}})"));
  CHECK(Apply("ADD s :ns", R"({"s": {"NS": ["1.0", "2"]}})") ==
        J(R"({"s": {"NS": ["1", "2", "3"]}})"));
  CHECK(Apply("ADD s :bs", R"({"s": {"BS": ["Ag=="]}})") ==
        J(R"({"s": {"BS": ["AQ==", "Ag=="]}})"));
  CHECK(Apply("ADD m.n :1", R"({"m": {"M": {"n": {"N": "41"}}}})") ==
        J(R"({"m": {"M": {"n": {"N": "42"}}}})"));
  CHECK(Apply("ADD n :1", R"({"n": {"S": "1"}})") == kType);
  CHECK(Apply("ADD s :ss", R"({"s": {"NS": ["1"]}})") == kType);
  CHECK(Apply("ADD s :ss", R"({"s": {"L": []}})") == kType);
  CHECK(Apply("ADD n :2", R"({"n": {"SS": ["x"]}})") == kType);
  CHECK(Apply("ADD m.n :1", "{}") == kPath);
  CHECK(Apply("ADD n :big", R"({"n": {"N": "1E+125"}})") ==
        "Number overflow. Attempting to store a number with magnitude larger than supported range");
  CHECK(Apply("ADD n :01", R"({"n": {"N": "1E+37"}})") ==
        "Number overflow. Attempting to store a number with magnitude larger than supported range");
}

TEST_CASE("update: DELETE set elements") {
  CHECK(Apply("DELETE s :ss", R"({"s": {"SS": ["a", "b", "c"]}})") == J(R"({"s": {"SS": ["a"]}})"));
  CHECK(Apply("DELETE s :ss2", R"({"s": {"SS": ["a", "b"]}})") == J(R"({"s": {"SS": ["b"]}})"));
  CHECK(Apply("DELETE s :ss", R"({"s": {"SS": ["b", "c"]}, "k": {"N": "1"}})") ==
        J(R"({"k": {"N": "1"}})"));  // an emptied set disappears
  CHECK(Apply("DELETE s :ns", R"({"s": {"NS": ["1.00", "2"]}})") == J(R"({"s": {"NS": ["2"]}})"));
  CHECK(Apply("DELETE s :ss", "{}") == "{}");
  CHECK(Apply("DELETE s :ss", R"({"s": {"NS": ["1"]}})") == kType);
  CHECK(Apply("DELETE s :ss", R"({"s": {"S": "b"}})") == kType);
  CHECK(Apply("DELETE m.s :ss", R"({"m": {"M": {"s": {"SS": ["c", "d"]}}}})") ==
        J(R"({"m": {"M": {"s": {"SS": ["d"]}}}})"));
}

TEST_CASE("update: all clauses together; errors leave the item unchanged") {
  CHECK(Apply("SET a = :v, n = n + :1 REMOVE gone ADD s :ss, c :2 DELETE d :ss2",
              R"({"n": {"N": "1"}, "gone": {"BOOL": true}, "d": {"SS": ["a", "q"]}})") ==
        J(R"({"a": {"S": "new"}, "c": {"N": "2"}, "d": {"SS": ["q"]}, "n": {"N": "2"},
              "s": {"SS": ["b", "c"]}})"));
  // Apply() checks the item is unchanged whenever an error is returned.
  CHECK(Apply("SET a = :v REMOVE b ADD c :1", R"({"b": {"N": "1"}, "c": {"S": "x"}})") == kType);
  CHECK(Apply("SET a = :v, x.y = :w", R"({"b": {"N": "1"}})") == kPath);
  CHECK(Apply("REMOVE b SET a = nope", R"({"b": {"N": "1"}})") == kMissing);
}

TEST_CASE("update: paths reported for UPDATED_OLD and UPDATED_NEW") {
  static const ValueMap values = ItemOf(kUpdateValues);
  const char* old_json =
      R"({"a": {"N": "1"}, "l": {"L": [{"S": "x0"}, {"S": "x1"}, {"S": "x2"}]},
          "r": {"S": "gone"}, "k": {"S": "key"}})";
  Result<UpdateExpression> u =
      ParseAndCheckUpdate("SET a = a + :1, l[9] = :v, l[1] = :w REMOVE r, l[0]",
                          CheckContext{nullptr, &values, nullptr});
  REQUIRE(u.ok());
  const Item old_item = ItemOf(old_json);
  Item item = old_item;
  UpdateResult result;
  REQUIRE(ApplyUpdate(*u, &item, &result).ok());
  CHECK(JsonOf(item) == J(R"({"a": {"N": "2"}, "k": {"S": "key"},
             "l": {"L": [{"S": "w"}, {"S": "x2"}, {"S": "new"}]}})"));
  REQUIRE(result.old_paths.size() == 5);
  REQUIRE(result.new_paths.size() == 3);
  // UPDATED_OLD: the old values at the paths as written.
  CHECK(JsonOf(Project(old_item, result.old_paths)) ==
        J(R"({"a": {"N": "1"}, "l": {"L": [{"S": "x0"}, {"S": "x1"}]}, "r": {"S": "gone"}})"));
  // UPDATED_NEW: where the new values are (the append landed at [2] once
  // l[0] was removed; l[1] moved to [0]).
  CHECK(JsonOf(Project(item, result.new_paths)) ==
        J(R"({"a": {"N": "2"}, "l": {"L": [{"S": "w"}, {"S": "new"}]}})"));
}

}  // namespace
}  // namespace expr
}  // namespace pd

// Project: document paths out of an item, with nested maps, list indexes
// (kept in list order) and merging of paths into the same container.
#include "expr/projection.h"

#include <doctest/doctest.h>

#include <string>

#include "expr/check.h"
#include "expr_test_util.h"

namespace pd {
namespace expr {
namespace {

using testing::Canonical;
using testing::ItemOf;
using testing::JsonOf;

const char kProjectionItem[] = R"({
  "id": {"S": "p1"},
  "price": {"N": "52"},
  "m": {"M": {"a": {"N": "1"}, "b": {"S": "two"}, "c": {"M": {"d": {"BOOL": true}}}}},
  "l": {"L": [{"S": "l0"}, {"M": {"x": {"N": "10"}, "y": {"N": "11"}}}, {"S": "l2"},
              {"L": [{"S": "n0"}, {"S": "n1"}]}]},
  "ss": {"SS": ["a", "b"]}
})";

std::string P(const std::string& projection, const std::string& names = "{}") {
  NameMap name_map;
  const nlohmann::json parsed = nlohmann::json::parse(names);
  for (auto it = parsed.begin(); it != parsed.end(); ++it)
    name_map[it.key()] = it->get<std::string>();
  Result<ProjectionExpression> p =
      ParseAndCheckProjection(projection, CheckContext{&name_map, nullptr, nullptr});
  REQUIRE_MESSAGE(p.ok(), p.status().message());
  static const Item item = ItemOf(kProjectionItem);
  return JsonOf(Project(item, p->paths));
}

using testing::J;

TEST_CASE("projection: top-level attributes") {
  CHECK(P("id") == J(R"({"id": {"S": "p1"}})"));
  CHECK(P("price, id, ss") ==
        J(R"({"id": {"S": "p1"}, "price": {"N": "52"}, "ss": {"SS": ["a", "b"]}})"));
  CHECK(P("nope") == "{}");
  CHECK(P("id, nope") == J(R"({"id": {"S": "p1"}})"));
  CHECK(P("#s", R"({"#s": "ss"})") == J(R"({"ss": {"SS": ["a", "b"]}})"));
}

TEST_CASE("projection: nested maps merge into one map") {
  CHECK(P("m.a") == J(R"({"m": {"M": {"a": {"N": "1"}}}})"));
  CHECK(P("m.a, m.c.d") ==
        J(R"({"m": {"M": {"a": {"N": "1"}, "c": {"M": {"d": {"BOOL": true}}}}}})"));
  CHECK(P("m.c, m.b") ==
        J(R"({"m": {"M": {"b": {"S": "two"}, "c": {"M": {"d": {"BOOL": true}}}}}})"));
  CHECK(P("m.nope") == "{}");  // nothing found: m is left out
  CHECK(P("m.nope, id") == J(R"({"id": {"S": "p1"}})"));
  CHECK(P("m.a.z") == "{}");  // a is a number
  CHECK(P("id.x") == "{}");
  CHECK(P("#m.#a", R"({"#m": "m", "#a": "a"})") == J(R"({"m": {"M": {"a": {"N": "1"}}}})"));
}

TEST_CASE("projection: list elements keep list order and compact") {
  CHECK(P("l[0]") == J(R"({"l": {"L": [{"S": "l0"}]}})"));
  CHECK(P("l[2], l[0]") == J(R"({"l": {"L": [{"S": "l0"}, {"S": "l2"}]}})"));
  CHECK(P("l[1].y") == J(R"({"l": {"L": [{"M": {"y": {"N": "11"}}}]}})"));
  CHECK(P("l[1].y, l[1].x") == J(R"({"l": {"L": [{"M": {"x": {"N": "10"}, "y": {"N": "11"}}}]}})"));
  CHECK(P("l[3][1], l[0]") == J(R"({"l": {"L": [{"S": "l0"}, {"L": [{"S": "n1"}]}]}})"));
  CHECK(P("l[9]") == "{}");
  CHECK(P("l[9], l[2]") == J(R"({"l": {"L": [{"S": "l2"}]}})"));
  CHECK(P("l[0].x") == "{}");  // l[0] is a string
  CHECK(P("m[0]") == "{}");    // m is a map
  CHECK(P("l.x") == "{}");     // l is a list
}

TEST_CASE("projection: Project tolerates overlapping paths (a whole value wins)") {
  const Item item = ItemOf(kProjectionItem);
  Path whole;
  whole.elements = {PathElement::Name("m")};
  Path part;
  part.elements = {PathElement::Name("m"), PathElement::Name("a")};
  CHECK(JsonOf(Project(item, {part, whole})) == JsonOf(Project(item, {whole})));
  CHECK(JsonOf(Project(item, {})) == "{}");
  CHECK(JsonOf(Project(Item(), {whole})) == "{}");
}

}  // namespace
}  // namespace expr
}  // namespace pd

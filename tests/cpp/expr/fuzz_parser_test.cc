// Fuzzing the whole expression pipeline: 100,000 random byte strings and
// 100,000 mutations of valid expressions go through lexer + parser + check
// (and, when they pass, evaluate / update / projection). Nothing may crash
// (the suite runs under ASan/UBSan), and these properties must hold:
//   - every error message is "Invalid <Kind>: ..." for the kind parsed, and
//     its offset is inside the text (or kNoOffset);
//   - a syntax error's token and near text are taken from the input;
//   - whatever parses unparses to text that parses to the same tree;
//   - Evaluate(NOT c) == !Evaluate(c);
//   - a failed update leaves the item unchanged; a successful one reports
//     one old path per action.
// Deterministic (fixed seeds) and bounded in time.
#include <doctest/doctest.h>

#include <chrono>
#include <random>
#include <string>
#include <vector>

#include "expr/check.h"
#include "expr/evaluate.h"
#include "expr/lexer.h"
#include "expr/parser.h"
#include "expr/projection.h"
#include "expr/update.h"
#include "expr_test_util.h"

namespace pd {
namespace expr {
namespace {

using testing::Dump;
using testing::ItemOf;
using testing::Unparse;

struct Stats {
  size_t inputs = 0;          // texts tried
  size_t parsed = 0;          // texts that parsed
  size_t checked = 0;         // texts that also passed Check
  size_t violations = 0;      // broken properties
  std::string first_failure;  // description of the first broken property
};

class Harness {
 public:
  Harness()
      : values_(ItemOf(R"({":v": {"S": "abc"}, ":w": {"S": "N"}, ":n": {"N": "3"},
          ":z": {"N": "-1.5"}, ":l": {"L": [{"S": "abc"}, {"N": "3"}]}, ":ss": {"SS": ["abc", "d"]},
          ":ns": {"NS": ["3", "4"]}, ":b": {"B": "AQI="}, ":t": {"BOOL": true},
          ":m": {"M": {"k": {"S": "abc"}}}, ":x": {"NULL": true}})")) {
    names_["#a"] = "a";
    names_["#b"] = "b.c";
    names_["#st"] = "status";
    names_["#l"] = "l";
    items_.push_back(Item());
    items_.push_back(ItemOf(R"({"a": {"S": "abc"}, "b": {"N": "3"}, "l": {"L": [{"S": "abc"},
        {"M": {"k": {"N": "3"}}}, {"L": []}]}, "m": {"M": {"k": {"S": "abc"}, "n": {"M": {}}}},
        "s": {"SS": ["abc", "x"]}, "status": {"BOOL": false}, "b.c": {"B": "AQI="}})"));
    items_.push_back(ItemOf(R"({"a": {"N": "3"}, "b": {"S": "N"}, "l": {"S": "not a list"},
        "m": {"L": [{"N": "1"}]}, "n": {"NS": ["3", "4"]}})"));
  }

  void Run(const std::string& text, ExpressionKind kind, Stats* stats) {
    ++stats->inputs;
    switch (kind) {
      case ExpressionKind::kProjection:
        RunProjection(text, stats);
        break;
      case ExpressionKind::kUpdate:
        RunUpdate(text, stats);
        break;
      default:
        RunCondition(text, kind, stats);
        break;
    }
  }

 private:
  void Violation(Stats* stats, const std::string& what, const std::string& text) {
    if (stats->violations++ == 0) stats->first_failure = what + " for input: " + text;
  }

  // Properties of a failed parse or check.
  void CheckError(const Status& s, uint32_t offset, ExpressionKind kind, const std::string& text,
                  Stats* stats) {
    const std::string prefix = std::string("Invalid ") + ExpressionKindName(kind) + ": ";
    const std::string& m = s.message();
    if (s.ok() || m.compare(0, prefix.size(), prefix) != 0) {
      Violation(stats, "bad message '" + m + "'", text);
      return;
    }
    if (offset != kNoOffset && offset > text.size()) Violation(stats, "offset out of range", text);
    const std::string syntax = prefix + "Syntax error; token: \"";
    if (m.compare(0, syntax.size(), syntax) != 0) return;
    const size_t token_end = m.find("\", near: \"", syntax.size());
    if (token_end == std::string::npos || m.back() != '"') {
      Violation(stats, "malformed syntax error '" + m + "'", text);
      return;
    }
    const std::string token = m.substr(syntax.size(), token_end - syntax.size());
    const size_t near_begin = token_end + 10;
    const std::string near = m.substr(near_begin, m.size() - 1 - near_begin);
    if (token != "<EOF>" && text.compare(offset, token.size(), token) != 0) {
      Violation(stats, "token '" + token + "' not at its offset", text);
    }
    if (text.find(near) == std::string::npos) Violation(stats, "near text not in input", text);
  }

  CheckContext Context() { return CheckContext{&names_, &values_, &use_}; }

  void RunCondition(const std::string& text, ExpressionKind kind, Stats* stats) {
    uint32_t offset = kNoOffset;
    Result<Condition> c = ParseCondition(text, kind, &offset);
    if (!c.ok()) return CheckError(c.status(), offset, kind, text, stats);
    ++stats->parsed;
    const std::string unparsed = Unparse(*c);
    Result<Condition> again = ParseCondition(unparsed, kind);
    if (!again.ok() || Dump(*again) != Dump(*c)) {
      Violation(stats, "unparse round trip: '" + unparsed + "'", text);
    }
    Status s = CheckCondition(&*c, kind, Context(), &offset);
    if (!s.ok()) return CheckError(s, offset, kind, text, stats);
    ++stats->checked;
    if (kind == ExpressionKind::kKeyCondition) {
      Result<KeyCondition> k = ExtractKeyCondition(*c);
      if (k.ok()) (void)MatchKeySchema(*k, "a", "b", AttributeType::kS, AttributeType::kN);
      return;
    }
    Condition negated;
    negated.kind = Condition::Kind::kNot;
    negated.children.push_back(*c);
    for (const Item& item : items_) {
      if (Evaluate(negated, item) == Evaluate(*c, item)) Violation(stats, "NOT c == c", text);
    }
  }

  void RunUpdate(const std::string& text, Stats* stats) {
    uint32_t offset = kNoOffset;
    Result<UpdateExpression> u = ParseUpdate(text, &offset);
    if (!u.ok()) return CheckError(u.status(), offset, ExpressionKind::kUpdate, text, stats);
    ++stats->parsed;
    const std::string unparsed = Unparse(*u);
    Result<UpdateExpression> again = ParseUpdate(unparsed);
    if (!again.ok() || Dump(*again) != Dump(*u)) {
      Violation(stats, "unparse round trip: '" + unparsed + "'", text);
    }
    Status s = CheckUpdate(&*u, Context(), &offset);
    if (!s.ok()) return CheckError(s, offset, ExpressionKind::kUpdate, text, stats);
    ++stats->checked;
    for (const Item& original : items_) {
      Item item = original;
      UpdateResult result;
      Status applied = ApplyUpdate(*u, &item, &result);
      if (!applied.ok()) {
        if (!(item == original)) Violation(stats, "failed update changed the item", text);
        continue;
      }
      if (result.old_paths.size() != u->actions.size()) Violation(stats, "old paths", text);
      (void)Project(original, result.old_paths);
      (void)Project(item, result.new_paths);
      (void)NestingDepth(item);
    }
  }

  void RunProjection(const std::string& text, Stats* stats) {
    uint32_t offset = kNoOffset;
    Result<ProjectionExpression> p = ParseProjection(text, &offset);
    if (!p.ok()) return CheckError(p.status(), offset, ExpressionKind::kProjection, text, stats);
    ++stats->parsed;
    std::string unparsed;
    for (const Path& path : p->paths) unparsed += (unparsed.empty() ? "" : ", ") + Unparse(path);
    Result<ProjectionExpression> again = ParseProjection(unparsed);
    if (!again.ok() || again->paths.size() != p->paths.size()) {
      Violation(stats, "unparse round trip: '" + unparsed + "'", text);
    }
    Status s = CheckProjection(&*p, Context(), &offset);
    if (!s.ok()) return CheckError(s, offset, ExpressionKind::kProjection, text, stats);
    ++stats->checked;
    for (const Item& item : items_) (void)Project(item, p->paths);
  }

  NameMap names_;
  ValueMap values_;
  PlaceholderUse use_;
  std::vector<Item> items_;
};

const ExpressionKind kKinds[] = {ExpressionKind::kCondition, ExpressionKind::kFilter,
                                 ExpressionKind::kKeyCondition, ExpressionKind::kProjection,
                                 ExpressionKind::kUpdate};

void Report(const Stats& stats, const char* what) {
  MESSAGE(std::string(what) << ": " << stats.inputs << " inputs, " << stats.parsed << " parsed, "
                            << stats.checked << " checked");
  CHECK_MESSAGE(stats.violations == 0, stats.first_failure);
}

TEST_CASE("fuzz: 100,000 random byte strings") {
  const auto start = std::chrono::steady_clock::now();
  std::mt19937 rng(20240611);
  // Mostly expression characters, so that some inputs get deep into the
  // grammar; every fourth input is arbitrary bytes.
  const std::string alphabet = "abcst_#:019 ()[].,=<>+-ANDORNOTBETWEENINSETREMOVEADDELETsize";
  Harness harness;
  Stats stats;
  for (int i = 0; i < 100000; ++i) {
    const size_t length = rng() % 40;
    std::string text;
    for (size_t j = 0; j < length; ++j) {
      text += i % 4 == 0 ? static_cast<char>(rng() % 256) : alphabet[rng() % alphabet.size()];
    }
    harness.Run(text, kKinds[i % 5], &stats);
  }
  Report(stats, "random bytes");
  CHECK(stats.inputs == 100000);
  CHECK(stats.parsed > 0);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  MESSAGE("random bytes took " << seconds << " s");
}

// Applies 1-4 random edits to `text`.
std::string Mutate(std::string text, std::mt19937* rng, const std::vector<std::string>& corpus) {
  static const char* kTokens[] = {" AND ",
                                  " OR ",
                                  "NOT ",
                                  "(",
                                  ")",
                                  ":v",
                                  ":n",
                                  ":l",
                                  ":zz",
                                  "#a",
                                  "#b",
                                  "#zz",
                                  "size(",
                                  ",",
                                  "[1]",
                                  "[0]",
                                  ".",
                                  "=",
                                  "<>",
                                  "<",
                                  ">=",
                                  " BETWEEN ",
                                  " IN (",
                                  "SET ",
                                  " REMOVE ",
                                  " ADD ",
                                  " DELETE ",
                                  "+",
                                  "-",
                                  "if_not_exists(",
                                  "list_append(",
                                  "attribute_exists(",
                                  "begins_with(",
                                  "contains(",
                                  "status",
                                  "a",
                                  "l",
                                  "m.k",
                                  " ",
                                  "((",
                                  "))",
                                  "\xC3\xA9",
                                  "!"};
  const int edits = (*rng)() % 2 == 0 ? 1 : 1 + static_cast<int>((*rng)() % 4);
  for (int e = 0; e < edits; ++e) {
    const size_t at = text.empty() ? 0 : (*rng)() % (text.size() + 1);
    switch ((*rng)() % 6) {
      case 0:  // delete a range
        if (!text.empty()) text.erase(std::min(at, text.size() - 1), 1 + (*rng)() % 4);
        break;
      case 1:  // insert a token
        text.insert(at, kTokens[(*rng)() % (sizeof(kTokens) / sizeof(kTokens[0]))]);
        break;
      case 2:  // replace a byte
        if (!text.empty()) text[std::min(at, text.size() - 1)] = static_cast<char>((*rng)() % 128);
        break;
      case 3:  // duplicate a range
        if (!text.empty()) {
          const size_t from = (*rng)() % text.size();
          text.insert(at, text.substr(from, 1 + (*rng)() % 8));
        }
        break;
      case 4:  // splice another expression in
        text.insert(at, corpus[(*rng)() % corpus.size()]);
        break;
      default:  // truncate
        text.resize(at);
        break;
    }
  }
  return text;
}

TEST_CASE("fuzz: 100,000 mutated valid expressions") {
  const auto start = std::chrono::steady_clock::now();
  const std::vector<std::string> conditions = {"a = :v",
                                               "#a <> :n AND b.c[1] < :n",
                                               "attribute_exists(#b) OR NOT (a BETWEEN :n AND :n)",
                                               "begins_with(a, :v) AND contains(l, :v)",
                                               "size(l) > :n OR a IN (:v, :n, :l)",
                                               "attribute_type(a, :w) AND (m.k = :v OR #st = :t)",
                                               "NOT attribute_not_exists(l[0])",
                                               "(a = :v) AND ((b = :n) OR (l[2] = :l))",
                                               "a = :v AND b = :n"};
  const std::vector<std::string> updates = {
      "SET a = :v",
      "SET a = a + :n, l[5] = :v REMOVE b",
      "ADD s :ss, b :n DELETE s :ss",
      "SET l = list_append(if_not_exists(l, :l), :l), #st = :t",
      "REMOVE l[1], l[0], m.k",
      "SET m.k = :v, b = :n - b ADD n :ns"};
  const std::vector<std::string> projections = {"a", "a, b.c, l[1]", "#a, #b, m.k, l[0].x",
                                                "#st, l[2][0]"};
  std::mt19937 rng(7);
  Harness harness;
  Stats stats;
  for (int i = 0; i < 100000; ++i) {
    const ExpressionKind kind = kKinds[i % 5];
    const std::vector<std::string>& corpus = kind == ExpressionKind::kUpdate       ? updates
                                             : kind == ExpressionKind::kProjection ? projections
                                                                                   : conditions;
    harness.Run(Mutate(corpus[rng() % corpus.size()], &rng, corpus), kind, &stats);
  }
  Report(stats, "mutations");
  CHECK(stats.checked > 1000);  // the mutations exercise the later stages too
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  MESSAGE("mutations took " << seconds << " s");
}

TEST_CASE("fuzz: pathological shapes") {
  Harness harness;
  Stats stats;
  for (ExpressionKind kind : kKinds) {
    harness.Run(std::string(4096, '('), kind, &stats);
    harness.Run(std::string(4096, ')'), kind, &stats);
    harness.Run(std::string(4097, 'a'), kind, &stats);
    std::string nots;
    while (nots.size() < 4090) nots += "NOT ";
    harness.Run(nots + "a=:v", kind, &stats);
    std::string calls;
    while (calls.size() < 4090) calls += "size(";
    harness.Run(calls, kind, &stats);
    std::string path = "a";
    while (path.size() < 4090) path += "[1].b";
    harness.Run(path + " = :v", kind, &stats);
    harness.Run("SET " + path + " = :v", kind, &stats);
    std::string ors = "a = :v";
    while (ors.size() < 4000) ors += " OR a = :v";
    harness.Run(ors, kind, &stats);
  }
  Report(stats, "pathological");
}

}  // namespace
}  // namespace expr
}  // namespace pd

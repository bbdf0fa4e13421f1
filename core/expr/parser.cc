// Recursive-descent parser for DynamoDB expressions.
//
// Precedence, from the DynamoDB developer guide ("Comparison operator and
// function reference"), highest (binds tightest) first:
//
//   level  construct                                   parsed by
//   -----  ------------------------------------------  -----------------
//     1    = <> < <= > >=                              ParseComparison
//     2    IN                                          ParseComparison
//     3    BETWEEN ... AND ...                         ParseComparison
//     4    attribute_exists attribute_not_exists       ParseOperandAtom
//          begins_with contains (function calls)       (used as conditions)
//     5    ( ... )                                     ParsePrimary
//     6    NOT                                         ParseNot
//     7    AND                                         ParseAnd
//     8    OR                                          ParseOr
//
// So "NOT a = :v AND b = :w OR c = :x" is ((NOT (a = :v)) AND (b = :w)) OR
// (c = :x). AND and OR associate to the left. Comparisons do not chain
// ("a = b = c" is a syntax error at the second "=").
//
// Parentheses are ambiguous in conditions: "(a) = :v" wraps an operand,
// "(a = :v)" a condition. ParsePrimary parses whatever is inside as a full
// condition-or-operand (Node) and the caller decides; a function call stays
// an operand until a condition is required (RequireCondition), so both
// "(size(a)) > :n" and "(attribute_exists(a))" parse. No backtracking.
//
// Update expressions follow the developer guide grammar (see expr/ast.h):
// one optional pair of parentheses around a SET value and around each term;
// at most one + or - per SET value.
#include "expr/parser.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "expr/lexer.h"

namespace pd {
namespace expr {
namespace {

constexpr uint32_t kMaxListIndex = 0x7FFFFFFFu;  // largest list index we accept

class Parser {
 public:
  Parser(std::string_view text, ExpressionKind kind) : text_(text), kind_(kind) {}

  // Size and emptiness checks; then lexes. False (with error set) on failure.
  bool Start() {
    if (text_.size() > kMaxExpressionBytes) {
      return Fail("Expression size has exceeded the maximum allowed size; expression size: " +
                      std::to_string(text_.size()),
                  kNoOffset);
    }
    bool blank = true;
    for (char c : text_) {
      if (!IsExpressionWhitespace(c)) {
        blank = false;
        break;
      }
    }
    if (blank) return Fail("The expression can not be empty;", kNoOffset);
    tokens_ = Tokenize(text_);
    return true;
  }

  bool ParseConditionTop(Condition* out) {
    Node n;
    if (!ParseOr(&n) || !RequireCondition(&n)) return false;
    if (Peek().kind != TokenKind::kEof) return SyntaxError();
    if (!CheckOperatorCount()) return false;
    *out = std::move(n.condition);
    return true;
  }

  bool ParseUpdateTop(UpdateExpression* out) {
    if (SectionKind(Peek()) == nullptr) return SyntaxError();
    while (const UpdateAction::Kind* kind = SectionKind(Peek())) {
      out->sections.push_back({*kind, Peek().offset});
      const UpdateAction::Kind section = *kind;
      Advance();
      do {
        UpdateAction action;
        action.kind = section;
        if (!ParseUpdateAction(&action)) return false;
        out->actions.push_back(std::move(action));
      } while (Accept(TokenKind::kComma));
    }
    if (Peek().kind != TokenKind::kEof) return SyntaxError();
    return CheckOperatorCount();
  }

  bool ParseProjectionTop(ProjectionExpression* out) {
    do {
      Path path;
      if (!ParsePath(&path)) return false;
      out->paths.push_back(std::move(path));
    } while (Accept(TokenKind::kComma));
    if (Peek().kind != TokenKind::kEof) return SyntaxError();
    return true;
  }

  Status error() const { return Status::Validation(error_); }
  uint32_t error_offset() const { return error_offset_; }

 private:
  // Result of parsing something that may be a condition or an operand.
  struct Node {
    bool is_condition = false;  // which member holds the result
    Condition condition;        // when is_condition
    Operand operand;            // otherwise
  };

  const Token& Peek() const { return tokens_[pos_]; }
  const Token& PeekAt(size_t ahead) const {
    return tokens_[std::min(pos_ + ahead, tokens_.size() - 1)];
  }
  void Advance() {
    if (tokens_[pos_].kind != TokenKind::kEof) ++pos_;
  }
  bool Accept(TokenKind kind) {
    if (Peek().kind != kind) return false;
    Advance();
    return true;
  }
  bool Expect(TokenKind kind) { return Accept(kind) || SyntaxError(); }

  bool Fail(std::string message, uint32_t offset) {
    error_ = std::string("Invalid ") + ExpressionKindName(kind_) + ": " + message;
    error_offset_ = offset;
    return false;
  }

  // DynamoDB's syntax error at the current token.
  bool SyntaxError() {
    const size_t i = pos_;
    const Token& t = tokens_[i];
    const uint32_t start = i > 0 ? tokens_[i - 1].offset : t.offset;
    uint32_t end = t.end();
    if (t.kind == TokenKind::kEof) {
      end = static_cast<uint32_t>(text_.size());
    } else if (tokens_[i + 1].kind != TokenKind::kEof) {
      end = tokens_[i + 1].end();
    }
    std::string message = "Syntax error; token: \"";
    message.append(t.Text(text_));
    message += "\", near: \"";
    message.append(text_.substr(start, end - start));
    message += "\"";
    return Fail(std::move(message), t.offset);
  }

  bool Enter() {
    if (++depth_ > kMaxNestingDepth) {
      return Fail("The expression is nested too deeply; maximum nesting depth: " +
                      std::to_string(kMaxNestingDepth),
                  Peek().offset);
    }
    return true;
  }
  void Leave() { --depth_; }

  bool CheckOperatorCount() {
    if (operators_ <= kMaxOperators) return true;
    return Fail(
        "The expression contains too many operators; operator count: " + std::to_string(operators_),
        kNoOffset);
  }

  bool IsKeyword(const Token& t, Keyword k) const {
    return t.kind == TokenKind::kName && t.keyword == k;
  }

  // Keywords that cannot be attribute or function names in this kind.
  bool IsReservedHere(const Token& t) const {
    if (t.kind != TokenKind::kName || t.keyword == Keyword::kNone) return false;
    switch (kind_) {
      case ExpressionKind::kUpdate:
        return t.keyword == Keyword::kSet || t.keyword == Keyword::kRemove ||
               t.keyword == Keyword::kAdd || t.keyword == Keyword::kDelete;
      case ExpressionKind::kProjection:
        return false;
      default:
        return t.keyword == Keyword::kAnd || t.keyword == Keyword::kOr ||
               t.keyword == Keyword::kNot || t.keyword == Keyword::kBetween ||
               t.keyword == Keyword::kIn;
    }
  }

  const UpdateAction::Kind* SectionKind(const Token& t) const {
    static const UpdateAction::Kind kSet = UpdateAction::Kind::kSet;
    static const UpdateAction::Kind kRemove = UpdateAction::Kind::kRemove;
    static const UpdateAction::Kind kAdd = UpdateAction::Kind::kAdd;
    static const UpdateAction::Kind kDelete = UpdateAction::Kind::kDelete;
    if (t.kind != TokenKind::kName) return nullptr;
    switch (t.keyword) {
      case Keyword::kSet:
        return &kSet;
      case Keyword::kRemove:
        return &kRemove;
      case Keyword::kAdd:
        return &kAdd;
      case Keyword::kDelete:
        return &kDelete;
      default:
        return nullptr;
    }
  }

  static void AddParens(uint8_t* parens) {
    if (*parens < 2) ++*parens;
  }

  // ---- document paths ----------------------------------------------------

  bool ParsePathName(PathElement* e) {
    const Token& t = Peek();
    if (t.kind == TokenKind::kNamePlaceholder) {
      e->placeholder = true;
    } else if (t.kind != TokenKind::kName || IsReservedHere(t)) {
      return SyntaxError();
    }
    e->kind = PathElement::Kind::kName;
    e->name = std::string(t.Text(text_));
    e->offset = t.offset;
    Advance();
    return true;
  }

  bool ParsePath(Path* out) {
    out->offset = Peek().offset;
    PathElement first;
    if (!ParsePathName(&first)) return false;
    out->elements.push_back(std::move(first));
    for (;;) {
      if (Accept(TokenKind::kDot)) {
        PathElement e;
        if (!ParsePathName(&e)) return false;
        out->elements.push_back(std::move(e));
      } else if (Peek().kind == TokenKind::kLBracket) {
        const uint32_t at = Peek().offset;
        Advance();
        const Token& t = Peek();
        if (t.kind != TokenKind::kNumber) return SyntaxError();
        uint64_t index = 0;
        for (char c : t.Text(text_)) {
          index = index * 10 + static_cast<uint64_t>(c - '0');
          if (index > kMaxListIndex) return SyntaxError();
        }
        Advance();
        if (!Expect(TokenKind::kRBracket)) return false;
        out->elements.push_back(PathElement::Index(static_cast<uint32_t>(index), at));
      } else {
        return true;
      }
    }
  }

  // ---- operands ------------------------------------------------------------

  // path | :value | name(args); `parse_arg` parses one function argument.
  template <typename ArgParser>
  bool ParseOperandAtom(Operand* out, ArgParser parse_arg) {
    const Token& t = Peek();
    out->offset = t.offset;
    if (t.kind == TokenKind::kValuePlaceholder) {
      out->kind = Operand::Kind::kValue;
      out->name = std::string(t.Text(text_));
      Advance();
      return true;
    }
    if (t.kind == TokenKind::kName && !IsReservedHere(t) && PeekAt(1).kind == TokenKind::kLParen) {
      out->kind = Operand::Kind::kFunction;
      out->name = std::string(t.Text(text_));
      ++operators_;
      Advance();
      Advance();  // "("
      if (!Enter()) return false;
      do {
        Operand arg;
        if (!parse_arg(&arg)) return false;
        out->args.push_back(std::move(arg));
      } while (Accept(TokenKind::kComma));
      if (!Expect(TokenKind::kRParen)) return false;
      Leave();
      return true;
    }
    out->kind = Operand::Kind::kPath;
    return ParsePath(&out->path);
  }

  // Condition operand: any number of parentheses around an atom.
  bool ParseConditionOperand(Operand* out) {
    if (Peek().kind == TokenKind::kLParen) {
      Advance();
      if (!Enter() || !ParseConditionOperand(out) || !Expect(TokenKind::kRParen)) return false;
      Leave();
      AddParens(&out->parens);
      return true;
    }
    return ParseOperandAtom(out, [this](Operand* a) { return ParseConditionOperand(a); });
  }

  // ---- conditions ------------------------------------------------------------

  // Turns an operand node into a condition where one is required: a function
  // call becomes a function condition; anything else is a syntax error at
  // the current token.
  bool RequireCondition(Node* n) {
    if (n->is_condition) return true;
    if (n->operand.kind != Operand::Kind::kFunction) return SyntaxError();
    Condition c;
    c.kind = Condition::Kind::kFunction;
    c.offset = n->operand.offset;
    c.parens = n->operand.parens;
    n->operand.parens = 0;
    c.operands.push_back(std::move(n->operand));
    n->condition = std::move(c);
    n->is_condition = true;
    return true;
  }

  bool ParseBinary(Node* out, Keyword keyword, Condition::Kind kind,
                   bool (Parser::*parse_operand)(Node*)) {
    if (!(this->*parse_operand)(out)) return false;
    while (IsKeyword(Peek(), keyword)) {
      if (!RequireCondition(out)) return false;
      Advance();
      ++operators_;
      Node right;
      if (!(this->*parse_operand)(&right) || !RequireCondition(&right)) return false;
      Condition c;
      c.kind = kind;
      c.offset = out->condition.offset;
      c.children.push_back(std::move(out->condition));
      c.children.push_back(std::move(right.condition));
      out->condition = std::move(c);
    }
    return true;
  }

  bool ParseOr(Node* out) {
    return ParseBinary(out, Keyword::kOr, Condition::Kind::kOr, &Parser::ParseAnd);
  }

  bool ParseAnd(Node* out) {
    return ParseBinary(out, Keyword::kAnd, Condition::Kind::kAnd, &Parser::ParseNot);
  }

  bool ParseNot(Node* out) {
    if (!IsKeyword(Peek(), Keyword::kNot)) return ParseComparison(out);
    const uint32_t at = Peek().offset;
    Advance();
    ++operators_;
    Node inner;
    if (!Enter() || !ParseNot(&inner) || !RequireCondition(&inner)) return false;
    Leave();
    Condition c;
    c.kind = Condition::Kind::kNot;
    c.offset = at;
    c.children.push_back(std::move(inner.condition));
    out->is_condition = true;
    out->condition = std::move(c);
    return true;
  }

  bool ParsePrimary(Node* out) {
    if (Peek().kind != TokenKind::kLParen) {
      out->is_condition = false;
      return ParseOperandAtom(&out->operand,
                              [this](Operand* a) { return ParseConditionOperand(a); });
    }
    Advance();
    if (!Enter() || !ParseOr(out) || !Expect(TokenKind::kRParen)) return false;
    Leave();
    AddParens(out->is_condition ? &out->condition.parens : &out->operand.parens);
    return true;
  }

  bool ParseComparison(Node* out) {
    Node left;
    if (!ParsePrimary(&left)) return false;
    if (left.is_condition) {
      *out = std::move(left);
      return true;
    }
    Condition c;
    c.offset = left.operand.offset;
    const Token& t = Peek();
    bool is_compare = true;
    switch (t.kind) {
      case TokenKind::kEq:
        c.op = CompareOp::kEq;
        break;
      case TokenKind::kNe:
        c.op = CompareOp::kNe;
        break;
      case TokenKind::kLt:
        c.op = CompareOp::kLt;
        break;
      case TokenKind::kLe:
        c.op = CompareOp::kLe;
        break;
      case TokenKind::kGt:
        c.op = CompareOp::kGt;
        break;
      case TokenKind::kGe:
        c.op = CompareOp::kGe;
        break;
      default:
        is_compare = false;
        break;
    }
    c.operands.push_back(std::move(left.operand));
    if (is_compare) {
      c.kind = Condition::Kind::kCompare;
      Advance();
      ++operators_;
      Operand right;
      if (!ParseConditionOperand(&right)) return false;
      c.operands.push_back(std::move(right));
    } else if (IsKeyword(t, Keyword::kBetween)) {
      c.kind = Condition::Kind::kBetween;
      Advance();
      ++operators_;
      Operand low, high;
      if (!ParseConditionOperand(&low)) return false;
      if (!IsKeyword(Peek(), Keyword::kAnd)) return SyntaxError();
      Advance();
      if (!ParseConditionOperand(&high)) return false;
      c.operands.push_back(std::move(low));
      c.operands.push_back(std::move(high));
    } else if (IsKeyword(t, Keyword::kIn)) {
      c.kind = Condition::Kind::kIn;
      Advance();
      ++operators_;
      if (!Expect(TokenKind::kLParen)) return false;
      do {
        Operand item;
        if (!ParseConditionOperand(&item)) return false;
        c.operands.push_back(std::move(item));
      } while (Accept(TokenKind::kComma));
      if (!Expect(TokenKind::kRParen)) return false;
    } else {
      out->is_condition = false;
      out->operand = std::move(c.operands[0]);
      return true;
    }
    out->is_condition = true;
    out->condition = std::move(c);
    return true;
  }

  // ---- update expressions --------------------------------------------------

  bool ParseUpdateAction(UpdateAction* action) {
    action->offset = Peek().offset;
    if (!ParsePath(&action->path)) return false;
    switch (action->kind) {
      case UpdateAction::Kind::kSet:
        if (!Expect(TokenKind::kEq)) return false;
        return ParseSetValue(&action->value);
      case UpdateAction::Kind::kRemove:
        return true;
      case UpdateAction::Kind::kAdd:
      case UpdateAction::Kind::kDelete: {
        const Token& t = Peek();
        if (t.kind != TokenKind::kValuePlaceholder) return SyntaxError();
        action->value.kind = Operand::Kind::kValue;
        action->value.name = std::string(t.Text(text_));
        action->value.offset = t.offset;
        Advance();
        return true;
      }
    }
    return SyntaxError();
  }

  // set-value ::= [ ( ] term [ (+ | -) term ] [ ) ]; "(term) + term" too.
  bool ParseSetValue(Operand* out) {
    if (Peek().kind != TokenKind::kLParen) return ParseSetValueInner(out);
    Advance();
    Operand inner;
    if (!Enter() || !ParseSetValueInner(&inner) || !Expect(TokenKind::kRParen)) return false;
    Leave();
    AddParens(&inner.parens);
    const TokenKind next = Peek().kind;
    if (next != TokenKind::kPlus && next != TokenKind::kMinus) {
      *out = std::move(inner);
      return true;
    }
    if (inner.kind == Operand::Kind::kPlus || inner.kind == Operand::Kind::kMinus) {
      return SyntaxError();
    }
    return ParseArithmetic(std::move(inner), out);
  }

  bool ParseSetValueInner(Operand* out) {
    Operand first;
    if (!ParseUpdateTerm(&first)) return false;
    const TokenKind next = Peek().kind;
    if (next != TokenKind::kPlus && next != TokenKind::kMinus) {
      *out = std::move(first);
      return true;
    }
    return ParseArithmetic(std::move(first), out);
  }

  // REQUIRES: the current token is + or -.
  bool ParseArithmetic(Operand left, Operand* out) {
    out->kind = Peek().kind == TokenKind::kPlus ? Operand::Kind::kPlus : Operand::Kind::kMinus;
    out->offset = left.offset;
    Advance();
    ++operators_;
    Operand right;
    if (!ParseUpdateTerm(&right)) return false;
    out->args.push_back(std::move(left));
    out->args.push_back(std::move(right));
    return true;
  }

  // term ::= [ ( ] (path | :value | function) [ ) ]
  bool ParseUpdateTerm(Operand* out) {
    const auto parse_arg = [this](Operand* a) { return ParseUpdateTerm(a); };
    if (Peek().kind != TokenKind::kLParen) return ParseOperandAtom(out, parse_arg);
    Advance();
    if (!Enter() || !ParseOperandAtom(out, parse_arg) || !Expect(TokenKind::kRParen)) {
      return false;
    }
    Leave();
    AddParens(&out->parens);
    return true;
  }

  std::string_view text_;              // the expression (not owned)
  ExpressionKind kind_;                // for messages and reserved keywords
  std::vector<Token> tokens_;          // lexed text_, ending with kEof
  size_t pos_ = 0;                     // index of the current token
  uint32_t depth_ = 0;                 // current nesting of ( / NOT / function calls
  uint32_t operators_ = 0;             // operators and functions seen
  std::string error_;                  // first error's full message
  uint32_t error_offset_ = kNoOffset;  // where it happened
};

template <typename T>
Result<T> Finish(Parser& parser, bool ok, T value, uint32_t* error_offset) {
  if (error_offset != nullptr) *error_offset = ok ? kNoOffset : parser.error_offset();
  if (!ok) return parser.error();
  return value;
}

}  // namespace

Result<Condition> ParseCondition(std::string_view text, ExpressionKind kind,
                                 uint32_t* error_offset) {
  Parser parser(text, kind);
  Condition out;
  const bool ok = parser.Start() && parser.ParseConditionTop(&out);
  return Finish(parser, ok, std::move(out), error_offset);
}

Result<UpdateExpression> ParseUpdate(std::string_view text, uint32_t* error_offset) {
  Parser parser(text, ExpressionKind::kUpdate);
  UpdateExpression out;
  const bool ok = parser.Start() && parser.ParseUpdateTop(&out);
  return Finish(parser, ok, std::move(out), error_offset);
}

Result<ProjectionExpression> ParseProjection(std::string_view text, uint32_t* error_offset) {
  Parser parser(text, ExpressionKind::kProjection);
  ProjectionExpression out;
  const bool ok = parser.Start() && parser.ParseProjectionTop(&out);
  return Finish(parser, ok, std::move(out), error_offset);
}

}  // namespace expr
}  // namespace pd

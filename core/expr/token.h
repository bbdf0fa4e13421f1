// Token: one lexical unit of a DynamoDB expression, as produced by the lexer
// (expr/lexer.h) and consumed by the parser (expr/parser.h).
//
// A token does not own text: it is a byte range [offset, offset + length) of
// the expression string it was lexed from, so its text is only meaningful
// together with that string (Token::Text). The lexer never fails; bytes that
// start no valid token become kInvalid tokens, which the parser reports as
// DynamoDB's "Syntax error; token: ..." the moment it reaches them (DynamoDB
// reports them the same way: the first offending token in parse order).
//
// Token grammar (whitespace is ' ', '\t', '\r', '\n' and separates tokens):
//   kName          [A-Za-z_][A-Za-z0-9_]*        attribute name, function name
//                                                or keyword (see Keyword)
//   kNamePlaceholder  '#' [A-Za-z0-9_]+          expression attribute name
//   kValuePlaceholder ':' [A-Za-z0-9_]+          expression attribute value
//   kNumber        [0-9]+                        list index inside [ ]
//   kEq kNe kLt kLe kGt kGe   =  <>  <  <=  >  >=
//   kLParen kRParen kLBracket kRBracket kComma kDot kPlus kMinus
//                             (  )  [  ]  ,  .  +  -
//   kInvalid       any other byte; a whole UTF-8 sequence when the byte starts
//                  one (so messages never split a character), and a lone '#'
//                  or ':' not followed by a name character
//   kEof           zero-length token at the end of the input; text "<EOF>"
//
// Keywords are names, matched case-insensitively. Which of them are reserved
// depends on the expression kind (AND OR NOT BETWEEN IN in conditions, SET
// REMOVE ADD DELETE in update expressions), so the lexer only classifies and
// the parser decides.
#ifndef PD_EXPR_TOKEN_H_
#define PD_EXPR_TOKEN_H_

#include <cstdint>
#include <string_view>

namespace pd {
namespace expr {

enum class TokenKind : uint8_t {
  kName,
  kNamePlaceholder,
  kValuePlaceholder,
  kNumber,
  kEq,
  kNe,
  kLt,
  kLe,
  kGt,
  kGe,
  kLParen,
  kRParen,
  kLBracket,
  kRBracket,
  kComma,
  kDot,
  kPlus,
  kMinus,
  kInvalid,
  kEof,
};

// Keyword classification of a kName token (kNone for every other kind).
enum class Keyword : uint8_t {
  kNone,
  kAnd,
  kOr,
  kNot,
  kBetween,
  kIn,
  kSet,
  kRemove,
  kAdd,
  kDelete,
};

struct Token {
  TokenKind kind = TokenKind::kEof;  // what the bytes are
  Keyword keyword = Keyword::kNone;  // for kName: which keyword, if any
  uint32_t offset = 0;               // byte offset of the first byte in the source
  uint32_t length = 0;               // bytes; 0 only for kEof

  uint32_t end() const { return offset + length; }  // one past the last byte

  // The token's text as DynamoDB prints it in messages: the source bytes, or
  // "<EOF>" for the end of input.
  // REQUIRES: source is the string this token was lexed from.
  std::string_view Text(std::string_view source) const {
    if (kind == TokenKind::kEof) return "<EOF>";
    return source.substr(offset, length);
  }
};

}  // namespace expr
}  // namespace pd

#endif  // PD_EXPR_TOKEN_H_

// Lexer for DynamoDB expressions: turns expression text into tokens
// (expr/token.h gives the token grammar).
//
//   std::vector<Token> tokens = Tokenize("#n = :v AND size(a[2]) > :w");
//
// Tokenize never fails: bytes that begin no valid token become kInvalid
// tokens, and the result always ends with exactly one kEof token whose offset
// is source.size(). Tokens refer to `source` by offset, so keep the string for
// as long as the tokens are used.
//
// REQUIRES: source.size() < 2^32 (the parser enforces DynamoDB's 4 KB limit
// before lexing).
#ifndef PD_EXPR_LEXER_H_
#define PD_EXPR_LEXER_H_

#include <string_view>
#include <vector>

#include "expr/token.h"

namespace pd {
namespace expr {

std::vector<Token> Tokenize(std::string_view source);

// The keyword a name spells, compared case-insensitively (kNone if none).
Keyword ClassifyKeyword(std::string_view name);

// True for the bytes DynamoDB skips between tokens: ' ', '\t', '\r', '\n'.
bool IsExpressionWhitespace(char c);

}  // namespace expr
}  // namespace pd

#endif  // PD_EXPR_LEXER_H_

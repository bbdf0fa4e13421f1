#include "expr/lexer.h"

#include <cstdint>

namespace pd {
namespace expr {
namespace {

bool IsNameStart(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

bool IsNameChar(char c) { return IsNameStart(c) || IsDigit(c); }

// Length of the UTF-8 sequence that starts with `lead`, clamped to what is
// left of the input; 1 for bytes that start no sequence (continuation bytes,
// invalid lead bytes), so every byte is consumed exactly once.
uint32_t Utf8SequenceLength(std::string_view s, size_t i) {
  const auto lead = static_cast<unsigned char>(s[i]);
  uint32_t want = 1;
  if (lead >= 0xC2 && lead <= 0xDF) {
    want = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    want = 3;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    want = 4;
  }
  uint32_t n = 1;
  while (n < want && i + n < s.size() && (static_cast<unsigned char>(s[i + n]) & 0xC0) == 0x80) {
    ++n;
  }
  return n;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view upper) {
  if (a.size() != upper.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char c = a[i];
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (c != upper[i]) return false;
  }
  return true;
}

}  // namespace

bool IsExpressionWhitespace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

Keyword ClassifyKeyword(std::string_view name) {
  struct Entry {
    const char* text;
    Keyword keyword;
  };
  static const Entry kKeywords[] = {
      {"AND", Keyword::kAnd},         {"OR", Keyword::kOr},   {"NOT", Keyword::kNot},
      {"BETWEEN", Keyword::kBetween}, {"IN", Keyword::kIn},   {"SET", Keyword::kSet},
      {"REMOVE", Keyword::kRemove},   {"ADD", Keyword::kAdd}, {"DELETE", Keyword::kDelete},
  };
  if (name.size() < 2 || name.size() > 7) return Keyword::kNone;
  for (const Entry& e : kKeywords) {
    if (EqualsIgnoreCase(name, e.text)) return e.keyword;
  }
  return Keyword::kNone;
}

std::vector<Token> Tokenize(std::string_view s) {
  std::vector<Token> out;
  size_t i = 0;
  auto push = [&](TokenKind kind, size_t begin, size_t end) {
    Token t;
    t.kind = kind;
    t.offset = static_cast<uint32_t>(begin);
    t.length = static_cast<uint32_t>(end - begin);
    out.push_back(t);
  };
  while (i < s.size()) {
    const char c = s[i];
    if (IsExpressionWhitespace(c)) {
      ++i;
      continue;
    }
    const size_t begin = i;
    if (IsNameStart(c)) {
      while (i < s.size() && IsNameChar(s[i])) ++i;
      push(TokenKind::kName, begin, i);
      out.back().keyword = ClassifyKeyword(s.substr(begin, i - begin));
      continue;
    }
    if (IsDigit(c)) {
      while (i < s.size() && IsDigit(s[i])) ++i;
      push(TokenKind::kNumber, begin, i);
      continue;
    }
    if (c == '#' || c == ':') {
      ++i;
      while (i < s.size() && IsNameChar(s[i])) ++i;
      if (i - begin == 1) {
        push(TokenKind::kInvalid, begin, i);
      } else {
        push(c == '#' ? TokenKind::kNamePlaceholder : TokenKind::kValuePlaceholder, begin, i);
      }
      continue;
    }
    TokenKind kind = TokenKind::kInvalid;
    size_t len = 1;
    switch (c) {
      case '=':
        kind = TokenKind::kEq;
        break;
      case '<':
        if (i + 1 < s.size() && s[i + 1] == '>') {
          kind = TokenKind::kNe;
          len = 2;
        } else if (i + 1 < s.size() && s[i + 1] == '=') {
          kind = TokenKind::kLe;
          len = 2;
        } else {
          kind = TokenKind::kLt;
        }
        break;
      case '>':
        if (i + 1 < s.size() && s[i + 1] == '=') {
          kind = TokenKind::kGe;
          len = 2;
        } else {
          kind = TokenKind::kGt;
        }
        break;
      case '(':
        kind = TokenKind::kLParen;
        break;
      case ')':
        kind = TokenKind::kRParen;
        break;
      case '[':
        kind = TokenKind::kLBracket;
        break;
      case ']':
        kind = TokenKind::kRBracket;
        break;
      case ',':
        kind = TokenKind::kComma;
        break;
      case '.':
        kind = TokenKind::kDot;
        break;
      case '+':
        kind = TokenKind::kPlus;
        break;
      case '-':
        kind = TokenKind::kMinus;
        break;
      default:
        len = Utf8SequenceLength(s, i);
        break;
    }
    i += len;
    push(kind, begin, i);
  }
  push(TokenKind::kEof, s.size(), s.size());
  return out;
}

}  // namespace expr
}  // namespace pd

// PartiQL lexer and recursive-descent parser (grammar in partiql/partiql.h).
// The lexer reads the whole statement into tokens first; the parser throws
// a local SyntaxError that Parse turns into DynamoDB's message, so the
// grammar functions stay short. Depth is bounded by kMaxDepth.
#include <cctype>
#include <cstring>
#include <string>
#include <utility>

#include "api/messages.h"
#include "partiql/partiql.h"

// Not on a hot path: optimized for size in the wasm build (the package budget).
#if defined(__clang__)
#pragma clang attribute push(__attribute__((minsize)), apply_to = function)
#endif

namespace pd {
namespace partiql {
namespace {

using nlohmann::json;

// SQL-92's reserved words plus PartiQL's own, which DynamoDB's parser does
// not take as bare names ("WHERE pad = 1" is a syntax error; "pad" in double
// quotes is a name). Space-separated, upper case.
constexpr const char kReserved[] =
    " ABSOLUTE ACTION ADD ALL ALLOCATE ALTER AND ANY ARE AS ASC ASSERTION AT AUTHORIZATION AVG"
    " BAG BEGIN BETWEEN BIT BIT_LENGTH BOTH BY CASCADE CASCADED CASE CAST CATALOG CHAR"
    " CHARACTER CHARACTER_LENGTH CHAR_LENGTH CHECK CLOSE COALESCE COLLATE COLLATION COLUMN"
    " COMMIT CONNECT CONNECTION CONSTRAINT CONSTRAINTS CONTINUE CONVERT CORRESPONDING COUNT"
    " CREATE CROSS CURRENT CURRENT_DATE CURRENT_TIME CURRENT_TIMESTAMP CURRENT_USER CURSOR"
    " DATE DAY DEALLOCATE DEC DECIMAL DECLARE DEFAULT DEFERRABLE DEFERRED DELETE DESC"
    " DESCRIBE DESCRIPTOR DIAGNOSTICS DISCONNECT DISTINCT DOMAIN DOUBLE DROP ELSE END"
    " ESCAPE EXCEPT EXCEPTION EXEC EXECUTE EXISTS EXTERNAL EXTRACT FALSE FETCH FIRST FLOAT"
    " FOR FOREIGN FOUND FROM FULL GET GLOBAL GO GOTO GRANT GROUP HAVING HOUR IDENTITY"
    " IMMEDIATE IN INDICATOR INITIALLY INNER INPUT INSENSITIVE INSERT INT INTEGER INTERSECT"
    " INTERVAL INTO IS ISOLATION JOIN KEY LANGUAGE LAST LEADING LEFT LEVEL LIKE LIMIT LOCAL"
    " LOWER MATCH MAX MIN MINUTE MISSING MODULE MONTH NAMES NATIONAL NATURAL NCHAR NEXT NO"
    " NOT NULL NULLIF NUMERIC OCTET_LENGTH OF OFFSET ON ONLY OPEN OPTION OR ORDER OUTER"
    " OUTPUT OVERLAPS PAD PARTIAL PIVOT POSITION PRECISION PREPARE PRESERVE PRIMARY PRIOR"
    " PRIVILEGES PROCEDURE PUBLIC READ REAL REFERENCES RELATIVE REMOVE RESTRICT REVOKE RIGHT"
    " ROLLBACK ROWS SCHEMA SCROLL SECOND SECTION SELECT SESSION SESSION_USER SET SIZE"
    " SMALLINT SOME SPACE SQL SQLCODE SQLERROR SQLSTATE SUBSTRING SUM SYSTEM_USER TABLE"
    " TEMPORARY THEN TIME TIMESTAMP TO TRAILING TRANSACTION TRANSLATE TRANSLATION TRIM TRUE"
    " UNION UNIQUE UNKNOWN UNPIVOT UPDATE UPPER USAGE USER USING VALUE VALUES VARCHAR VARYING"
    " VIEW WHEN WHENEVER WHERE WITH WORK WRITE YEAR ZONE ";

enum class Tok : uint8_t { kIdent, kQuoted, kString, kNumber, kPunct, kEnd };

struct Token {
  Tok kind;
  std::string text;  // identifier/punctuation as written; string/quoted name unescaped
  uint32_t pos;      // byte offset of the token
};

struct SyntaxError {
  std::string message;  // the whole ValidationException message
};

std::string Upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

bool IsReserved(const std::string& word) {
  std::string key = " " + Upper(word) + " ";
  return std::strstr(kReserved, key.c_str()) != nullptr;
}

class Parser {
 public:
  explicit Parser(std::string_view text) : src_(text) {}

  Statement Run() {
    Lex();
    Statement st;
    if (Is("EXISTS") || (Is("NOT") && IsAt(1, "EXISTS"))) {
      st.not_exists = Accept("NOT");
      Expect("EXISTS");
      ExpectPunct("(");
      bool not_exists = st.not_exists;
      st = Select();
      st.kind = Statement::kExists;
      st.not_exists = not_exists;
      ExpectPunct(")");
    } else if (Is("SELECT")) {
      st = Select();
    } else if (Accept("INSERT")) {
      st.kind = Statement::kInsert;
      Expect("INTO");
      st.table = Name("a table name");
      if (Is("VALUES") || PunctIs("(")) {
        Fail(std::string(api::msg::kUnsupportedOperation) +
             ": Inserting multiple items in a single statement is not supported, use \"INSERT "
             "INTO tableName VALUE item\" instead");
      }
      Expect("VALUE");
      st.item = Expr(0);
      if (Is("RETURNING")) Fail("RETURNING is not supported in INSERT");
    } else if (Accept("UPDATE")) {
      st.kind = Statement::kUpdate;
      st.table = Name("a table name");
      while (true) {
        if (Accept("SET")) {
          do {
            Statement::Action a;
            a.path = Path();
            ExpectPunct("=");
            a.value = Expr(0);
            st.actions.push_back(std::move(a));
          } while (AcceptPunct(","));
        } else if (Accept("REMOVE")) {
          do {
            Statement::Action a;
            a.remove = true;
            a.path = Path();
            st.actions.push_back(std::move(a));
          } while (AcceptPunct(","));
        } else {
          break;
        }
      }
      if (st.actions.empty()) Unexpected("SET or REMOVE");
      Where(&st);
      Returning(&st);
    } else if (Accept("DELETE")) {
      st.kind = Statement::kDelete;
      Expect("FROM");
      st.table = Name("a table name");
      Where(&st);
      Returning(&st);
    } else {
      Unexpected("SELECT, INSERT, UPDATE, DELETE or EXISTS");
    }
    AcceptPunct(";");
    if (Peek().kind != Tok::kEnd) Unexpected("the end of the statement");
    st.param_count = params_;
    return st;
  }

 private:
  // ---- lexer ----
  [[noreturn]] void FailAt(uint32_t pos, const std::string& what) {
    uint32_t line = 1, col = 1;
    for (uint32_t i = 0; i < pos && i < src_.size(); ++i) {
      if (src_[i] == '\n') {
        ++line;
        col = 1;
      } else if ((static_cast<unsigned char>(src_[i]) & 0xC0) != 0x80) {
        ++col;
      }
    }
    throw SyntaxError{NotWellFormed(what + " at line " + std::to_string(line) + ", column " +
                                    std::to_string(col))};
  }
  [[noreturn]] void Fail(const std::string& message) { throw SyntaxError{message}; }

  void Lex() {
    size_t i = 0, n = src_.size();
    while (true) {
      while (i < n) {
        char c = src_[i];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
          ++i;
        } else if (c == '-' && i + 1 < n && src_[i + 1] == '-') {
          while (i < n && src_[i] != '\n') ++i;
        } else if (c == '/' && i + 1 < n && src_[i + 1] == '*') {
          size_t end = src_.find("*/", i + 2);
          if (end == std::string_view::npos) FailAt(static_cast<uint32_t>(i), "Unterminated comment");
          i = end + 2;
        } else {
          break;
        }
      }
      uint32_t pos = static_cast<uint32_t>(i);
      if (i >= n) {
        toks_.push_back({Tok::kEnd, "", pos});
        return;
      }
      char c = src_[i];
      if (std::isalpha(static_cast<unsigned char>(c)) || c == '_' || c == '$') {
        size_t j = i;
        while (j < n && (std::isalnum(static_cast<unsigned char>(src_[j])) || src_[j] == '_' ||
                         src_[j] == '$')) {
          ++j;
        }
        toks_.push_back({Tok::kIdent, std::string(src_.substr(i, j - i)), pos});
        i = j;
      } else if (std::isdigit(static_cast<unsigned char>(c)) ||
                 (c == '.' && i + 1 < n && std::isdigit(static_cast<unsigned char>(src_[i + 1])))) {
        size_t j = i;
        while (j < n && std::isdigit(static_cast<unsigned char>(src_[j]))) ++j;
        if (j < n && src_[j] == '.') {
          ++j;
          while (j < n && std::isdigit(static_cast<unsigned char>(src_[j]))) ++j;
        }
        if (j < n && (src_[j] == 'e' || src_[j] == 'E')) {
          size_t k = j + 1;
          if (k < n && (src_[k] == '+' || src_[k] == '-')) ++k;
          if (k < n && std::isdigit(static_cast<unsigned char>(src_[k]))) {
            while (k < n && std::isdigit(static_cast<unsigned char>(src_[k]))) ++k;
            j = k;
          }
        }
        toks_.push_back({Tok::kNumber, std::string(src_.substr(i, j - i)), pos});
        i = j;
      } else if (c == '\'' || c == '"') {
        std::string text;
        size_t j = i + 1;
        while (true) {
          if (j >= n) FailAt(pos, c == '\'' ? "Unterminated string" : "Unterminated quoted name");
          if (src_[j] == c) {
            if (j + 1 < n && src_[j + 1] == c) {  // '' or "" is the quote itself
              text += c;
              j += 2;
              continue;
            }
            break;
          }
          text += src_[j++];
        }
        toks_.push_back({c == '\'' ? Tok::kString : Tok::kQuoted, std::move(text), pos});
        i = j + 1;
      } else if (c == '`') {
        Fail("Ion Literals are not supported");
      } else {
        static const char* const kTwo[] = {"<>", "!=", "<=", ">=", "<<", ">>", "||"};
        std::string p(1, c);
        for (const char* two : kTwo) {
          if (i + 1 < n && src_[i] == two[0] && src_[i + 1] == two[1]) p = two;
        }
        if (p.size() == 1 && (c == '\0' || !std::strchr("=<>(),.[]{}:*+-/;?%", c))) {
          unsigned char u = static_cast<unsigned char>(c);
          if (u < 0x20 || u >= 0x7F) {  // not printable (or part of a UTF-8 sequence): its code
            static const char kHex[] = "0123456789ABCDEF";
            FailAt(pos, std::string("Unexpected byte 0x") + kHex[u >> 4] + kHex[u & 15]);
          }
          FailAt(pos, "Unexpected character '" + p + "'");
        }
        toks_.push_back({Tok::kPunct, p, pos});
        i += p.size();
      }
    }
  }

  // ---- token helpers ----
  const Token& Peek(size_t ahead = 0) const {
    size_t i = at_ + ahead;
    return toks_[i < toks_.size() ? i : toks_.size() - 1];
  }
  bool IsAt(size_t ahead, const char* kw) const {
    const Token& t = Peek(ahead);
    return t.kind == Tok::kIdent && Upper(t.text) == kw;
  }
  bool Is(const char* kw) const { return IsAt(0, kw); }
  bool Accept(const char* kw) {
    if (!Is(kw)) return false;
    ++at_;
    return true;
  }
  void Expect(const char* kw) {
    if (!Accept(kw)) Unexpected(kw);
  }
  bool PunctIs(const char* p, size_t ahead = 0) const {
    const Token& t = Peek(ahead);
    return t.kind == Tok::kPunct && t.text == p;
  }
  bool AcceptPunct(const char* p) {
    if (!PunctIs(p)) return false;
    ++at_;
    return true;
  }
  void ExpectPunct(const char* p) {
    if (!AcceptPunct(p)) Unexpected(std::string("'") + p + "'");
  }
  [[noreturn]] void Unexpected(const std::string& expected) {
    const Token& t = Peek();
    std::string got;
    switch (t.kind) {
      case Tok::kEnd: got = "end of statement"; break;
      case Tok::kIdent: got = (IsReserved(t.text) ? "keyword '" : "name '") + t.text + "'"; break;
      case Tok::kQuoted: got = "name \"" + t.text + "\""; break;
      case Tok::kString: got = "string '" + t.text + "'"; break;
      case Tok::kNumber: got = "number " + t.text; break;
      case Tok::kPunct: got = "'" + t.text + "'"; break;
    }
    FailAt(t.pos, "Unexpected " + got + ", expected " + expected);
  }

  void Enter() {
    if (++depth_ > kMaxDepth) FailAt(Peek().pos, "Statement nested too deeply");
  }

  // A table, index or attribute name: bare (not reserved) or quoted.
  std::string Name(const char* what) {
    const Token& t = Peek();
    if (t.kind == Tok::kQuoted || (t.kind == Tok::kIdent && !IsReserved(t.text))) {
      ++at_;
      return t.text;
    }
    Unexpected(what);
  }

  // ---- statements ----
  Statement Select() {
    Statement st;
    Expect("SELECT");
    if (AcceptPunct("*")) {
      st.star = true;
    } else {
      do {
        if (PunctIs("*")) Fail("Other attributes should not be present in the projection when '*' is used.");
        st.projection.push_back(Path());
      } while (AcceptPunct(","));
    }
    if (st.star && PunctIs(",")) {
      Fail("Other attributes should not be present in the projection when '*' is used.");
    }
    Expect("FROM");
    st.table = Name("a table name");
    if (AcceptPunct(".")) {
      st.index = Name("an index name");
      if (PunctIs(".")) Fail("A path may contain at most 2 components in the FROM clause");
    }
    if (Is("AS") || (Peek().kind == Tok::kIdent && !IsReserved(Peek().text)) ||
        Peek().kind == Tok::kQuoted) {
      Fail("Aliasing is not supported");
    }
    if (PunctIs(",") || Is("JOIN")) Fail("Only select from a single table or index is supported.");
    Where(&st);
    if (Accept("ORDER")) {
      Expect("BY");
      do {
        OrderKey k;
        k.name = Name("an attribute name");
        if (Accept("DESC")) k.desc = true;
        else Accept("ASC");
        st.order_by.push_back(std::move(k));
      } while (AcceptPunct(","));
    }
    if (Is("GROUP") || Is("LIMIT") || Is("HAVING") || Is("OFFSET")) {
      Fail(api::msg::kUnsupportedClause + Upper(Peek().text));
    }
    return st;
  }

  void Where(Statement* st) {
    if (!Accept("WHERE")) return;
    st->has_where = true;
    st->where = Cond();
  }

  void Returning(Statement* st) {
    if (!Accept("RETURNING")) return;
    bool all = Accept("ALL");
    if (!all) Expect("MODIFIED");
    bool old = Accept("OLD");
    if (!old) Expect("NEW");
    if (!AcceptPunct("*")) Fail("Expected '*' after ( MODIFIED | ALL ) ( NEW | OLD ) in RETURNING clause");
    st->returning = std::string(all ? "ALL_" : "UPDATED_") + (old ? "OLD" : "NEW");
  }

  // ---- conditions ----
  Node Binary(Node::Kind kind, Node a, Node b, uint32_t pos) {
    Node n;
    n.kind = kind;
    n.pos = pos;
    n.kids.push_back(std::move(a));
    n.kids.push_back(std::move(b));
    return n;
  }

  Node Cond() {
    Enter();
    Node left = AndCond();
    while (Is("OR")) {
      uint32_t pos = Peek().pos;
      ++at_;
      left = Binary(Node::kOr, std::move(left), AndCond(), pos);
    }
    --depth_;
    return left;
  }

  Node AndCond() {
    Node left = NotCond();
    while (Is("AND")) {
      uint32_t pos = Peek().pos;
      ++at_;
      left = Binary(Node::kAnd, std::move(left), NotCond(), pos);
    }
    return left;
  }

  Node NotCond() {
    if (Is("NOT") && !IsAt(1, "EXISTS")) {
      Node n;
      n.kind = Node::kNot;
      n.pos = Peek().pos;
      ++at_;
      Enter();
      n.kids.push_back(NotCond());
      --depth_;
      return n;
    }
    return Predicate();
  }

  Node Predicate() {
    if (PunctIs("(")) {
      ++at_;
      Node inner = Cond();
      ExpectPunct(")");
      return inner;
    }
    Node left = Expr(0);
    const Token& t = Peek();
    static const char* const kCompare[] = {"=", "<>", "!=", "<", "<=", ">", ">="};
    if (t.kind == Tok::kPunct) {
      for (const char* op : kCompare) {
        if (t.text == op) {
          uint32_t pos = t.pos;
          ++at_;
          Node n = Binary(Node::kCompare, std::move(left), Expr(0), pos);
          n.op = std::strcmp(op, "!=") == 0 ? "<>" : op;
          return n;
        }
      }
    }
    uint32_t pos = t.pos;
    if (Accept("IS")) {
      Node n;
      n.kind = Node::kIs;
      n.pos = pos;
      n.negated = Accept("NOT");
      const Token& type = Peek();
      if (type.kind != Tok::kIdent) Unexpected("a type name");
      n.op = Upper(type.text);
      ++at_;
      n.kids.push_back(std::move(left));
      return n;
    }
    bool negate = Is("NOT") && (IsAt(1, "BETWEEN") || IsAt(1, "IN"));
    if (negate) ++at_;
    Node n;
    n.pos = Peek().pos;
    if (Accept("BETWEEN")) {
      n.kind = Node::kBetween;
      n.kids.push_back(std::move(left));
      n.kids.push_back(Expr(0));
      Expect("AND");
      n.kids.push_back(Expr(0));
    } else if (Accept("IN")) {
      n.kind = Node::kIn;
      n.kids.push_back(std::move(left));
      const char* close = AcceptPunct("[") ? "]" : (ExpectPunct("("), ")");
      do {
        n.kids.push_back(Expr(0));
      } while (AcceptPunct(","));
      ExpectPunct(close);
    } else {
      return left;  // a function call used as a condition, checked when lowered
    }
    if (!negate) return n;
    Node nn;
    nn.kind = Node::kNot;
    nn.pos = pos;
    nn.kids.push_back(std::move(n));
    return nn;
  }

  // ---- expressions and values ----
  Node Expr(int) {
    Enter();
    Node left = Term();
    while (PunctIs("+") || PunctIs("-")) {
      uint32_t pos = Peek().pos;
      std::string op = Peek().text;
      ++at_;
      left = Binary(Node::kArith, std::move(left), Term(), pos);
      left.op = op;
    }
    --depth_;
    return left;
  }

  Node Value(json v, uint32_t pos) {
    Node n;
    n.kind = Node::kValue;
    n.value = std::move(v);
    n.pos = pos;
    return n;
  }

  Node Term() {
    const Token t = Peek();
    Node n;
    n.pos = t.pos;
    switch (t.kind) {
      case Tok::kString:
        ++at_;
        return Value(json{{"S", t.text}}, t.pos);
      case Tok::kNumber:
        ++at_;
        return Value(json{{"N", t.text}}, t.pos);
      case Tok::kQuoted:
        return Path();
      case Tok::kEnd:
        Unexpected("a value or a path");
      case Tok::kIdent: {
        std::string up = Upper(t.text);
        if (up == "TRUE" || up == "FALSE") {
          ++at_;
          return Value(json{{"BOOL", up == "TRUE"}}, t.pos);
        }
        if (up == "NULL") {
          ++at_;
          return Value(json{{"NULL", true}}, t.pos);
        }
        if (up == "MISSING") Fail("MISSING must be compared using IS operator");
        if (PunctIs("(", 1)) {
          ++at_;
          ++at_;
          n.kind = Node::kCall;
          n.op = t.text;
          for (char& c : n.op) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
          if (!PunctIs(")")) {
            do {
              n.kids.push_back(Expr(0));
            } while (AcceptPunct(","));
          }
          ExpectPunct(")");
          return n;
        }
        if (IsReserved(t.text)) Unexpected("a value or a path");
        return Path();
      }
      case Tok::kPunct:
        break;
    }
    if (t.text == "?") {
      ++at_;
      n.kind = Node::kParam;
      n.param = params_++;
      return n;
    }
    if (t.text == "-" && Peek(1).kind == Tok::kNumber) {
      std::string digits = Peek(1).text;
      at_ += 2;
      return Value(json{{"N", "-" + digits}}, t.pos);
    }
    if (t.text == "[" || t.text == "<<") {
      ++at_;
      n.kind = t.text == "[" ? Node::kList : Node::kBag;
      const char* close = t.text == "[" ? "]" : ">>";
      if (!PunctIs(close)) {
        do {
          n.kids.push_back(Expr(0));
        } while (AcceptPunct(","));
      }
      ExpectPunct(close);
      return n;
    }
    if (t.text == "{") {
      ++at_;
      n.kind = Node::kMap;
      if (!PunctIs("}")) {
        do {
          const Token& k = Peek();
          if (k.kind != Tok::kString) {
            if (k.kind == Tok::kQuoted || k.kind == Tok::kIdent || k.kind == Tok::kNumber) {
              Fail("Tuple keys must be of type String. Actual type: " +
                   std::string(k.kind == Tok::kNumber ? "INT" : "SYMBOL") + " under tuple");
            }
            Unexpected("a string key");
          }
          for (const std::string& seen : n.keys) {
            if (seen == k.text) Fail("Duplicate keys in tuple. Key: " + k.text + " under tuple");
          }
          n.keys.push_back(k.text);
          ++at_;
          ExpectPunct(":");
          n.kids.push_back(Expr(0));
        } while (AcceptPunct(","));
      }
      ExpectPunct("}");
      return n;
    }
    if (t.text == "(") {
      ++at_;
      Node inner = Expr(0);
      ExpectPunct(")");
      return inner;
    }
    Unexpected("a value or a path");
  }

  Node Path() {
    Node n;
    n.kind = Node::kPath;
    n.pos = Peek().pos;
    PathStep first;
    first.name = Name("an attribute name");
    n.steps.push_back(std::move(first));
    while (true) {
      if (AcceptPunct(".")) {
        if (PunctIs("*")) Fail("Unpivot path component like a.*.b are not supported");
        PathStep s;
        s.name = Name("an attribute name");
        n.steps.push_back(std::move(s));
      } else if (AcceptPunct("[")) {
        const Token& t = Peek();
        PathStep s;
        if (t.kind == Tok::kString) {
          s.name = t.text;
        } else if (t.kind == Tok::kNumber &&
                   t.text.find_first_not_of("0123456789") == std::string::npos) {
          if (t.text.size() > 9) Fail("List index is not within the allowable range; index: [" + t.text + "]");
          s.index = std::stoll(t.text);
        } else if (PunctIs("*")) {
          Fail("Wildcard path component like a[*].b are not supported");
        } else {
          Unexpected("a list index");
        }
        ++at_;
        ExpectPunct("]");
        n.steps.push_back(std::move(s));
      } else {
        return n;
      }
    }
  }

  std::string_view src_;
  std::vector<Token> toks_;
  size_t at_ = 0;   // next token
  int depth_ = 0;   // nesting of Cond/Expr
  int params_ = 0;  // '?' seen
};

}  // namespace

std::string NotWellFormed(const std::string& detail) {
  return "Statement wasn't well formed, can't be processed: " + detail;
}

std::variant<Statement, std::string> Parse(std::string_view text) {
  try {
    return Parser(text).Run();
  } catch (SyntaxError& e) {
    return std::move(e.message);
  }
}

}  // namespace partiql
}  // namespace pd

#if defined(__clang__)
#pragma clang attribute pop
#endif

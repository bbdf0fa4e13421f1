#include "api/json_reader.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

namespace pd {
namespace api {
namespace {

using nlohmann::json;

class Reader {
 public:
  explicit Reader(std::string_view text)
      : p_(reinterpret_cast<const unsigned char*>(text.data())),
        begin_(p_),
        end_(p_ + text.size()) {}

  // Reads the whole text into *root; false on bad input (*root is then
  // partly built).
  bool Read(json* root);

  // Bytes read before the one where reading stopped.
  size_t offset() const { return static_cast<size_t>(p_ - begin_); }

 private:
  void SkipSpace() {
    while (p_ < end_ && (*p_ == ' ' || *p_ == '\t' || *p_ == '\n' || *p_ == '\r')) ++p_;
  }
  bool IsDigit() const { return p_ < end_ && *p_ >= '0' && *p_ <= '9'; }
  void SkipDigits() {
    while (IsDigit()) ++p_;
  }
  // REQUIRES: *p_ == word[0].
  bool ReadWord(std::string_view word);
  // REQUIRES: *p_ == '"'. Reads up to the closing quote, unescaped, into *out.
  bool ReadString(std::string* out);
  // Four hex digits (either case) as a number, or -1.
  int ReadHex4();
  // REQUIRES: *p_ is '-' or a digit.
  bool ReadNumber(json* out);
  // `"name" :` of the next member of *object: its slot (an existing member
  // of that name is overwritten), or nullptr on bad input.
  json* ReadName(json* object);

  const unsigned char* p_;
  const unsigned char* const begin_;
  const unsigned char* const end_;
};

bool Reader::ReadWord(std::string_view word) {
  if (static_cast<size_t>(end_ - p_) < word.size()) return false;
  for (char c : word) {
    if (*p_ != static_cast<unsigned char>(c)) return false;
    ++p_;
  }
  return true;
}

int Reader::ReadHex4() {
  if (end_ - p_ < 4) return -1;
  int value = 0;
  for (int i = 0; i < 4; ++i) {
    const unsigned c = *p_++;
    int digit;
    if (c >= '0' && c <= '9') {
      digit = static_cast<int>(c - '0');
    } else if (c >= 'A' && c <= 'F') {
      digit = static_cast<int>(c - 'A' + 10);
    } else if (c >= 'a' && c <= 'f') {
      digit = static_cast<int>(c - 'a' + 10);
    } else {
      return -1;
    }
    value = value * 16 + digit;
  }
  return value;
}

void AppendUtf8(int cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

bool Reader::ReadString(std::string* out) {
  ++p_;  // the opening quote
  for (;;) {
    const unsigned char* run = p_;
    while (p_ < end_ && *p_ >= 0x20 && *p_ < 0x80 && *p_ != '"' && *p_ != '\\') ++p_;
    out->append(reinterpret_cast<const char*>(run), static_cast<size_t>(p_ - run));
    if (p_ == end_) return false;
    const unsigned c = *p_;
    if (c == '"') {
      ++p_;
      return true;
    }
    if (c == '\\') {
      if (++p_ == end_) return false;
      switch (*p_++) {
        case '"':
          out->push_back('"');
          break;
        case '\\':
          out->push_back('\\');
          break;
        case '/':
          out->push_back('/');
          break;
        case 'b':
          out->push_back('\b');
          break;
        case 'f':
          out->push_back('\f');
          break;
        case 'n':
          out->push_back('\n');
          break;
        case 'r':
          out->push_back('\r');
          break;
        case 't':
          out->push_back('\t');
          break;
        case 'u': {
          int cp = ReadHex4();
          if (cp < 0) return false;
          if (cp >= 0xD800 && cp <= 0xDBFF) {
            if (end_ - p_ < 2 || p_[0] != '\\' || p_[1] != 'u') return false;
            p_ += 2;
            const int low = ReadHex4();
            if (low < 0xDC00 || low > 0xDFFF) return false;
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
          } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            return false;
          }
          AppendUtf8(cp, out);
          break;
        }
        default:
          return false;
      }
      continue;
    }
    if (c < 0x80) return false;  // a control character
    // A multi-byte UTF-8 sequence: `more` continuation bytes, the first of
    // them in [low, high] (no overlongs, no surrogates, nothing past U+10FFFF).
    int more;
    unsigned low = 0x80, high = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
      more = 1;
    } else if (c == 0xE0) {
      more = 2;
      low = 0xA0;
    } else if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF) {
      more = 2;
    } else if (c == 0xED) {
      more = 2;
      high = 0x9F;
    } else if (c == 0xF0) {
      more = 3;
      low = 0x90;
    } else if (c >= 0xF1 && c <= 0xF3) {
      more = 3;
    } else if (c == 0xF4) {
      more = 3;
      high = 0x8F;
    } else {
      return false;
    }
    if (end_ - p_ <= more) return false;
    if (p_[1] < low || p_[1] > high) return false;
    for (int i = 2; i <= more; ++i) {
      if (p_[i] < 0x80 || p_[i] > 0xBF) return false;
    }
    out->append(reinterpret_cast<const char*>(p_), static_cast<size_t>(more + 1));
    p_ += more + 1;
  }
}

bool Reader::ReadNumber(json* out) {
  const unsigned char* start = p_;
  const bool negative = *p_ == '-';
  if (negative) ++p_;
  if (!IsDigit()) return false;
  if (*p_++ != '0') SkipDigits();
  bool is_float = false;
  if (p_ < end_ && *p_ == '.') {
    ++p_;
    if (!IsDigit()) return false;
    SkipDigits();
    is_float = true;
  }
  if (p_ < end_ && (*p_ == 'e' || *p_ == 'E')) {
    ++p_;
    if (p_ < end_ && (*p_ == '+' || *p_ == '-')) ++p_;
    if (!IsDigit()) return false;
    SkipDigits();
    is_float = true;
  }
  // NUL-terminated for the strto* functions.
  const std::string token(reinterpret_cast<const char*>(start), static_cast<size_t>(p_ - start));
  char* token_end = nullptr;
  if (!is_float) {
    // As nlohmann's lexer: an integer out of its type's range is read as a float.
    errno = 0;
    if (negative) {
      const long long value = std::strtoll(token.c_str(), &token_end, 10);
      if (errno == 0) {
        *out = json(static_cast<json::number_integer_t>(value));
        return true;
      }
    } else {
      const unsigned long long value = std::strtoull(token.c_str(), &token_end, 10);
      if (errno == 0) {
        *out = json(static_cast<json::number_unsigned_t>(value));
        return true;
      }
    }
  }
  const double value = std::strtod(token.c_str(), &token_end);
  if (!std::isfinite(value)) return false;
  *out = json(value);
  return true;
}

json* Reader::ReadName(json* object) {
  SkipSpace();
  if (p_ == end_ || *p_ != '"') return nullptr;
  std::string name;
  if (!ReadString(&name)) return nullptr;
  SkipSpace();
  if (p_ == end_ || *p_ != ':') return nullptr;
  ++p_;
  return &(*object->get_ptr<json::object_t*>())[std::move(name)];
}

bool Reader::Read(json* root) {
  if (end_ - p_ >= 3 && p_[0] == 0xEF && p_[1] == 0xBB && p_[2] == 0xBF) p_ += 3;
  std::vector<json*> open;  // the arrays and objects being read, innermost last
  json* slot = root;        // where the next value goes
  for (;;) {
    SkipSpace();
    if (p_ == end_) return false;
    switch (*p_) {
      case '{':
        ++p_;
        *slot = json(json::value_t::object);
        SkipSpace();
        if (p_ < end_ && *p_ == '}') {
          ++p_;
          break;
        }
        open.push_back(slot);
        slot = ReadName(slot);
        if (slot == nullptr) return false;
        continue;
      case '[':
        ++p_;
        *slot = json(json::value_t::array);
        SkipSpace();
        if (p_ < end_ && *p_ == ']') {
          ++p_;
          break;
        }
        open.push_back(slot);
        slot = &slot->get_ptr<json::array_t*>()->emplace_back();
        continue;
      case '"': {
        std::string s;
        if (!ReadString(&s)) return false;
        *slot = json(std::move(s));
        break;
      }
      case 't':
        if (!ReadWord("true")) return false;
        *slot = json(true);
        break;
      case 'f':
        if (!ReadWord("false")) return false;
        *slot = json(false);
        break;
      case 'n':
        if (!ReadWord("null")) return false;
        *slot = json(nullptr);
        break;
      default:
        if (*p_ != '-' && !IsDigit()) return false;
        if (!ReadNumber(slot)) return false;
        break;
    }
    // A value is complete: close what ends here, then on to the next slot.
    for (;;) {
      SkipSpace();
      if (open.empty()) return p_ == end_ || *p_ == '\0';
      if (p_ == end_) return false;
      json* container = open.back();
      const bool is_array = container->is_array();
      if (*p_ == ',') {
        ++p_;
        slot =
            is_array ? &container->get_ptr<json::array_t*>()->emplace_back() : ReadName(container);
        if (slot == nullptr) return false;
        break;
      }
      if (*p_ != (is_array ? ']' : '}')) return false;
      ++p_;
      open.pop_back();
    }
  }
}

}  // namespace

nlohmann::json ReadJson(std::string_view text, bool allow_exceptions) {
  json result;
  Reader reader(text);
  if (reader.Read(&result)) return result;
  if (allow_exceptions) {
    throw json::parse_error::create(101, reader.offset() + 1, "syntax error while parsing value",
                                    nullptr);
  }
  return json(json::value_t::discarded);
}

}  // namespace api
}  // namespace pd

// The core's JSON reader: request text -> nlohmann::json DOM, without
// nlohmann's lexer and parser.
//
// ReadJson accepts exactly what json::parse(first, last, nullptr,
// allow_exceptions, ignore_comments = false) accepts and builds the same DOM,
// value types included (nlohmann 3.11's lexer, parser and DOM builder, read
// from their source):
//   - RFC 8259 JSON; whitespace is space, tab, LF, CR; no comments.
//   - A UTF-8 byte order mark (EF BB BF) at the very start is skipped.
//   - After the value only whitespace may follow, up to the end of the text
//     or up to a NUL byte (nlohmann's lexer reads NUL as the end of input, so
//     whatever follows a NUL there is not read).
//   - Strings: UTF-8 checked byte by byte (no overlongs, no surrogates, at
//     most U+10FFFF); bytes below 0x20 are errors; \uXXXX escapes in either
//     case, surrogate pairs joined, a lone surrogate an error; \u0000 allowed.
//   - Numbers: an integer without '-' is number_unsigned (strtoull), with '-'
//     number_integer (strtoll); one out of their range, or with a fraction or
//     exponent, is number_float (strtod), and a float that is not finite
//     (1e999) is an error.
//   - Objects: a repeated name keeps its last value.
//   - Depth: unlimited (an explicit stack, no recursion), as nlohmann's.
// On bad input: a discarded value (is_discarded()), or when allow_exceptions
// a json::parse_error (id 101) naming the byte offset where reading stopped
// (nlohmann's own message texts are not reproduced: no caller shows them).
//
// Why not nlohmann's parser: it is ~27 KB of wasm code (lexer, parser,
// error texts), and its lexer copies every byte into an error-context buffer.
// tests/cpp/api/json_reader_test.cc compares the two on fixed and random
// texts, value types and float bits included.
#ifndef PD_API_JSON_READER_H_
#define PD_API_JSON_READER_H_

#include <nlohmann/json.hpp>
#include <string_view>

namespace pd {
namespace api {

nlohmann::json ReadJson(std::string_view text, bool allow_exceptions);

}  // namespace api
}  // namespace pd

#endif  // PD_API_JSON_READER_H_

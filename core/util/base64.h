// Strict standard base64 (RFC 4648 section 4: alphabet A-Z a-z 0-9 + /,
// '=' padding), as DynamoDB uses for B and BS values on the wire.
//
// Encoding always pads to a multiple of 4 characters.
//
// Decoding accepts exactly what Base64Encode can produce and nothing else,
// and reports problems with the details DynamoDB's JSON layer puts after
// "'<text>' can not be converted to a Blob: ", checked in this order:
//   1. length not a multiple of 4:
//        "Base64 encoded length is expected a multiple of 4 bytes but found: <n>"
//   2. a character outside the alphabet, or '=' followed by anything but '=':
//        "Invalid Base64 character: '<c>'"       (the first such character)
//   3. anything else that is not canonical: more than two '=', or non-zero
//      unused bits in the last data character ("QR==" instead of "QQ=="):
//        "Invalid last non-pad Base64 character dectected"  (sic, DynamoDB's text)
// Failures are Validation (the text is the user's: a B or BS value, a
// Blob parameter) with that detail as the message. The detail is not a whole
// ValidationException text: callers put it into DynamoDB's
// SerializationException (value/json_codec.cc, api/spec.cc).
#ifndef PD_UTIL_BASE64_H_
#define PD_UTIL_BASE64_H_

#include <string>
#include <string_view>

#include "util/status.h"

namespace pd {

// Standard padded base64 of `bytes`.
std::string Base64Encode(std::string_view bytes);

// The bytes `text` encodes, or Validation with the detail (see above).
Result<std::string> Base64Decode(std::string_view text);

}  // namespace pd

#endif  // PD_UTIL_BASE64_H_

#include "util/base64.h"

#include <doctest/doctest.h>

#include <random>
#include <string>

namespace pd {
namespace {

std::string DecodeError(std::string_view text) {
  Result<std::string> r = Base64Decode(text);
  REQUIRE_MESSAGE(!r.ok(), text);
  CHECK(r.status().IsValidation());  // the user's text, not a broken contract
  return r.status().message();
}

TEST_CASE("Base64 encodes RFC 4648 test vectors") {
  CHECK(Base64Encode("") == "");
  CHECK(Base64Encode("f") == "Zg==");
  CHECK(Base64Encode("fo") == "Zm8=");
  CHECK(Base64Encode("foo") == "Zm9v");
  CHECK(Base64Encode("foob") == "Zm9vYg==");
  CHECK(Base64Encode("fooba") == "Zm9vYmE=");
  CHECK(Base64Encode("foobar") == "Zm9vYmFy");
  CHECK(Base64Encode(std::string("\x00\xff\xfe", 3)) == "AP/+");
}

TEST_CASE("Base64 decodes what it encodes, for every length and byte") {
  std::mt19937 rng(7);
  for (int len = 0; len < 64; ++len) {
    for (int rep = 0; rep < 20; ++rep) {
      std::string bytes;
      for (int i = 0; i < len; ++i) bytes.push_back(static_cast<char>(rng() & 0xFF));
      Result<std::string> back = Base64Decode(Base64Encode(bytes));
      REQUIRE(back.ok());
      CHECK(*back == bytes);
    }
  }
}

TEST_CASE("Base64 decoding is strict, with DynamoDB's details") {
  CHECK(DecodeError("abc") ==
        "Base64 encoded length is expected a multiple of 4 bytes but found: 3");
  CHECK(DecodeError("Zg=") ==
        "Base64 encoded length is expected a multiple of 4 bytes but found: 3");
  CHECK(DecodeError("Zm9v!A==") == "Invalid Base64 character: '!'");
  CHECK(DecodeError("Zm9v YQ=") == "Invalid Base64 character: ' '");
  CHECK(DecodeError("Zm-v") == "Invalid Base64 character: '-'");
  CHECK(DecodeError("Zm_v") == "Invalid Base64 character: '_'");
  CHECK(DecodeError("Zg=a") == "Invalid Base64 character: '='");
  CHECK(DecodeError("Z=g=") == "Invalid Base64 character: '='");
  CHECK(DecodeError("Zg==Zg==") == "Invalid Base64 character: '='");
  CHECK(DecodeError("\xC3\xA9\xC3\xA9") == "Invalid Base64 character: '\xC3\xA9'");
  CHECK(DecodeError("Zh==") == "Invalid last non-pad Base64 character dectected");
  CHECK(DecodeError("Zm9=") == "Invalid last non-pad Base64 character dectected");
  CHECK(DecodeError("Z===") == "Invalid last non-pad Base64 character dectected");
  CHECK(DecodeError("====") == "Invalid last non-pad Base64 character dectected");
  CHECK(Base64Decode("Zm8=").value() == "fo");
  CHECK(Base64Decode("").value() == "");
}

}  // namespace
}  // namespace pd

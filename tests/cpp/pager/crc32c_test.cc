// util/crc32c.h: known vectors, Extend composition, and agreement with a
// bit-at-a-time reference over random buffers, lengths and alignments.
#include "util/crc32c.h"

#include <doctest/doctest.h>

#include <random>
#include <string>
#include <vector>

namespace pd {
namespace {

uint32_t Reference(const uint8_t* p, size_t n) {
  uint32_t c = 0xffffffffu;
  for (size_t i = 0; i < n; ++i) {
    c ^= p[i];
    for (int k = 0; k < 8; ++k) c = (c & 1) ? (c >> 1) ^ 0x82F63B78u : c >> 1;
  }
  return ~c;
}

uint32_t Of(const std::string& s) {
  return Crc32c(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

TEST_CASE("CRC32C known vectors") {
  CHECK(Of("123456789") == 0xE3069283u);
  CHECK(Of("") == 0u);
  CHECK(Crc32c(nullptr, 0) == 0u);
  CHECK(Of("a") == 0xC1D04330u);
  // RFC 3720 (iSCSI) B.4 test vectors.
  CHECK(Of(std::string(32, '\0')) == 0x8A9136AAu);
  CHECK(Of(std::string(32, '\xff')) == 0x62A8AB43u);
  std::string up, down;
  for (int i = 0; i < 32; ++i) {
    up.push_back(static_cast<char>(i));
    down.push_back(static_cast<char>(31 - i));
  }
  CHECK(Of(up) == 0x46DD794Eu);
  CHECK(Of(down) == 0x113FDB5Cu);
  CHECK(crc32c::Value(reinterpret_cast<const uint8_t*>("123456789"), 9) == 0xE3069283u);
}

TEST_CASE("CRC32C matches a bitwise reference; Extend composes") {
  std::mt19937 rng(1234);
  std::vector<uint8_t> buf(70000);
  for (auto& b : buf) b = static_cast<uint8_t>(rng());
  for (int iter = 0; iter < 300; ++iter) {
    size_t off = rng() % 16;  // unaligned starts
    size_t n = iter < 100 ? static_cast<size_t>(iter) : rng() % (buf.size() - off);
    const uint8_t* p = buf.data() + off;
    uint32_t want = Reference(p, n);
    REQUIRE(Crc32c(p, n) == want);
    size_t split = n == 0 ? 0 : rng() % (n + 1);
    REQUIRE(crc32c::Extend(Crc32c(p, split), p + split, n - split) == want);
  }
  // A single flipped bit anywhere in a page changes the CRC.
  std::vector<uint8_t> page(buf.begin(), buf.begin() + 4096);
  uint32_t base = Crc32c(page.data(), page.size());
  for (size_t i = 0; i < page.size(); i += 37) {
    page[i] ^= static_cast<uint8_t>(1u << (i % 8));
    REQUIRE(Crc32c(page.data(), page.size()) != base);
    page[i] ^= static_cast<uint8_t>(1u << (i % 8));
  }
}

}  // namespace
}  // namespace pd

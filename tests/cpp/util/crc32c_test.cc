// util/crc32c.h: known vectors, Extend composition, and agreement with a
// bit-at-a-time reference and the byte-at-a-time table code over random
// buffers, lengths and alignments, for every implementation (the portable
// slicing-by-16 and, natively on x86-64 with SSE4.2, the CPU instruction).
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

// The classic byte-at-a-time table loop (what util/crc32c.cc's tail loop and
// the first implementation did), as a second, independent reference.
uint32_t ByteTable(uint32_t crc, const uint8_t* p, size_t n) {
  static const std::vector<uint32_t> table = [] {
    std::vector<uint32_t> t(256);
    for (uint32_t b = 0; b < 256; ++b) {
      uint32_t c = b;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? (c >> 1) ^ 0x82F63B78u : c >> 1;
      t[b] = c;
    }
    return t;
  }();
  uint32_t c = ~crc;
  for (size_t i = 0; i < n; ++i) c = (c >> 8) ^ table[(c ^ p[i]) & 0xff];
  return ~c;
}

using ExtendFn = uint32_t (*)(uint32_t, const uint8_t*, size_t);

// Every implementation Extend may use here, by name.
std::vector<std::pair<const char*, ExtendFn>> Implementations() {
  std::vector<std::pair<const char*, ExtendFn>> out = {
      {"Extend", &crc32c::Extend}, {"portable", &crc32c::internal::ExtendPortable}};
  if (crc32c::internal::HardwareAvailable())
    out.push_back({"hardware", &crc32c::internal::ExtendHardware});
  return out;
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

TEST_CASE("CRC32C: every implementation matches the references, at every split point") {
  MESSAGE("hardware CRC32C available: " << crc32c::internal::HardwareAvailable());
  std::mt19937 rng(99);
  std::vector<uint8_t> buf(20000);
  for (auto& b : buf) b = static_cast<uint8_t>(rng());
  for (const auto& impl : Implementations()) {
    const char* name = impl.first;  // a plain variable: clang cannot capture a structured binding
    const ExtendFn extend = impl.second;
    INFO(name);
    // RFC 3720 B.4 vectors and the check value, through this implementation.
    const std::string check = "123456789";
    CHECK(extend(0, reinterpret_cast<const uint8_t*>(check.data()), 9) == 0xE3069283u);
    std::vector<uint8_t> zeros(32, 0), ones(32, 0xff), up(32), down(32);
    for (int i = 0; i < 32; ++i) {
      up[i] = static_cast<uint8_t>(i);
      down[i] = static_cast<uint8_t>(31 - i);
    }
    CHECK(extend(0, zeros.data(), 32) == 0x8A9136AAu);
    CHECK(extend(0, ones.data(), 32) == 0x62A8AB43u);
    CHECK(extend(0, up.data(), 32) == 0x46DD794Eu);
    CHECK(extend(0, down.data(), 32) == 0x113FDB5Cu);
    CHECK(extend(0, nullptr, 0) == 0u);
    CHECK(extend(0x12345678u, nullptr, 0) == 0x12345678u);
    // Random buffers: every length 0..64 at every alignment 0..15, then
    // random lengths up to the buffer, from a random starting CRC.
    for (size_t off = 0; off < 16; ++off) {
      for (size_t n = 0; n <= 64; ++n) {
        const uint8_t* p = buf.data() + off;
        REQUIRE(extend(0, p, n) == Reference(p, n));
        const uint32_t seed = static_cast<uint32_t>(rng());
        REQUIRE(extend(seed, p, n) == ByteTable(seed, p, n));
      }
    }
    for (int iter = 0; iter < 200; ++iter) {
      const size_t off = rng() % 16;
      const size_t n = rng() % (buf.size() - off);
      const uint8_t* p = buf.data() + off;
      const uint32_t seed = static_cast<uint32_t>(rng());
      REQUIRE(extend(seed, p, n) == ByteTable(seed, p, n));
    }
    // Every split point of a 1000-byte buffer (and of an 8 KiB page at
    // every 7th byte): Extend(Extend(0, a), b) == the CRC of a ++ b.
    for (size_t total : {size_t{1000}, size_t{8192}}) {
      const uint8_t* p = buf.data() + 3;
      const uint32_t want = Reference(p, total);
      for (size_t split = 0; split <= total; split += total == 1000 ? 1 : 7) {
        REQUIRE(extend(extend(0, p, split), p + split, total - split) == want);
      }
    }
  }
}

TEST_CASE("CRC32C: the implementations agree with each other on pages") {
  std::mt19937 rng(4321);
  std::vector<uint8_t> page(65536);
  const auto impls = Implementations();
  for (int iter = 0; iter < 50; ++iter) {
    for (auto& b : page) b = static_cast<uint8_t>(rng());
    const size_t n = iter < 10 ? page.size() : rng() % page.size();
    const uint32_t want = ByteTable(0, page.data(), n);
    for (const auto& impl : impls) {
      const char* name = impl.first;
      const ExtendFn extend = impl.second;
      INFO(name);
      REQUIRE(extend(0, page.data(), n) == want);
    }
  }
}

}  // namespace
}  // namespace pd

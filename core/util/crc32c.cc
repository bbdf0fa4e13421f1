// Slicing-by-8 CRC32C. kTable[0] is the classic byte-at-a-time table;
// kTable[k][b] is the CRC of byte b followed by k zero bytes, so eight input
// bytes can be folded with eight lookups. Tables are built at compile time.
#include "util/crc32c.h"

#include <array>

namespace pd {
namespace crc32c {
namespace {

constexpr uint32_t kPoly = 0x82F63B78u;  // reflected Castagnoli polynomial

using Tables = std::array<std::array<uint32_t, 256>, 8>;

constexpr Tables MakeTables() {
  Tables t{};
  for (uint32_t b = 0; b < 256; ++b) {
    uint32_t c = b;
    for (int i = 0; i < 8; ++i) c = (c & 1) ? (c >> 1) ^ kPoly : c >> 1;
    t[0][b] = c;
  }
  for (uint32_t b = 0; b < 256; ++b) {
    for (int k = 1; k < 8; ++k) t[k][b] = (t[k - 1][b] >> 8) ^ t[0][t[k - 1][b] & 0xff];
  }
  return t;
}

constexpr Tables kTable = MakeTables();

inline uint32_t Load32(const uint8_t* p) {
  return static_cast<uint32_t>(p[0]) | (static_cast<uint32_t>(p[1]) << 8) |
         (static_cast<uint32_t>(p[2]) << 16) | (static_cast<uint32_t>(p[3]) << 24);
}

}  // namespace

uint32_t Extend(uint32_t crc, const uint8_t* data, size_t n) {
  uint32_t c = ~crc;
  const uint8_t* p = data;
  const uint8_t* end = data + n;
  // Eight bytes per step while at least eight remain, then byte by byte.
  while (end - p >= 8) {
    uint32_t lo = Load32(p) ^ c;
    uint32_t hi = Load32(p + 4);
    c = kTable[7][lo & 0xff] ^ kTable[6][(lo >> 8) & 0xff] ^ kTable[5][(lo >> 16) & 0xff] ^
        kTable[4][lo >> 24] ^ kTable[3][hi & 0xff] ^ kTable[2][(hi >> 8) & 0xff] ^
        kTable[1][(hi >> 16) & 0xff] ^ kTable[0][hi >> 24];
    p += 8;
  }
  while (p < end) c = (c >> 8) ^ kTable[0][(c ^ *p++) & 0xff];
  return ~c;
}

}  // namespace crc32c
}  // namespace pd

// Slicing-by-8 CRC32C. kTables.t[0] is the classic byte-at-a-time table;
// kTables.t[k][b] is the CRC of byte b followed by k zero bytes, so eight
// input bytes fold in with eight lookups. The tables are built at compile
// time. The loop uses plain arrays and no helper calls so that unoptimised
// sanitizer builds (CMAKE_BUILD_TYPE=Debug) stay usable: every commit and
// every load checksums every page it touches.
#include "util/crc32c.h"

namespace pd {
namespace crc32c {
namespace {

constexpr uint32_t kPoly = 0x82F63B78u;  // reflected Castagnoli polynomial

struct Tables {
  uint32_t t[8][256];  // t[k][b]: CRC contribution of byte b followed by k zero bytes
};

constexpr Tables MakeTables() {
  Tables tables{};
  for (uint32_t b = 0; b < 256; ++b) {
    uint32_t c = b;
    for (int i = 0; i < 8; ++i) c = (c & 1) ? (c >> 1) ^ kPoly : c >> 1;
    tables.t[0][b] = c;
  }
  for (uint32_t b = 0; b < 256; ++b) {
    for (int k = 1; k < 8; ++k) {
      tables.t[k][b] = (tables.t[k - 1][b] >> 8) ^ tables.t[0][tables.t[k - 1][b] & 0xff];
    }
  }
  return tables;
}

constexpr Tables kTables = MakeTables();

}  // namespace

uint32_t Extend(uint32_t crc, const uint8_t* data, size_t n) {
  const uint32_t(*t)[256] = kTables.t;
  uint32_t c = ~crc;
  const uint8_t* p = data;
  const uint8_t* end = data + n;
  // Eight bytes per step while at least eight remain, then byte by byte.
  while (end - p >= 8) {
    uint32_t lo = (static_cast<uint32_t>(p[0]) | (static_cast<uint32_t>(p[1]) << 8) |
                   (static_cast<uint32_t>(p[2]) << 16) | (static_cast<uint32_t>(p[3]) << 24)) ^
                  c;
    c = t[7][lo & 0xff] ^ t[6][(lo >> 8) & 0xff] ^ t[5][(lo >> 16) & 0xff] ^ t[4][lo >> 24] ^
        t[3][p[4]] ^ t[2][p[5]] ^ t[1][p[6]] ^ t[0][p[7]];
    p += 8;
  }
  while (p < end) c = (c >> 8) ^ t[0][(c ^ *p++) & 0xff];
  return ~c;
}

}  // namespace crc32c
}  // namespace pd

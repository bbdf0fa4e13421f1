// CRC32C, two implementations with the same results:
//   - portable slicing-by-16 (every platform, and the only one in wasm32):
//     t[0] is the classic byte-at-a-time table; t[k][b] is the CRC of byte b
//     followed by k zero bytes, so sixteen input bytes fold in with sixteen
//     independent lookups (in wasm ~1.1-1.3x slicing-by-8's rate). The
//     tables (16 KiB) are built on first use rather than at compile time,
//     which keeps them out of the wasm module's data section (they do not
//     compress).
//   - x86-64 natively: the SSE4.2 crc32 instruction (8 bytes per
//     instruction), used when the CPU reports SSE4.2 at run time
//     (__builtin_cpu_supports); the file is compiled for baseline x86-64, only
//     the one function is compiled for SSE4.2. About 15-20x the portable
//     loop on 8 KiB pages.
// The loops use plain arrays and no helper calls so that unoptimised
// sanitizer builds (CMAKE_BUILD_TYPE=Debug) stay usable: every commit and
// every load checksums every page it touches.
#include "util/crc32c.h"

#include <cstring>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__)) && !defined(__EMSCRIPTEN__)
#define PD_CRC32C_SSE42 1
#include <nmmintrin.h>
#endif

namespace pd {
namespace crc32c {
namespace {

constexpr uint32_t kPoly = 0x82F63B78u;  // reflected Castagnoli polynomial

constexpr int kSlices = 16;

struct Tables {
  uint32_t t[kSlices][256];  // t[k][b]: CRC contribution of byte b followed by k zero bytes
};

Tables MakeTables() {
  Tables tables{};
  for (uint32_t b = 0; b < 256; ++b) {
    uint32_t c = b;
    for (int i = 0; i < 8; ++i) c = (c & 1) ? (c >> 1) ^ kPoly : c >> 1;
    tables.t[0][b] = c;
  }
  for (uint32_t b = 0; b < 256; ++b) {
    for (int k = 1; k < kSlices; ++k) {
      tables.t[k][b] = (tables.t[k - 1][b] >> 8) ^ tables.t[0][tables.t[k - 1][b] & 0xff];
    }
  }
  return tables;
}

const Tables& GetTables() {
  static const Tables tables = MakeTables();
  return tables;
}

#ifdef PD_CRC32C_SSE42
bool DetectSse42() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("sse4.2");
}

const bool kHaveSse42 = DetectSse42();

__attribute__((target("sse4.2"))) uint32_t ExtendSse42(uint32_t crc, const uint8_t* data,
                                                       size_t n) {
  uint64_t c = ~crc;
  const uint8_t* p = data;
  const uint8_t* end = data + n;
  while (end - p >= 8) {
    uint64_t word;
    std::memcpy(&word, p, 8);  // any alignment; x86 is little-endian, as the tables assume
    c = _mm_crc32_u64(c, word);
    p += 8;
  }
  uint32_t c32 = static_cast<uint32_t>(c);
  while (p < end) c32 = _mm_crc32_u8(c32, *p++);
  return ~c32;
}
#endif

}  // namespace

namespace internal {

uint32_t ExtendPortable(uint32_t crc, const uint8_t* data, size_t n) {
  const uint32_t(*t)[256] = GetTables().t;
  uint32_t c = ~crc;
  const uint8_t* p = data;
  const uint8_t* end = data + n;
  // Sixteen bytes per step while at least sixteen remain, then byte by byte.
  while (end - p >= 16) {
    uint32_t lo = (static_cast<uint32_t>(p[0]) | (static_cast<uint32_t>(p[1]) << 8) |
                   (static_cast<uint32_t>(p[2]) << 16) | (static_cast<uint32_t>(p[3]) << 24)) ^
                  c;
    c = t[15][lo & 0xff] ^ t[14][(lo >> 8) & 0xff] ^ t[13][(lo >> 16) & 0xff] ^ t[12][lo >> 24] ^
        t[11][p[4]] ^ t[10][p[5]] ^ t[9][p[6]] ^ t[8][p[7]] ^ t[7][p[8]] ^ t[6][p[9]] ^
        t[5][p[10]] ^ t[4][p[11]] ^ t[3][p[12]] ^ t[2][p[13]] ^ t[1][p[14]] ^ t[0][p[15]];
    p += 16;
  }
  while (p < end) c = (c >> 8) ^ t[0][(c ^ *p++) & 0xff];
  return ~c;
}

bool HardwareAvailable() {
#ifdef PD_CRC32C_SSE42
  return kHaveSse42;
#else
  return false;
#endif
}

uint32_t ExtendHardware(uint32_t crc, const uint8_t* data, size_t n) {
#ifdef PD_CRC32C_SSE42
  if (kHaveSse42) return ExtendSse42(crc, data, n);
#endif
  return ExtendPortable(crc, data, n);
}

}  // namespace internal

uint32_t Extend(uint32_t crc, const uint8_t* data, size_t n) {
#ifdef PD_CRC32C_SSE42
  if (kHaveSse42) return ExtendSse42(crc, data, n);
#endif
  return internal::ExtendPortable(crc, data, n);
}

}  // namespace crc32c
}  // namespace pd

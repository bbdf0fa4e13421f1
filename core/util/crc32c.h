// CRC32C (Castagnoli, reflected polynomial 0x82F63B78), as used by iSCSI,
// ext4, LevelDB: the checksum of every page image (pager/format.h).
//
//   uint32_t c = crc32c::Value(data, n);          // or pd::Crc32c(data, n)
//   uint32_t c2 = crc32c::Extend(c, more, m);     // == Value(data ++ more)
//
// Portable table-driven (slicing-by-16) code in wasm32 and wherever the CPU
// has no CRC32C instruction; natively on x86-64 the SSE4.2 crc32 instruction
// when the CPU has it (detected at run time). Both give the same results.
// Known vector:
// Crc32c("123456789", 9) == 0xE3069283. Crc32c(anything, 0) == 0.
// REQUIRES: data points to at least n readable bytes (any alignment); data
// may be nullptr when n == 0.
#ifndef PD_UTIL_CRC32C_H_
#define PD_UTIL_CRC32C_H_

#include <cstddef>
#include <cstdint>

namespace pd {
namespace crc32c {

// The CRC32C of data[0, n) appended to a byte string whose CRC32C is `crc`.
uint32_t Extend(uint32_t crc, const uint8_t* data, size_t n);

// The CRC32C of data[0, n).
inline uint32_t Value(const uint8_t* data, size_t n) { return Extend(0, data, n); }

// The two implementations behind Extend, for tests and benchmarks.
namespace internal {
uint32_t ExtendPortable(uint32_t crc, const uint8_t* data, size_t n);  // slicing-by-16
bool HardwareAvailable();  // true when Extend uses the CPU's instruction
// The CPU's instruction when HardwareAvailable(), else ExtendPortable.
uint32_t ExtendHardware(uint32_t crc, const uint8_t* data, size_t n);
}  // namespace internal

}  // namespace crc32c

inline uint32_t Crc32c(const uint8_t* data, size_t n) { return crc32c::Extend(0, data, n); }

}  // namespace pd

#endif  // PD_UTIL_CRC32C_H_

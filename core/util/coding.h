// Fixed-width integer encodings and varints over raw byte buffers.
//
// Byte orders:
//   EncodeFixed16/32/64, DecodeFixed16/32/64   little-endian (page formats)
//   EncodeBigEndian32/64, DecodeBigEndian32/64 big-endian (order-preserving
//                                              key encodings: memcmp order ==
//                                              numeric order for unsigned)
// Every function works byte by byte, so `dst`/`p` need no alignment (safe on
// wasm32 and under UBSan). REQUIRES for Encode*/Decode*: the buffer holds at
// least 2, 4 or 8 bytes from `dst`/`p`.
//
// Varint grammar (LevelDB/protobuf base-128):
//   varint := { byte with bit 7 set } byte with bit 7 clear
//   Each byte carries 7 value bits, least significant group first.
//   A varint32 is at most 5 bytes, a varint64 at most 10 bytes.
// GetVarint32/64 read one varint from [p, limit) and return the pointer just
// past it, or nullptr if the input is truncated (no terminating byte before
// limit) or malformed (too many bytes, or bits beyond 32/64 set in the last
// byte). On nullptr, *v is unspecified.
#ifndef PD_UTIL_CODING_H_
#define PD_UTIL_CODING_H_

#include <cstdint>
#include <string>

namespace pd {

inline void EncodeFixed16(uint8_t* dst, uint16_t v) {
  dst[0] = static_cast<uint8_t>(v);
  dst[1] = static_cast<uint8_t>(v >> 8);
}

inline void EncodeFixed32(uint8_t* dst, uint32_t v) {
  dst[0] = static_cast<uint8_t>(v);
  dst[1] = static_cast<uint8_t>(v >> 8);
  dst[2] = static_cast<uint8_t>(v >> 16);
  dst[3] = static_cast<uint8_t>(v >> 24);
}

inline void EncodeFixed64(uint8_t* dst, uint64_t v) {
  EncodeFixed32(dst, static_cast<uint32_t>(v));
  EncodeFixed32(dst + 4, static_cast<uint32_t>(v >> 32));
}

inline uint16_t DecodeFixed16(const uint8_t* p) {
  return static_cast<uint16_t>(static_cast<uint16_t>(p[0]) |
                               (static_cast<uint16_t>(p[1]) << 8));
}

inline uint32_t DecodeFixed32(const uint8_t* p) {
  return static_cast<uint32_t>(p[0]) | (static_cast<uint32_t>(p[1]) << 8) |
         (static_cast<uint32_t>(p[2]) << 16) | (static_cast<uint32_t>(p[3]) << 24);
}

inline uint64_t DecodeFixed64(const uint8_t* p) {
  return static_cast<uint64_t>(DecodeFixed32(p)) |
         (static_cast<uint64_t>(DecodeFixed32(p + 4)) << 32);
}

inline void EncodeBigEndian32(uint8_t* dst, uint32_t v) {
  dst[0] = static_cast<uint8_t>(v >> 24);
  dst[1] = static_cast<uint8_t>(v >> 16);
  dst[2] = static_cast<uint8_t>(v >> 8);
  dst[3] = static_cast<uint8_t>(v);
}

inline void EncodeBigEndian64(uint8_t* dst, uint64_t v) {
  EncodeBigEndian32(dst, static_cast<uint32_t>(v >> 32));
  EncodeBigEndian32(dst + 4, static_cast<uint32_t>(v));
}

inline uint32_t DecodeBigEndian32(const uint8_t* p) {
  return (static_cast<uint32_t>(p[0]) << 24) | (static_cast<uint32_t>(p[1]) << 16) |
         (static_cast<uint32_t>(p[2]) << 8) | static_cast<uint32_t>(p[3]);
}

inline uint64_t DecodeBigEndian64(const uint8_t* p) {
  return (static_cast<uint64_t>(DecodeBigEndian32(p)) << 32) |
         static_cast<uint64_t>(DecodeBigEndian32(p + 4));
}

// Appends the varint encoding of v to *dst.
void PutVarint32(std::string* dst, uint32_t v);
void PutVarint64(std::string* dst, uint64_t v);

// Reads a varint from [p, limit); see the grammar above.
const uint8_t* GetVarint32(const uint8_t* p, const uint8_t* limit, uint32_t* v);
const uint8_t* GetVarint64(const uint8_t* p, const uint8_t* limit, uint64_t* v);

// Number of bytes PutVarint64(v) appends (1..10); also right for varint32.
int VarintLength(uint64_t v);

}  // namespace pd

#endif  // PD_UTIL_CODING_H_

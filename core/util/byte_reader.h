// ByteReader: reads a persisted byte form front to back (the table layer's
// catalog entries, index sections, stream entries and records, and the item
// codec's items). Every getter returns OK or Corruption naming the form and
// the field, so a decoder is a list of PD_TRY(r.Get(...)) lines (below) and a
// damaged or truncated record is reported, never read past its end.
//
// The item codec (value/item_codec.cc) reads every stored item on every
// read, so it takes the Take* forms instead: inline, true or false, no
// Status built per field; it writes its own message when one fails.
//
// Messages: "<form>: truncated at <field>", "<form>: bad varint in <field>",
// "<form>: bad value of <field>" (a byte above its maximum),
// "<form>: out of range: <field>" (a varint or length above its maximum);
// Bad() builds the same shape for a decoder's own checks.
#ifndef PD_UTIL_BYTE_READER_H_
#define PD_UTIL_BYTE_READER_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "util/coding.h"
#include "util/status.h"

namespace pd {

class ByteReader {
 public:
  // `form` names what is read, for messages; it must outlive the reader
  // (a string literal).
  ByteReader(const char* form, std::string_view bytes)
      : form_(form),
        p_(reinterpret_cast<const uint8_t*>(bytes.data())),
        limit_(p_ + bytes.size()) {}

  bool done() const { return p_ == limit_; }

  // One byte, at most `max`.
  Status Byte(const char* field, uint8_t* out, uint8_t max = UINT8_MAX);
  // One byte, 0 or 1.
  Status Bool(const char* field, bool* out);
  // A varint64 (util/coding.h), at most `max`.
  Status Varint(const char* field, uint64_t* out, uint64_t max = UINT64_MAX);
  // 8 bytes little-endian; Signed64 reads them as two's complement.
  Status Fixed64(const char* field, uint64_t* out);
  Status Signed64(const char* field, int64_t* out);
  // A varint length, at most `max`, then that many bytes.
  Status String(const char* field, std::string* out, uint64_t max = UINT64_MAX);

  // Corruption "<form>: <what><field>", e.g. Bad("bad key type in ", field).
  Status Bad(const char* what, const char* field) const;

  // ---- Take*: the item codec's forms (false when the bytes do not hold one)

  size_t remaining() const { return static_cast<size_t>(limit_ - p_); }

  bool TakeByte(uint8_t* b) {
    if (p_ == limit_) return false;
    *b = *p_++;
    return true;
  }

  // A minimal-length varint32 (longer forms of the same value are refused).
  bool TakeVarint32(uint32_t* v) {
    const uint8_t* next = GetVarint32(p_, limit_, v);
    if (next == nullptr || next - p_ != VarintLength(*v)) return false;
    p_ = next;
    return true;
  }

  // A TakeVarint32 length, then that many bytes, as a view into the input.
  bool TakeBytes(std::string_view* out) {
    uint32_t len;
    if (!TakeVarint32(&len) || len > remaining()) return false;
    *out = std::string_view(reinterpret_cast<const char*>(p_), len);
    p_ += len;
    return true;
  }

  // A TakeVarint32 count of elements each at least `min_size` bytes long:
  // bounded by the input left, so hostile counts cannot trigger huge
  // allocations.
  bool TakeCount(size_t min_size, uint32_t* n) {
    return TakeVarint32(n) && static_cast<uint64_t>(*n) * min_size <= remaining();
  }

 private:
  const char* form_;      // what is read, for messages
  const uint8_t* p_;      // next unread byte
  const uint8_t* limit_;  // one past the last byte
};

}  // namespace pd

// Returns the Status of `expr` from the enclosing function (which returns a
// Status or a Result) when it is not OK: a decoder's PD_TRY(r.Byte(...)).
#define PD_TRY(expr)                       \
  do {                                     \
    ::pd::Status pd_try_s_ = (expr);       \
    if (!pd_try_s_.ok()) return pd_try_s_; \
  } while (0)

#endif  // PD_UTIL_BYTE_READER_H_

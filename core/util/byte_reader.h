// ByteReader: reads a persisted byte form front to back (the table layer's
// catalog entries, index sections, stream entries and records). Every getter
// returns OK or Corruption naming the form and the field, so a decoder is a
// list of PD_TRY(r.Get(...)) lines (below) and a damaged or
// truncated record is reported, never read past its end.
//
// Messages: "<form>: truncated at <field>", "<form>: bad varint in <field>",
// "<form>: bad value of <field>" (a byte above its maximum),
// "<form>: out of range: <field>" (a varint or length above its maximum);
// Bad() builds the same shape for a decoder's own checks.
#ifndef PD_UTIL_BYTE_READER_H_
#define PD_UTIL_BYTE_READER_H_

#include <cstdint>
#include <string>
#include <string_view>

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

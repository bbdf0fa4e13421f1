#include "util/byte_reader.h"

#include <cstring>

#include "util/coding.h"

namespace pd {

Status ByteReader::Byte(const char* field, uint8_t* out, uint8_t max) {
  if (p_ == limit_) return Bad("truncated at ", field);
  if (*p_ > max) return Bad("bad value of ", field);
  *out = *p_++;
  return Status::OK();
}

Status ByteReader::Bool(const char* field, bool* out) {
  uint8_t b = 0;
  PD_TRY(Byte(field, &b, 1));
  *out = b == 1;
  return Status::OK();
}

Status ByteReader::Varint(const char* field, uint64_t* out, uint64_t max) {
  const uint8_t* next = GetVarint64(p_, limit_, out);
  if (next == nullptr) return Bad("bad varint in ", field);
  if (*out > max) return Bad("out of range: ", field);
  p_ = next;
  return Status::OK();
}

Status ByteReader::Fixed64(const char* field, uint64_t* out) {
  if (limit_ - p_ < 8) return Bad("truncated at ", field);
  *out = DecodeFixed64(p_);
  p_ += 8;
  return Status::OK();
}

Status ByteReader::Signed64(const char* field, int64_t* out) {
  uint64_t u = 0;
  PD_TRY(Fixed64(field, &u));
  std::memcpy(out, &u, sizeof(u));
  return Status::OK();
}

Status ByteReader::String(const char* field, std::string* out, uint64_t max) {
  uint64_t n = 0;
  PD_TRY(Varint(field, &n, max));
  if (static_cast<uint64_t>(limit_ - p_) < n) return Bad("truncated at ", field);
  out->assign(reinterpret_cast<const char*>(p_), static_cast<size_t>(n));
  p_ += n;
  return Status::OK();
}

Status ByteReader::Bad(const char* what, const char* field) const {
  return Status::Corruption(std::string(form_) + ": " + what + field);
}

}  // namespace pd

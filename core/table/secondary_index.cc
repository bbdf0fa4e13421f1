// Secondary index definitions: the small accessors and the section 1 byte
// form (contract and format in table/secondary_index.h). Reading them from a
// CreateTable or UpdateTable request is api/'s (api/table_request.h).
#include "table/secondary_index.h"

#include <set>
#include <utility>

#include "table/limits.h"
#include "util/byte_reader.h"
#include "util/coding.h"

namespace pd {
namespace {

constexpr uint64_t kMaxEncodedIndexes = kMaxLocalSecondaryIndexes + kMaxGlobalSecondaryIndexes;
constexpr uint32_t kMaxEncodedStringBytes = 1 << 16;  // any one name

char TypeByte(AttributeType t) {
  switch (t) {
    case AttributeType::kN:
      return 'N';
    case AttributeType::kB:
      return 'B';
    default:
      return 'S';
  }
}

}  // namespace

const char* ProjectionTypeName(ProjectionType type) {
  switch (type) {
    case ProjectionType::kKeysOnly:
      return "KEYS_ONLY";
    case ProjectionType::kInclude:
      return "INCLUDE";
    default:
      return "ALL";
  }
}

bool SecondaryIndex::Projects(std::string_view attribute, const std::string& table_hash,
                              const std::optional<std::string>& table_range) const {
  if (projection == ProjectionType::kAll) return true;
  if (attribute == hash_name || (range_name && attribute == *range_name)) return true;
  if (attribute == table_hash || (table_range && attribute == *table_range)) return true;
  for (const std::string& a : non_key_attributes) {
    if (a == attribute) return true;
  }
  return false;
}

bool SecondaryIndex::operator==(const SecondaryIndex& o) const {
  return name == o.name && kind == o.kind && hash_name == o.hash_name && hash_type == o.hash_type &&
         range_name == o.range_name && (!range_name || range_type == o.range_type) &&
         projection == o.projection && non_key_attributes == o.non_key_attributes &&
         read_capacity_units == o.read_capacity_units &&
         write_capacity_units == o.write_capacity_units && item_count == o.item_count &&
         size_bytes == o.size_bytes;
}

// ---- Section 1 byte form ----------------------------------------------------------

namespace {

void PutString(std::string* dst, const std::string& s) {
  PutVarint32(dst, static_cast<uint32_t>(s.size()));
  dst->append(s);
}

// A name: a varint length (at most kMaxEncodedStringBytes), then that many
// bytes; never empty.
Status ReadName(ByteReader* r, const char* field, std::string* out) {
  PD_TRY(r->String(field, out, kMaxEncodedStringBytes));
  if (out->empty()) return r->Bad("empty ", field);
  return Status::OK();
}

// A key attribute's type byte: 'S', 'N' or 'B'.
Status ReadKeyType(ByteReader* r, const char* field, AttributeType* out) {
  uint8_t b = 0;
  PD_TRY(r->Byte(field, &b));
  if (b == 'S')
    *out = AttributeType::kS;
  else if (b == 'N')
    *out = AttributeType::kN;
  else if (b == 'B')
    *out = AttributeType::kB;
  else
    return r->Bad("bad key type in ", field);
  return Status::OK();
}

}  // namespace

void EncodeIndexSection(const std::vector<SecondaryIndex>& indexes, std::string* out) {
  PutVarint64(out, indexes.size());
  for (const SecondaryIndex& index : indexes) {
    out->push_back(static_cast<char>(index.kind));
    PutString(out, index.name);
    out->push_back(TypeByte(index.hash_type));
    PutString(out, index.hash_name);
    out->push_back(index.range_name ? 1 : 0);
    if (index.range_name) {
      out->push_back(TypeByte(index.range_type));
      PutString(out, *index.range_name);
    }
    out->push_back(static_cast<char>(index.projection));
    PutVarint64(out, index.non_key_attributes.size());
    for (const std::string& a : index.non_key_attributes) PutString(out, a);
    PutVarint64(out, static_cast<uint64_t>(index.read_capacity_units));
    PutVarint64(out, static_cast<uint64_t>(index.write_capacity_units));
  }
}

Status DecodeIndexSection(std::string_view bytes, std::vector<SecondaryIndex>* out) {
  out->clear();
  ByteReader r("secondary index section", bytes);
  uint64_t n = 0;
  PD_TRY(r.Varint("index count", &n, kMaxEncodedIndexes));
  if (n == 0) return Status::Corruption("secondary index section: no indexes");
  std::set<std::string> names;
  for (uint64_t i = 0; i < n; ++i) {
    SecondaryIndex index;
    uint8_t kind = 0;
    PD_TRY(r.Byte("kind", &kind, 1));
    index.kind = static_cast<IndexKind>(kind);
    PD_TRY(ReadName(&r, "name", &index.name));
    if (!names.insert(index.name).second) {
      return Status::Corruption("secondary index section: duplicate index name");
    }
    PD_TRY(ReadKeyType(&r, "hash key", &index.hash_type));
    PD_TRY(ReadName(&r, "hash key", &index.hash_name));
    uint8_t has_range = 0;
    PD_TRY(r.Byte("has_range", &has_range, 1));
    if (has_range == 1) {
      std::string range;
      PD_TRY(ReadKeyType(&r, "range key", &index.range_type));
      PD_TRY(ReadName(&r, "range key", &range));
      index.range_name = std::move(range);
    }
    uint8_t projection = 0;
    PD_TRY(r.Byte("projection", &projection, 2));
    index.projection = static_cast<ProjectionType>(projection);
    uint64_t n_attrs = 0;
    PD_TRY(r.Varint("NonKeyAttributes count", &n_attrs, kMaxProjectedNonKeyAttributes));
    if ((n_attrs > 0) != (index.projection == ProjectionType::kInclude)) {
      return Status::Corruption("secondary index section: NonKeyAttributes do not fit projection");
    }
    for (uint64_t j = 0; j < n_attrs; ++j) {
      std::string a;
      PD_TRY(ReadName(&r, "NonKeyAttribute", &a));
      index.non_key_attributes.push_back(std::move(a));
    }
    uint64_t rcu = 0;
    uint64_t wcu = 0;
    PD_TRY(r.Varint("read_capacity", &rcu, static_cast<uint64_t>(kMaxCapacityUnits)));
    PD_TRY(r.Varint("write_capacity", &wcu, static_cast<uint64_t>(kMaxCapacityUnits)));
    index.read_capacity_units = static_cast<int64_t>(rcu);
    index.write_capacity_units = static_cast<int64_t>(wcu);
    out->push_back(std::move(index));
  }
  if (!r.done()) return Status::Corruption("secondary index section: trailing bytes");
  return Status::OK();
}

}  // namespace pd

#include "btree/overflow.h"

#include <algorithm>
#include <cstring>

#include "pager/format.h"
#include "util/coding.h"

namespace pd {
namespace btree {

namespace {

Status OverflowCorruption(uint32_t page_id, const std::string& what) {
  return Status::Corruption("overflow page " + std::to_string(page_id) + ": " + what);
}

// Validates chain page `id` expected to carry `expect` bytes with `remaining`
// bytes still to come after it; on success *data points at its bytes and
// *next is the following page id.
Status LoadChainPage(const Pager& pager, uint32_t id, uint32_t expect, uint32_t remaining,
                     const uint8_t** data, uint32_t* next) {
  const uint8_t* page = id == 0 ? nullptr : pager.Get(id);
  if (page == nullptr) {
    return Status::Corruption("overflow chain points to invalid page " + std::to_string(id));
  }
  if (page[kHeaderTypeOffset] != static_cast<uint8_t>(PageType::kOverflow)) {
    return OverflowCorruption(id, "page type " + std::to_string(page[kHeaderTypeOffset]));
  }
  uint32_t length = DecodeFixed32(page + kOverflowLengthOffset);
  if (length != expect) {
    return OverflowCorruption(id, "holds " + std::to_string(length) + " bytes, expected " +
                                      std::to_string(expect));
  }
  *next = DecodeFixed32(page + kOverflowNextOffset);
  if ((remaining == 0) != (*next == 0)) {
    return OverflowCorruption(id, remaining == 0 ? "chain continues past its length"
                                                 : "chain ends early");
  }
  *data = page + kOverflowDataOffset;
  return Status::OK();
}

}  // namespace

Result<uint32_t> WriteOverflow(Pager* pager, std::string_view a, std::string_view b,
                               uint32_t from) {
  const uint32_t page_size = pager->page_size();
  const uint32_t cap = OverflowCapacity(page_size);
  const uint32_t total = static_cast<uint32_t>(a.size() + b.size()) - from;
  const uint32_t n = OverflowPageCount(total, page_size);
  std::vector<uint32_t> ids;
  ids.reserve(n);
  for (uint32_t i = 0; i < n; ++i) {
    Result<uint32_t> r = pager->Allocate(PageType::kOverflow);
    if (!r.ok()) {
      for (uint32_t id : ids) pager->Free(id);
      return r.status();
    }
    ids.push_back(*r);
  }
  uint32_t pos = from;  // payload offset of the next byte to write
  for (uint32_t i = 0; i < n; ++i) {
    uint8_t* page = pager->GetMutable(ids[i]);
    uint32_t len = std::min(cap, total - (pos - from));
    EncodeFixed32(page + kOverflowNextOffset, i + 1 < n ? ids[i + 1] : 0);
    EncodeFixed32(page + kOverflowLengthOffset, len);
    uint8_t* dst = page + kOverflowDataOffset;
    uint32_t left = len;
    if (pos < a.size()) {
      uint32_t take = std::min(left, static_cast<uint32_t>(a.size()) - pos);
      std::memcpy(dst, a.data() + pos, take);
      dst += take;
      pos += take;
      left -= take;
    }
    if (left > 0) {
      std::memcpy(dst, b.data() + (pos - a.size()), left);
      pos += left;
    }
  }
  return ids.empty() ? 0u : ids[0];
}

Status CollectOverflow(const Pager& pager, uint32_t first, uint32_t bytes,
                       std::vector<uint32_t>* ids) {
  const uint32_t cap = OverflowCapacity(pager.page_size());
  uint32_t id = first;
  uint32_t remaining = bytes;
  while (remaining > 0) {
    uint32_t len = std::min(cap, remaining);
    remaining -= len;
    const uint8_t* data;
    uint32_t next;
    Status s = LoadChainPage(pager, id, len, remaining, &data, &next);
    if (!s.ok()) return s;
    ids->push_back(id);
    id = next;
  }
  return Status::OK();
}

Status FreeOverflow(Pager* pager, uint32_t first, uint32_t bytes) {
  std::vector<uint32_t> ids;
  Status s = CollectOverflow(*pager, first, bytes, &ids);
  if (!s.ok()) return s;
  for (uint32_t id : ids) pager->Free(id);
  return Status::OK();
}

Status ReadOverflow(const Pager& pager, uint32_t first, uint32_t bytes, uint32_t skip,
                    uint32_t len, std::string* out) {
  const uint32_t cap = OverflowCapacity(pager.page_size());
  uint32_t id = first;
  uint32_t remaining = bytes;  // chain bytes at and after page `id`
  uint32_t pos = 0;            // chain offset of page `id`'s first byte
  const uint32_t end = skip + len;
  while (pos < end) {
    uint32_t page_len = std::min(cap, remaining);
    remaining -= page_len;
    const uint8_t* data;
    uint32_t next;
    Status s = LoadChainPage(pager, id, page_len, remaining, &data, &next);
    if (!s.ok()) return s;
    uint32_t lo = std::max(pos, skip);
    uint32_t hi = std::min(pos + page_len, end);
    if (lo < hi) out->append(reinterpret_cast<const char*>(data + (lo - pos)), hi - lo);
    pos += page_len;
    id = next;
  }
  return Status::OK();
}

Status ReadKey(const Pager& pager, const Cell& cell, std::string* out) {
  out->assign(cell.local_key());
  if (cell.key_is_local()) return Status::OK();
  return ReadOverflow(pager, cell.overflow, cell.payload_size() - cell.local_size, 0,
                      cell.key_size - cell.local_size, out);
}

Status ReadValue(const Pager& pager, const Cell& cell, std::string* out) {
  out->clear();
  uint32_t local_value = 0;
  if (cell.key_size < cell.local_size) {
    local_value = cell.local_size - cell.key_size;
    out->assign(reinterpret_cast<const char*>(cell.payload + cell.key_size), local_value);
  }
  if (local_value == cell.value_size) return Status::OK();
  uint32_t skip = cell.key_size > cell.local_size ? cell.key_size - cell.local_size : 0;
  out->reserve(cell.value_size);
  return ReadOverflow(pager, cell.overflow, cell.payload_size() - cell.local_size, skip,
                      cell.value_size - local_value, out);
}

Status CompareKey(const Pager& pager, const Cell& cell, std::string_view key, int* result) {
  std::string_view local = cell.local_key();
  size_t n = std::min(local.size(), key.size());
  int c = n == 0 ? 0 : std::memcmp(local.data(), key.data(), n);
  if (c != 0 || cell.key_is_local() || key.size() <= local.size()) {
    if (c == 0) {
      c = cell.key_size < key.size() ? -1 : (cell.key_size > key.size() ? 1 : 0);
    }
    *result = c;
    return Status::OK();
  }
  // The local part equals key's prefix and the cell key continues in the
  // overflow chain: compare page by page.
  const uint32_t cap = OverflowCapacity(pager.page_size());
  uint32_t id = cell.overflow;
  uint32_t remaining = cell.payload_size() - cell.local_size;
  uint32_t key_left = cell.key_size - cell.local_size;  // cell key bytes still to compare
  size_t kpos = local.size();                          // next byte of `key` to compare
  while (key_left > 0 && kpos < key.size()) {
    uint32_t page_len = std::min(cap, remaining);
    remaining -= page_len;
    const uint8_t* data;
    uint32_t next;
    Status s = LoadChainPage(pager, id, page_len, remaining, &data, &next);
    if (!s.ok()) return s;
    size_t m = std::min<size_t>({page_len, key_left, key.size() - kpos});
    c = std::memcmp(data, key.data() + kpos, m);
    if (c != 0) {
      *result = c;
      return Status::OK();
    }
    key_left -= static_cast<uint32_t>(m);
    kpos += m;
    id = next;
  }
  *result = cell.key_size < key.size() ? -1 : (cell.key_size > key.size() ? 1 : 0);
  return Status::OK();
}

}  // namespace btree
}  // namespace pd

// Helpers shared by the pager tests (not a test file itself).
#ifndef PD_TESTS_CPP_PAGER_PAGER_TEST_UTIL_H_
#define PD_TESTS_CPP_PAGER_PAGER_TEST_UTIL_H_

#include <doctest/doctest.h>

#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "pager/format.h"
#include "pager/pager.h"
#include "util/coding.h"
#include "util/crc32c.h"

namespace pd {
namespace test {

inline std::unique_ptr<Pager> NewPager(uint32_t page_size = 4096) {
  Result<std::unique_ptr<Pager>> r = Pager::Create(page_size);
  REQUIRE(r.ok());
  return std::move(r.value());
}

inline std::unique_ptr<Pager> LoadOrDie(std::vector<std::string> images) {
  Result<std::unique_ptr<Pager>> r = Pager::Load(std::move(images));
  REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  return std::move(r.value());
}

inline uint32_t AllocOrDie(Pager* p, PageType type = PageType::kBtreeLeaf) {
  Result<uint32_t> r = p->Allocate(type);
  REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  return *r;
}

// Fills the owner area of a page (from kHeaderOwnerOffset on) with `byte`.
inline void Fill(Pager* p, uint32_t id, uint8_t byte) {
  uint8_t* w = p->GetMutable(id);
  REQUIRE(w != nullptr);
  std::memset(w + kHeaderOwnerOffset, byte, p->page_size() - kHeaderOwnerOffset);
}

// The owner byte the page was filled with (checks the fill is uniform).
inline int FillOf(const Pager& p, uint32_t id) {
  const uint8_t* r = p.Get(id);
  REQUIRE(r != nullptr);
  uint8_t b = r[kHeaderOwnerOffset];
  for (uint32_t i = kHeaderOwnerOffset; i < p.page_size(); ++i) {
    if (r[i] != b) return -1;
  }
  return b;
}

inline uint8_t* Bytes(std::string& image) { return reinterpret_cast<uint8_t*>(&image[0]); }
inline const uint8_t* Bytes(const std::string& image) {
  return reinterpret_cast<const uint8_t*>(image.data());
}

// The format's checksum, computed independently of pager/page.cc: CRC32C of
// the page with the CRC field zeroed.
inline uint32_t FormatCrc(std::string image) {
  EncodeFixed32(Bytes(image) + kHeaderCrcOffset, 0);
  return Crc32c(Bytes(image), image.size());
}

// Rewrites an image's CRC so that a deliberate field change passes the
// checksum and reaches the field checks.
inline void Reseal(std::string* image) {
  EncodeFixed32(Bytes(*image) + kHeaderCrcOffset, FormatCrc(*image));
}

inline uint64_t LsnOf(const std::string& image) {
  return DecodeFixed64(Bytes(image) + kHeaderLsnOffset);
}

// What a replica holding `replica` becomes after applying `batch`.
inline void ApplyBatch(std::vector<std::string>* replica, const CommitBatch& batch) {
  replica->resize(batch.page_count);
  for (size_t i = 0; i < batch.page_ids.size(); ++i) {
    REQUIRE(batch.page_ids[i] < batch.page_count);
    (*replica)[batch.page_ids[i]] = batch.images[i];
  }
}

// True iff s starts with prefix.
inline bool StartsWith(const std::string& s, const std::string& prefix) {
  return s.compare(0, prefix.size(), prefix) == 0;
}

}  // namespace test
}  // namespace pd

#endif  // PD_TESTS_CPP_PAGER_PAGER_TEST_UTIL_H_

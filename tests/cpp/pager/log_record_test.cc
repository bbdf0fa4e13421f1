// Commit records (pager/log_record.h): encode/decode, damage of every kind is
// Corruption (never a crash), redo from a checkpoint + records equals the
// pager that took the commits byte for byte, and DurableImages with batches
// in flight.
#include "pager/log_record.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstring>
#include <deque>
#include <random>
#include <string>
#include <vector>

#include "pager/pager.h"
#include "pager_test_util.h"

namespace pd {
namespace {

using test::Bytes;

std::string RandomPage(std::mt19937* rng, uint32_t page_size, uint32_t id) {
  std::string page(page_size, '\0');
  for (uint32_t i = kHeaderOwnerOffset; i < page_size; ++i) page[i] = static_cast<char>((*rng)() & 0xff);
  EncodeFixed32(Bytes(page), id);
  page[kHeaderTypeOffset] = static_cast<char>(PageType::kBtreeLeaf);
  return page;
}

// A random edit of the kind btree pages see: a few bytes, a run, a shift of
// the middle of the page (slot array insert), a zeroed stretch, or the type.
void RandomEdit(std::mt19937* rng, std::string* page) {
  const uint32_t size = static_cast<uint32_t>(page->size());
  const uint32_t lo = kHeaderOwnerOffset;
  auto at = [&](uint32_t span) { return lo + (*rng)() % (size - lo - span); };
  switch ((*rng)() % 5) {
    case 0:
      for (int i = 0; i < 4; ++i) (*page)[at(1)] = static_cast<char>((*rng)() & 0xff);
      break;
    case 1: {
      uint32_t len = 1 + (*rng)() % 300;
      uint32_t off = at(len);
      for (uint32_t i = 0; i < len; ++i) (*page)[off + i] = static_cast<char>((*rng)() & 0xff);
      break;
    }
    case 2: {
      uint32_t len = 1 + (*rng)() % (size / 2);
      uint32_t off = at(len + 8);
      std::memmove(&(*page)[off + 8], &(*page)[off], len);
      break;
    }
    case 3: {
      uint32_t len = 1 + (*rng)() % 1000;
      uint32_t off = at(len);
      std::memset(&(*page)[off], 0, len);
      break;
    }
    default:
      (*page)[kHeaderTypeOffset] = static_cast<char>(PageType::kOverflow);
      break;
  }
}

// Bytes of a page outside its LSN and CRC (what records carry).
bool SameOutsideLsnCrc(const std::string& a, const std::string& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), kHeaderLsnOffset) == 0 &&
         std::memcmp(a.data() + kHeaderOwnerOffset, b.data() + kHeaderOwnerOffset,
                     a.size() - kHeaderOwnerOffset) == 0;
}

// A record of pages 0..before.size()-1 (after.size() >= before.size(): the
// rest are new pages).
std::string Encode(uint64_t lsn, const std::vector<std::string>& before,
                   const std::vector<std::string>& after) {
  std::vector<uint32_t> ids;
  for (uint32_t i = 0; i < after.size(); ++i) ids.push_back(i);
  RecordEncoder encoder(lsn, static_cast<uint32_t>(after[0].size()),
                        static_cast<uint32_t>(after.size()), ids);
  for (uint32_t i = 0; i < after.size(); ++i) {
    encoder.AddPage(i, i < before.size() ? Bytes(before[i]) : nullptr, Bytes(after[i]));
  }
  return encoder.Finish();
}

TEST_CASE("records: encode, decode and apply random edits of random pages") {
  for (uint32_t page_size : {4096u, 8192u, 65536u}) {
    std::mt19937 rng(page_size);
    for (int round = 0; round < 40; ++round) {
      INFO("page_size=" << page_size << " round=" << round);
      const uint32_t old_count = 1 + rng() % 4;
      const uint32_t new_count = old_count + rng() % 3;
      std::vector<std::string> before;
      for (uint32_t i = 0; i < old_count; ++i) before.push_back(RandomPage(&rng, page_size, i));
      std::vector<std::string> after = before;
      for (uint32_t i = old_count; i < new_count; ++i) {
        after.push_back(RandomPage(&rng, page_size, i));
        if (rng() % 2) std::memset(&after[i][page_size / 2], 0, page_size / 2);  // sparse
      }
      for (uint32_t i = 0; i < old_count; ++i) {
        const int edits = static_cast<int>(rng() % 4);  // 0: listed but unchanged
        for (int e = 0; e < edits; ++e) RandomEdit(&rng, &after[i]);
        // The LSN and CRC are never carried: change them freely.
        EncodeFixed64(Bytes(after[i]) + kHeaderLsnOffset, rng());
      }
      const uint64_t lsn = 1 + rng() % 1000;
      const std::string record = Encode(lsn, before, after);
      Result<DecodedRecord> rec = DecodeRecord(record);
      REQUIRE_MESSAGE(rec.ok(), rec.status().ToString());
      CHECK(rec->header.lsn == lsn);
      CHECK(rec->header.prev_lsn == lsn - 1);
      CHECK(rec->header.page_size == page_size);
      CHECK(rec->header.page_count == new_count);
      CHECK(rec->header.byte_length == record.size());
      REQUIRE(rec->pages.size() == new_count);
      for (uint32_t i = 0; i < new_count; ++i) {
        CHECK(rec->pages[i].id == i);
        if (i >= old_count) CHECK(rec->pages[i].kind == RecordPageKind::kImage);
        std::string page = i < old_count ? before[i] : std::string(page_size, '\x5a');
        ApplyRecordPage(rec->pages[i], Bytes(page), page_size);
        CHECK(SameOutsideLsnCrc(page, after[i]));
      }
      Result<RecordHeader> header = ReadRecordHeader(record);
      REQUIRE(header.ok());
      CHECK(header->page_ids == rec->header.page_ids);
    }
  }
}

TEST_CASE("records: an unchanged page costs a few bytes; a small edit costs about its size") {
  std::mt19937 rng(7);
  std::vector<std::string> before{RandomPage(&rng, 8192, 0), RandomPage(&rng, 8192, 1)};
  std::vector<std::string> after = before;
  const std::string unchanged = Encode(5, before, after);
  CHECK(unchanged.size() == kRecordHeaderSize + 2 * 4 + 2 * 2);  // kind + zero runs per page
  after[1][1000] = static_cast<char>(after[1][1000] ^ 1);
  after[1][1003] = static_cast<char>(after[1][1003] ^ 1);  // merged with the first (gap 2)
  after[1][3000] = static_cast<char>(after[1][3000] ^ 1);
  Result<DecodedRecord> rec = DecodeRecord(Encode(5, before, after));
  REQUIRE(rec.ok());
  CHECK(rec->pages[1].run_count == 2);
  CHECK(rec->pages[1].runs_size == 2 + 1 + 4 + 2 + 1 + 1);
}

TEST_CASE("records: every flipped byte and every truncation is Corruption") {
  std::mt19937 rng(11);
  std::vector<std::string> before{RandomPage(&rng, 4096, 0), RandomPage(&rng, 4096, 1)};
  std::vector<std::string> after = before;
  RandomEdit(&rng, &after[0]);
  RandomEdit(&rng, &after[1]);
  after.push_back(RandomPage(&rng, 4096, 2));
  const std::string record = Encode(9, before, after);
  REQUIRE(DecodeRecord(record).ok());
  for (size_t i = 0; i < record.size(); ++i) {
    for (uint8_t mask : {0x01, 0x80, 0xff}) {
      std::string bad = record;
      bad[i] = static_cast<char>(bad[i] ^ mask);
      Result<RecordHeader> r = ReadRecordHeader(bad);
      REQUIRE_MESSAGE(!r.ok(), "byte " << i);
      CHECK(r.status().code() == Status::Code::kCorruption);
    }
  }
  for (size_t n = 0; n < record.size(); ++n) {
    Result<RecordHeader> r = ReadRecordHeader(std::string_view(record.data(), n));
    REQUIRE_MESSAGE(!r.ok(), "length " << n);
    CHECK(r.status().code() == Status::Code::kCorruption);
  }
  std::string longer = record + std::string(1, '\0');
  CHECK(!ReadRecordHeader(longer).ok());
}

// Rewrites the record's CRC so that a deliberate change reaches the
// structural checks.
void FixCrc(std::string* record) {
  uint8_t* p = Bytes(*record);
  EncodeFixed32(p + kRecordCrcOffset, 0);
  EncodeFixed32(p + kRecordCrcOffset, Crc32c(p, record->size()));
}

TEST_CASE("records: forged garbage with a valid CRC never reads out of bounds") {
  std::mt19937 rng(13);
  std::vector<std::string> before{RandomPage(&rng, 4096, 0), RandomPage(&rng, 4096, 1)};
  std::vector<std::string> after = before;
  for (int e = 0; e < 6; ++e) RandomEdit(&rng, &after[1]);
  const std::string record = Encode(3, before, after);
  int accepted = 0;
  for (int round = 0; round < 3000; ++round) {
    std::string bad = record;
    const int flips = 1 + static_cast<int>(rng() % 4);
    for (int f = 0; f < flips; ++f) {
      // Mostly the body (the header's fields are checked exactly below).
      size_t at = kRecordHeaderSize + rng() % (bad.size() - kRecordHeaderSize);
      bad[at] = static_cast<char>(rng() & 0xff);
    }
    if (rng() % 4 == 0) bad.resize(kRecordHeaderSize + rng() % (bad.size() - kRecordHeaderSize));
    EncodeFixed32(Bytes(bad) + kRecordLengthOffset, static_cast<uint32_t>(bad.size()));
    FixCrc(&bad);
    Result<DecodedRecord> rec = DecodeRecord(bad);
    if (!rec.ok()) {
      CHECK(rec.status().code() == Status::Code::kCorruption);
      continue;
    }
    ++accepted;  // structurally sound: applying it stays inside the page (ASan checks)
    for (const RecordPage& e : rec->pages) {
      std::string page = e.id < before.size() ? before[e.id] : std::string(4096, '\0');
      ApplyRecordPage(e, Bytes(page), 4096);
    }
  }
  MESSAGE("forged records that decoded: " << accepted);
}

TEST_CASE("records: header fields are checked") {
  std::mt19937 rng(17);
  std::vector<std::string> before{RandomPage(&rng, 4096, 0)};
  std::vector<std::string> after = before;
  RandomEdit(&rng, &after[0]);
  const std::string record = Encode(3, before, after);
  auto expect = [&](std::string bad, const std::string& what) {
    FixCrc(&bad);
    Result<RecordHeader> r = ReadRecordHeader(bad);
    REQUIRE(!r.ok());
    CHECK(r.status().code() == Status::Code::kCorruption);
    CHECK_MESSAGE(r.status().message().find(what) != std::string::npos, r.status().ToString());
  };
  std::string bad = record;
  EncodeFixed16(Bytes(bad) + kRecordVersionOffset, 2);
  expect(bad, "unsupported record format version 2");
  bad = record;
  bad[0] = 'X';
  expect(bad, "bad magic");
  bad = record;
  EncodeFixed16(Bytes(bad) + kRecordFlagsOffset, 1);
  expect(bad, "unknown flags");
  bad = record;
  EncodeFixed64(Bytes(bad) + kRecordPrevLsnOffset, 1);
  expect(bad, "does not follow");
  bad = record;
  EncodeFixed32(Bytes(bad) + kRecordPageSizeOffset, 5000);
  expect(bad, "unsupported page size");
  bad = record;
  EncodeFixed32(Bytes(bad) + kRecordEntryCountOffset, 0);
  expect(bad, "page entry count");
  bad = record;
  EncodeFixed32(Bytes(bad) + kRecordHeaderSize, 1);  // first id not 0 (and >= page count)
  expect(bad, "page");
  bad = record;
  bad[kRecordHeaderSize + 4] = 9;  // entry kind
  expect(bad, "unknown entry kind 9");
}

// ---------------------------------------------------------------------------
// Redo against a pager taking commits

// Drives a pager with random page changes, commits, durability and rollbacks,
// keeping the records of durable commits (the log) and a replica of sealed
// images built from the batches' images (the reference).
class RedoDriver {
 public:
  // with_images: commits hand out images too, and the reference replica is
  // built from them; else records only (pages sealed lazily), and the
  // reference is redo from the start, checked against the pager's own pages.
  RedoDriver(uint32_t seed, uint32_t page_size, bool with_images)
      : seed_(seed), rng_(seed), ps_(page_size), with_images_(with_images) {
    pager_ = test::NewPager(ps_);
    initial_ = pager_->SnapshotImages();
    durable_ = initial_;
  }

  void Run(int steps) {
    for (int step = 0; step < steps; ++step) {
      INFO("seed=" << seed_ << " page_size=" << ps_ << " step=" << step);
      Step();
      if (step % 25 == 0) CheckDurableImagesAndRedo();
    }
    while (!in_flight_.empty()) MarkOldestDurable();
    if (pager_->has_pending_changes()) {
      CommitOptions options;
      options.images = with_images_;
      options.record = true;
      in_flight_.push_back(pager_->TakeCommit(options));
      MarkOldestDurable();
    }
    INFO("seed=" << seed_ << " final");
    CheckDurableImagesAndRedo();
    CHECK(pager_->SnapshotImages() == checkpoint_);
    CHECK(initial_ != checkpoint_);  // the test did something
  }

 private:
  uint32_t Rand(uint32_t n) { return static_cast<uint32_t>(rng_() % n); }

  std::vector<uint32_t> Used() const {
    std::vector<uint32_t> ids;
    for (uint32_t id = 1; id < pager_->page_count(); ++id) {
      PageType t = static_cast<PageType>(pager_->Get(id)[kHeaderTypeOffset]);
      if (t != PageType::kFree && t != PageType::kFreeTrunk) ids.push_back(id);
    }
    return ids;
  }

  void Change() {
    std::vector<uint32_t> used = Used();
    uint32_t what = Rand(10);
    if (used.empty() || what < 2) {
      test::AllocOrDie(pager_.get(), Rand(2) ? PageType::kBtreeLeaf : PageType::kOverflow);
    } else if (what < 3) {
      pager_->Free(used[Rand(static_cast<uint32_t>(used.size()))]);
    } else if (what < 4) {
      pager_->set_root(static_cast<int>(Rand(kRootSlots)),
                       Rand(3) == 0 ? 0 : used[Rand(static_cast<uint32_t>(used.size()))]);
    } else {
      uint32_t id = used[Rand(static_cast<uint32_t>(used.size()))];
      uint8_t* w = pager_->GetMutable(id);
      REQUIRE(w != nullptr);
      std::string page(reinterpret_cast<const char*>(w), ps_);
      RandomEdit(&rng_, &page);
      page[kHeaderTypeOffset] = static_cast<char>(w[kHeaderTypeOffset]);  // the pager owns the type
      std::memcpy(w + kHeaderOwnerOffset, page.data() + kHeaderOwnerOffset, ps_ - kHeaderOwnerOffset);
    }
  }

  void MarkOldestDurable() {
    CommitBatch& batch = in_flight_.front();
    pager_->MarkDurable(batch.lsn);
    if (with_images_) test::ApplyBatch(&durable_, batch);
    log_.push_back(batch.record);
    in_flight_.pop_front();
  }

  void Step() {
    uint32_t what = Rand(20);
    if (what < 12) {
      pager_->BeginOperation();
      for (uint32_t i = 0, n = 1 + Rand(5); i < n; ++i) Change();
      if (Rand(6) == 0) {
        pager_->RollbackOperation();
      } else {
        pager_->EndOperation();
      }
    } else if (what < 16) {
      if (pager_->has_pending_changes()) {
        CommitOptions options;
        options.images = with_images_;
        options.record = true;
        in_flight_.push_back(pager_->TakeCommit(options));
        CHECK(!in_flight_.back().record.empty());
      }
    } else if (what < 19) {
      if (!in_flight_.empty()) MarkOldestDurable();
    } else {
      pager_->RollbackToDurable();
      in_flight_.clear();
      REQUIRE(pager_->lsn() == pager_->durable_lsn());
    }
  }

  // DurableImages == the durable replica, whatever is in flight or pending;
  // and redo reaches it from the start and from a checkpoint.
  void CheckDurableImagesAndRedo() {
    Result<std::unique_ptr<Pager>> from_start = Pager::Load(initial_, log_);
    REQUIRE_MESSAGE(from_start.ok(), from_start.status().ToString());
    CHECK((*from_start)->durable_lsn() == pager_->durable_lsn());
    const std::vector<std::string> reference =
        with_images_ ? durable_ : (*from_start)->SnapshotImages();
    if (with_images_) CHECK((*from_start)->SnapshotImages() == reference);

    std::vector<uint32_t> all;
    for (uint32_t id = 0; id < reference.size(); ++id) all.push_back(id);
    Result<std::vector<std::string>> images = pager_->DurableImages(all);
    REQUIRE_MESSAGE(images.ok(), images.status().ToString());
    CHECK(*images == reference);
    Result<std::vector<std::string>> beyond =
        pager_->DurableImages({static_cast<uint32_t>(reference.size())});
    CHECK(beyond.status().code() == Status::Code::kInvalidArgument);
    if (!checkpoint_.empty()) {
      // A checkpoint taken earlier, then the whole log: records it already
      // holds are skipped.
      Result<std::unique_ptr<Pager>> from_ckpt = Pager::Load(checkpoint_, log_);
      REQUIRE_MESSAGE(from_ckpt.ok(), from_ckpt.status().ToString());
      CHECK((*from_ckpt)->SnapshotImages() == reference);
      // A checkpoint torn before its head flip: the old head (page 0) and
      // old pages, some of them already replaced by today's images.
      std::vector<std::string> torn = checkpoint_;
      bool newer = false;
      for (uint32_t id = 1; id < torn.size() && id < reference.size(); ++id) {
        if (Rand(2) == 0 && torn[id] != reference[id]) {
          torn[id] = reference[id];
          newer = newer || test::LsnOf(torn[id]) > test::LsnOf(torn[0]);
        }
      }
      Result<std::unique_ptr<Pager>> from_torn = Pager::Load(torn, log_);
      REQUIRE_MESSAGE(from_torn.ok(), from_torn.status().ToString());
      CHECK((*from_torn)->SnapshotImages() == reference);
      if (newer) {
        Result<std::unique_ptr<Pager>> no_log = Pager::Load(torn);
        CHECK(no_log.status().code() == Status::Code::kCorruption);
      }
      if (log_.size() > 1) {
        // A missing record in the middle is found.
        std::vector<std::string> gap = log_;
        gap.erase(gap.end() - 2);
        Result<std::unique_ptr<Pager>> broken = Pager::Load(initial_, gap);
        REQUIRE(!broken.ok());
        CHECK(broken.status().message().find("a record is missing") != std::string::npos);
      }
    }
    checkpoint_ = reference;
  }

  uint32_t seed_;
  std::mt19937 rng_;
  uint32_t ps_;
  bool with_images_;
  std::unique_ptr<Pager> pager_;
  std::vector<std::string> initial_;   // images at LSN 0
  std::vector<std::string> durable_;   // replica at durable_lsn from batch images (with_images_)
  std::vector<std::string> checkpoint_;  // the durable pages at the last check
  std::vector<std::string> log_;       // records of the durable batches, in order
  std::deque<CommitBatch> in_flight_;
};

TEST_CASE("records: redo from a checkpoint and the log equals the pager, byte for byte") {
  for (uint32_t seed = 1; seed <= 8; ++seed) {
    RedoDriver(seed, seed % 2 ? 4096 : 8192, /*with_images=*/seed <= 4).Run(400);
  }
}

std::string TakeRecord(Pager* pager) {
  CommitOptions options;
  options.record = true;
  CommitBatch batch = pager->TakeCommit(options);
  REQUIRE(!batch.record.empty());
  return batch.record;
}

TEST_CASE("records: redo rejects a record that does not fit the database") {
  auto pager = test::NewPager(4096);
  const std::vector<std::string> initial = pager->SnapshotImages();
  uint32_t a = test::AllocOrDie(pager.get());
  test::Fill(pager.get(), a, 7);
  const std::string r1 = TakeRecord(pager.get());
  test::Fill(pager.get(), a, 8);
  const std::string r2 = TakeRecord(pager.get());

  CHECK(Pager::Load(initial, {r1, r2}).ok());
  Result<std::unique_ptr<Pager>> r = Pager::Load(initial, {r2});
  REQUIRE(!r.ok());
  CHECK(r.status().message() ==
        "record 1 of 1 (lsn 2): follows LSN 1 but the database is at LSN 0 (a record is missing)");
  std::string damaged = r2;
  damaged[damaged.size() - 1] = static_cast<char>(damaged[damaged.size() - 1] ^ 4);
  r = Pager::Load(initial, {r1, damaged});
  REQUIRE(!r.ok());
  CHECK(r.status().message() == "record 2 of 2: record: checksum mismatch");
  // A record for another page size.
  auto other = test::NewPager(8192);
  test::AllocOrDie(other.get());
  r = Pager::Load(initial, {TakeRecord(other.get())});
  REQUIRE(!r.ok());
  CHECK(r.status().message() == "record 1 of 1 (lsn 1): page size 8192, the database's is 4096");
  // Records of the pager's own LSN or older are skipped (already in the images).
  auto at2 = test::LoadOrDie(pager->SnapshotImages());
  Result<std::unique_ptr<Pager>> skipped = Pager::Load(pager->SnapshotImages(), {r1, r2});
  REQUIRE(skipped.ok());
  CHECK((*skipped)->SnapshotImages() == at2->SnapshotImages());
  CHECK((*skipped)->lsn() == 2);
}

TEST_CASE("records: a commit without images or record still commits") {
  auto pager = test::NewPager(4096);
  uint32_t a = test::AllocOrDie(pager.get());
  test::Fill(pager.get(), a, 3);
  CommitOptions none;
  none.images = false;
  none.record = false;
  CommitBatch batch = pager->TakeCommit(none);
  CHECK(batch.lsn == 1);
  CHECK(batch.images.empty());
  CHECK(batch.record.empty());
  CHECK(batch.page_ids == std::vector<uint32_t>{0, a});
  pager->MarkDurable(1);
  CHECK(pager->durable_lsn() == 1);
  CHECK(test::FillOf(*pager, a) == 3);
}

}  // namespace
}  // namespace pd

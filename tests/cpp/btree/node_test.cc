// Node-level operations (btree/node.h, btree/format.h): local payload sizes,
// cell encoding and parsing, slot insertion and removal, compaction,
// header validation, separators.
#include <doctest/doctest.h>

#include <cstring>
#include <string>
#include <vector>

#include "btree/format.h"
#include "btree/node.h"
#include "btree/tree_internal.h"

namespace pd {
namespace btree {
namespace {

const uint32_t kPageSizes[] = {4096, 8192, 16384, 32768, 65536};

std::string Bytes(size_t n, char c) { return std::string(n, c); }

TEST_CASE("LocalSize keeps cells small, keys local and overflow pages full") {
  for (uint32_t ps : kPageSizes) {
    CAPTURE(ps);
    const uint32_t max_local = MaxLocal(ps);
    const uint32_t cap = OverflowCapacity(ps);
    // Four maximal cells and their slots fit one node.
    CHECK(kMinCellsPerNode * (max_local + kMaxCellOverhead + kSlotSize) <= NodeCapacity(ps));
    for (uint32_t key_size : {1u, 30u, 500u, max_local - 1, max_local, max_local + 1, kMaxKeySize}) {
      for (uint32_t value_size : {0u, 1u, 100u, max_local, cap, 3 * cap + 5, kMaxValueSize}) {
        CAPTURE(key_size);
        CAPTURE(value_size);
        uint32_t payload = key_size + value_size;
        uint32_t local = LocalSize(payload, key_size, ps);
        CHECK(local <= max_local);
        CHECK(local <= payload);
        if (payload <= max_local) {
          CHECK(local == payload);
        } else {
          CHECK(local < payload);
          CHECK(local >= MinLocal(ps));
          // The whole key stays local when it can.
          if (key_size <= max_local) CHECK(local >= key_size);
          CHECK(LeafCellSize(key_size, value_size, ps) + kSlotSize <=
                NodeCapacity(ps) / kMinCellsPerNode);
        }
      }
    }
    // With a small key, the local part absorbs the remainder when it fits,
    // so the chain's pages are full; otherwise it keeps MinLocal bytes.
    uint32_t payload = 2 * cap + MinLocal(ps) + 50;
    uint32_t local = LocalSize(payload, 10, ps);
    CHECK(local == MinLocal(ps) + 50);
    CHECK((payload - local) % cap == 0);
    payload = 2 * cap + max_local + 50;
    CHECK(LocalSize(payload, 10, ps) == MinLocal(ps));
    CHECK(InteriorCellSize(kMaxKeySize, ps) + kSlotSize <= NodeCapacity(ps) / kMinCellsPerNode);
  }
}

TEST_CASE("leaf and interior cells round-trip and reject truncation") {
  const uint32_t ps = 4096;
  for (const auto& sizes : std::vector<std::pair<uint32_t, uint32_t>>{
           {1, 0}, {5, 7}, {200, 700}, {998, 0}, {10, 5000}, {3000, 100}, {8192, 1 << 20}}) {
    // Plain variables, not a structured binding: CAPTURE's lambda cannot
    // capture bindings under clang 14 (em++).
    const uint32_t key_size = sizes.first, value_size = sizes.second;
    CAPTURE(key_size);
    CAPTURE(value_size);
    std::string key = Bytes(key_size, 'k'), value = Bytes(value_size, 'v');
    uint32_t size = LeafCellSize(key_size, value_size, ps);
    std::vector<uint8_t> buf(size);
    EncodeLeafCell(buf.data(), key, value, 77, ps);
    Cell cell;
    REQUIRE(ParseCell(buf.data(), buf.data() + size, true, ps, &cell));
    CHECK(cell.size == size);
    CHECK(cell.key_size == key_size);
    CHECK(cell.value_size == value_size);
    CHECK(cell.child == 0);
    bool spilled = key_size + value_size > MaxLocal(ps);
    CHECK(cell.overflow == (spilled ? 77u : 0u));
    CHECK(cell.local_key() == std::string_view(key).substr(0, cell.local_size));
    // Any truncation is refused.
    for (uint32_t cut = 0; cut < size; cut += 1 + size / 50) {
      Cell partial;
      CHECK_FALSE(ParseCell(buf.data(), buf.data() + cut, true, ps, &partial));
    }

    uint32_t isize = InteriorCellSize(key_size, ps);
    std::vector<uint8_t> ibuf(isize);
    EncodeInteriorCell(ibuf.data(), 1234, key, 99, ps);
    REQUIRE(ParseCell(ibuf.data(), ibuf.data() + isize, false, ps, &cell));
    CHECK(cell.child == 1234);
    CHECK(cell.key_size == key_size);
    CHECK(cell.value_size == 0);
    CHECK(cell.overflow == (key_size > MaxLocal(ps) ? 99u : 0u));
  }
  // Zero-length and oversized keys, oversized values, zero overflow ids.
  uint8_t bad_key[] = {0, 0};
  Cell cell;
  CHECK_FALSE(ParseCell(bad_key, bad_key + 2, true, ps, &cell));
  std::string big;
  big.push_back(static_cast<char>(0x81));
  big.push_back(static_cast<char>(0x40));  // key size 8193
  big.push_back(0);
  big += Bytes(9000, 'x');
  CHECK_FALSE(ParseCell(reinterpret_cast<const uint8_t*>(big.data()),
                        reinterpret_cast<const uint8_t*>(big.data()) + big.size(), true, ps, &cell));
  std::vector<uint8_t> spill(LeafCellSize(10, 5000, ps));
  EncodeLeafCell(spill.data(), Bytes(10, 'k'), Bytes(5000, 'v'), 0, ps);
  CHECK_FALSE(ParseCell(spill.data(), spill.data() + spill.size(), true, ps, &cell));
}

// A fresh node page for direct slot manipulation.
std::vector<uint8_t> EmptyNode(uint32_t ps, uint32_t level) {
  std::vector<uint8_t> page(ps, 0);
  page[kHeaderTypeOffset] =
      static_cast<uint8_t>(level == 0 ? PageType::kBtreeLeaf : PageType::kBtreeInterior);
  InitNode(page.data(), ps, level);
  if (level > 0) EncodeFixed32(page.data() + kNodeRightChildOffset, 9);
  return page;
}

void PutLeaf(std::vector<uint8_t>* page, uint32_t i, const std::string& key,
             const std::string& value, bool* fit) {
  const uint32_t ps = static_cast<uint32_t>(page->size());
  uint32_t size = LeafCellSize(static_cast<uint32_t>(key.size()),
                               static_cast<uint32_t>(value.size()), ps);
  uint8_t* dst;
  REQUIRE(ReserveCell(page->data(), 1, ps, i, size, &dst).ok());
  *fit = dst != nullptr;
  if (dst != nullptr) EncodeLeafCell(dst, key, value, 0, ps);
}

std::string KeyAt(const NodeView& node, uint32_t i) {
  Cell cell;
  REQUIRE(node.GetCell(i, &cell));
  return std::string(cell.local_key());
}

TEST_CASE("reserve, remove and compact cells in a node") {
  const uint32_t ps = 4096;
  std::vector<uint8_t> page = EmptyNode(ps, 0);
  NodeView node(page.data(), ps);
  REQUIRE(node.Check(1, 0).ok());
  CHECK(node.count() == 0);
  CHECK(node.used() == 0);
  bool fit;
  // Insert out of order by index; slots keep the requested order.
  PutLeaf(&page, 0, "b", "2", &fit);
  REQUIRE(fit);
  PutLeaf(&page, 0, "a", "1", &fit);
  REQUIRE(fit);
  PutLeaf(&page, 2, "c", "3", &fit);
  REQUIRE(fit);
  CHECK(node.count() == 3);
  CHECK(KeyAt(node, 0) == "a");
  CHECK(KeyAt(node, 1) == "b");
  CHECK(KeyAt(node, 2) == "c");
  REQUIRE(node.Check(1, 0).ok());

  // Fill the node with 100-byte values until it refuses.
  uint32_t n = node.count();
  for (;;) {
    std::string key = "d" + std::to_string(1000 + n);
    PutLeaf(&page, n, key, Bytes(100, 'v'), &fit);
    if (!fit) break;
    ++n;
  }
  CHECK(node.count() == n);
  CHECK(node.gap() < LeafCellSize(5, 100, ps) + kSlotSize);
  // Removing cells makes garbage; inserting again compacts and succeeds.
  Cell cell;
  REQUIRE(node.GetCell(5, &cell));
  uint32_t removed = cell.size;
  RemoveCell(page.data(), 5, cell.size);
  REQUIRE(node.GetCell(5, &cell));
  RemoveCell(page.data(), 5, cell.size);
  CHECK(node.garbage() == removed + cell.size);
  CHECK(node.count() == n - 2);
  PutLeaf(&page, 5, "d1005", Bytes(150, 'w'), &fit);
  REQUIRE(fit);
  CHECK(node.garbage() == 0);
  CHECK(KeyAt(node, 5) == "d1005");
  REQUIRE(node.Check(1, 0).ok());
  for (uint32_t i = 1; i < node.count(); ++i) CHECK(KeyAt(node, i - 1) < KeyAt(node, i));

  // Gather + build reproduces the node.
  CellList cells;
  REQUIRE(GatherCells(node, 1, &cells).ok());
  CHECK(cells.size() == node.count());
  std::vector<uint8_t> copy = EmptyNode(ps, 0);
  BuildNode(copy.data(), ps, 0, cells, 0, cells.size(), 0);
  NodeView rebuilt(copy.data(), ps);
  REQUIRE(rebuilt.Check(1, 0).ok());
  CHECK(rebuilt.count() == node.count());
  CHECK(rebuilt.used() == node.used());
  for (uint32_t i = 0; i < node.count(); ++i) CHECK(KeyAt(rebuilt, i) == KeyAt(node, i));
  CHECK(cells.NodeBytes(0, cells.size()) == node.used());
}

TEST_CASE("interior child positions") {
  const uint32_t ps = 4096;
  std::vector<uint8_t> page = EmptyNode(ps, 1);
  uint8_t* dst;
  for (uint32_t i = 0; i < 3; ++i) {
    std::string key(1, static_cast<char>('b' + i));
    REQUIRE(ReserveCell(page.data(), 1, ps, i, InteriorCellSize(1, ps), &dst).ok());
    REQUIRE(dst != nullptr);
    EncodeInteriorCell(dst, 100 + i, key, 0, ps);
  }
  NodeView node(page.data(), ps);
  REQUIRE(node.Check(1, 1).ok());
  CHECK(node.ChildAt(0) == 100);
  CHECK(node.ChildAt(2) == 102);
  CHECK(node.ChildAt(3) == 9);  // the right child
  REQUIRE(SetChildAt(page.data(), 1, ps, 1, 555).ok());
  REQUIRE(SetChildAt(page.data(), 1, ps, 3, 777).ok());
  CHECK(node.ChildAt(1) == 555);
  CHECK(node.right_child() == 777);
}

TEST_CASE("header validation refuses damaged headers") {
  const uint32_t ps = 4096;
  std::vector<uint8_t> page = EmptyNode(ps, 0);
  NodeView node(page.data(), ps);
  CHECK(node.Check(3, 0).ok());
  CHECK(node.Check(3, 1).IsCorruption());  // wrong level
  std::vector<uint8_t> bad = page;
  EncodeFixed16(bad.data() + kNodeCountOffset, 3000);  // slots past content start
  CHECK(NodeView(bad.data(), ps).Check(3, 0).IsCorruption());
  bad = page;
  EncodeFixed32(bad.data() + kNodeContentOffset, ps + 1);
  CHECK(NodeView(bad.data(), ps).Check(3, 0).IsCorruption());
  bad = page;
  EncodeFixed16(bad.data() + kNodeLevelOffset, kMaxDepth);
  CHECK(NodeView(bad.data(), ps).Check(3, -1).IsCorruption());
  bad = page;
  EncodeFixed32(bad.data() + kNodeGarbageOffset, 1);  // more than the empty content area
  CHECK(NodeView(bad.data(), ps).Check(3, 0).IsCorruption());
  bad = page;
  bad[kHeaderTypeOffset] = static_cast<uint8_t>(PageType::kOverflow);
  CHECK(NodeView(bad.data(), ps).Check(3, 0).IsCorruption());
  bad = page;
  EncodeFixed32(bad.data() + kNodeRightChildOffset, 5);  // a leaf with a child
  CHECK(NodeView(bad.data(), ps).Check(3, 0).IsCorruption());
  // A slot pointing into the slot array is refused by GetCell.
  bool fit;
  PutLeaf(&page, 0, "a", "1", &fit);
  EncodeFixed16(page.data() + kNodeSlotsOffset, 10);
  Cell cell;
  CHECK_FALSE(NodeView(page.data(), ps).GetCell(0, &cell));
  EncodeFixed16(page.data() + kNodeSlotsOffset, ps - 1);  // cell runs off the page
  CHECK_FALSE(NodeView(page.data(), ps).GetCell(0, &cell));
}

TEST_CASE("shortest separator") {
  CHECK(ShortestSeparator("abc", "abd") == "abd");
  CHECK(ShortestSeparator("abc", "b") == "b");
  CHECK(ShortestSeparator("ab", "abc") == "abc");
  CHECK(ShortestSeparator("a", "b\x01\x02") == "b");
  CHECK(ShortestSeparator(std::string("user#1\0item#5", 13), std::string("user#1\0item#6", 13)) ==
        std::string("user#1\0item#6", 13));
  CHECK(ShortestSeparator(std::string("x\0", 2), std::string("x\0\0", 3)) ==
        std::string("x\0\0", 3));
  for (auto [a, b] : std::vector<std::pair<std::string, std::string>>{
           {"a", "b"}, {"abc", "abcd"}, {"zz", "zzz\x01"}, {"k0001", "k0100"}}) {
    std::string s = ShortestSeparator(a, b);
    CHECK(a < s);
    CHECK(s <= b);
  }
}

}  // namespace
}  // namespace btree
}  // namespace pd

// The table layer directly (table/catalog.h, table/table.h): catalog entry
// format, catalog operations, counts, and the ranged iterators Query and
// Scan are built on.
#include <doctest/doctest.h>

#include <algorithm>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "btree/check.h"
#include "keys/key_codec.h"
#include "pager/pager.h"
#include "table/catalog.h"
#include "table/table.h"
#include "value/decimal.h"

namespace pd {
namespace {

TableDescription Description(const std::string& name, bool with_sort_key) {
  TableDescription d;
  d.name = name;
  d.table_id = "00000000-0000-4000-8000-000000000000";
  d.creation_time_ms = 1000;
  d.hash_key = {"pk", AttributeType::kS};
  d.attribute_definitions = {d.hash_key};
  if (with_sort_key) {
    d.range_key = KeyAttribute{"sk", AttributeType::kN};
    d.attribute_definitions.push_back(*d.range_key);
  }
  d.billing_mode = BillingMode::kPayPerRequest;
  return d;
}

AttributeValue Num(long long v) { return AttributeValue::N(Decimal::FromInt64(v)); }

Item MakeItem(const std::string& pk, long long sk, const std::string& payload) {
  Item item;
  item.Set("pk", AttributeValue::S(pk));
  item.Set("sk", Num(sk));
  item.Set("payload", AttributeValue::S(payload));
  return item;
}

struct Fixture {
  Fixture() : pager(Pager::Create(4096).value()), catalog(pager.get()) {}
  std::unique_ptr<Pager> pager;
  Catalog catalog;
};

TEST_CASE("Catalog entries round-trip and bad bytes are Corruption") {
  CatalogEntry entry;
  entry.description = Description("Orders", true);
  entry.description.item_count = 7;
  entry.description.size_bytes = 1234;
  entry.root = 42;
  SecondaryIndex lsi;
  lsi.name = "byPayload";
  lsi.kind = IndexKind::kLocal;
  lsi.hash_name = "pk";
  lsi.range_name = "payload";
  lsi.projection = ProjectionType::kInclude;
  lsi.non_key_attributes = {"x", "y"};
  lsi.item_count = 3;
  lsi.size_bytes = 99;
  SecondaryIndex gsi;
  gsi.name = "gsi.1";
  gsi.hash_name = "payload";
  gsi.hash_type = AttributeType::kB;
  gsi.projection = ProjectionType::kKeysOnly;
  gsi.read_capacity_units = 5;
  gsi.write_capacity_units = 6;
  entry.description.indexes = {lsi, gsi};
  entry.index_roots = {43, 44};
  const std::string bytes = Catalog::EncodeEntry(entry);
  Result<CatalogEntry> back = Catalog::DecodeEntry("Orders", bytes);
  REQUIRE(back.ok());
  CHECK(back->description == entry.description);
  CHECK(back->root == 42);
  CHECK(back->index_roots == std::vector<uint32_t>{43, 44});

  CHECK(Catalog::DecodeEntry("Other", bytes).status().IsCorruption());  // key != name
  for (size_t cut = 0; cut < bytes.size(); ++cut) {
    CHECK(Catalog::DecodeEntry("Orders", bytes.substr(0, cut)).status().IsCorruption());
  }
  CHECK(Catalog::DecodeEntry("Orders", bytes + "x").status().IsCorruption());
  std::string bad = bytes;
  bad[0] = 2;  // version
  CHECK(Catalog::DecodeEntry("Orders", bad).status().IsCorruption());
  bad = bytes;
  bad[1] = bad[2] = bad[3] = bad[4] = 0;  // root 0
  CHECK(Catalog::DecodeEntry("Orders", bad).status().IsCorruption());
  CatalogEntry mismatched = entry;
  mismatched.index_roots = {43};  // one tree for two indexes
  CHECK(Catalog::DecodeEntry("Orders", Catalog::EncodeEntry(mismatched)).status().IsCorruption());
}

TEST_CASE("TableDescription trailing sections: indexes round-trip, bad tags are Corruption") {
  TableDescription d = Description("Orders", true);
  const std::string plain = d.Encode();
  REQUIRE(TableDescription::Decode(plain).ok());  // no sections: as before sections existed
  SecondaryIndex gsi;
  gsi.name = "byPayload";
  gsi.hash_name = "payload";
  gsi.range_name = "sk";
  gsi.range_type = AttributeType::kN;
  d.indexes = {gsi};
  const std::string with = d.Encode();
  REQUIRE(with.size() > plain.size());
  CHECK(with.compare(0, plain.size(), plain) == 0);  // sections only append
  Result<TableDescription> back = TableDescription::Decode(with);
  REQUIRE(back.ok());
  CHECK(*back == d);
  const std::string section = with.substr(plain.size());
  CHECK(section[0] == 1);  // tag 1 = secondary indexes
  CHECK(TableDescription::Decode(with + section).status().IsCorruption());  // duplicate tag
  for (char tag : {'\0', '\2', '\3', '\x09'}) {
    std::string other = section;
    other[0] = tag;
    CHECK(TableDescription::Decode(plain + other).status().IsCorruption());  // unknown tag
  }
  for (size_t cut = plain.size() + 1; cut < with.size(); ++cut) {
    CHECK(TableDescription::Decode(with.substr(0, cut)).status().IsCorruption());
  }
}

TEST_CASE("Catalog create, get, list, update, drop") {
  Fixture f;
  CHECK(f.pager->root(kCatalogRootSlot) == 0);
  CHECK(f.catalog.Get("A12").status().IsNotFound());
  CHECK(f.catalog.List("", 10)->names.empty());
  for (const char* name : {"ccc", "aaa", "bbb"})
    REQUIRE(f.catalog.Create(Description(name, false)).ok());
  CHECK(f.pager->root(kCatalogRootSlot) != 0);
  CHECK(f.catalog.Create(Description("aaa", false)).status().IsInvalidArgument());
  Result<TableNamePage> page = f.catalog.List("", 2);
  CHECK(page->names == std::vector<std::string>{"aaa", "bbb"});
  CHECK(page->last_evaluated == std::string("bbb"));
  page = f.catalog.List("bbb", 2);
  CHECK(page->names == std::vector<std::string>{"ccc"});
  CHECK(!page->last_evaluated);

  Result<CatalogEntry> e = f.catalog.Get("bbb");
  REQUIRE(e.ok());
  e->description.read_capacity_units = 9;
  CHECK(f.catalog.Update(*e).ok());
  CHECK(f.catalog.Get("bbb")->description.read_capacity_units == 9);
  CatalogEntry missing = *e;
  missing.description.name = "zzz";
  CHECK(f.catalog.Update(missing).IsNotFound());

  CHECK(f.catalog.Validate().ok());
  Result<std::vector<uint32_t>> roots = f.catalog.AllRoots();
  REQUIRE(roots.ok());
  CHECK(roots->size() == 4);
  CHECK(CheckDatabase(*f.pager, *roots).ok());

  CHECK(f.catalog.Drop("bbb").ok());
  CHECK(f.catalog.Drop("bbb").status().IsNotFound());
  CHECK(f.catalog.All()->size() == 2);
  CHECK(CheckDatabase(*f.pager, *f.catalog.AllRoots()).ok());
}

TEST_CASE("Catalog::Get's decoded descriptions follow updates, rollbacks and re-creation") {
  Fixture f;
  REQUIRE(f.catalog.Create(Description("Tbl", false)).ok());
  CHECK(!f.catalog.Get("Tbl")->description.range_key);  // decoded, remembered
  CHECK(!f.catalog.Get("Tbl")->description.range_key);  // from the memo
  // A description change rolled back: Get reads the bytes, not what it saw last.
  f.pager->BeginOperation();
  Result<CatalogEntry> e = f.catalog.Get("Tbl");
  e->description.read_capacity_units = 9;
  REQUIRE(f.catalog.Update(*e).ok());
  CHECK(f.catalog.Get("Tbl")->description.read_capacity_units == 9);
  f.pager->RollbackOperation();
  CHECK(f.catalog.Get("Tbl")->description.read_capacity_units == 0);
  // Dropped and created again with another key schema.
  REQUIRE(f.catalog.Drop("Tbl").ok());
  REQUIRE(f.catalog.Create(Description("Tbl", true)).ok());
  CHECK(f.catalog.Get("Tbl")->description.range_key);
  // UpdateCounts rewrites the counts only, and refuses an entry with other index trees.
  e = f.catalog.Get("Tbl");
  e->description.item_count = 3;
  e->description.size_bytes = 300;
  e->description.read_capacity_units = 7;  // not written by UpdateCounts
  REQUIRE(f.catalog.UpdateCounts(*e).ok());
  Result<CatalogEntry> counted = f.catalog.Get("Tbl");
  CHECK(counted->description.item_count == 3);
  CHECK(counted->description.size_bytes == 300);
  CHECK(counted->description.read_capacity_units == 0);
  e->index_roots.push_back(5);
  CHECK(f.catalog.UpdateCounts(*e).IsCorruption());
  e->description.name = "zzz";
  CHECK(f.catalog.UpdateCounts(*e).IsNotFound());
}

TEST_CASE("Table counts follow Put and Delete; CheckContents catches drift") {
  Fixture f;
  REQUIRE(f.catalog.Create(Description("Tbl", true)).ok());
  Result<Table> t = Table::Open(&f.catalog, "Tbl");
  REQUIRE(t.ok());
  CHECK(Table::Open(&f.catalog, "Nope").status().IsNotFound());
  Item a = MakeItem("a", 1, "xyz");
  PrimaryKey ka = t->KeyFromItem(a).value();
  CHECK(t->Get(ka)->has_value() == false);
  REQUIRE(t->Put(ka, a, std::nullopt).ok());
  CHECK(t->description().item_count == 1);
  CHECK(t->description().size_bytes == ItemSize(a));
  CHECK(Table::Open(&f.catalog, "Tbl")->description().size_bytes == ItemSize(a));
  Item a2 = MakeItem("a", 1, std::string(100, 'q'));
  REQUIRE(t->Put(ka, a2, a).ok());
  CHECK(t->description().item_count == 1);
  CHECK(t->description().size_bytes == ItemSize(a2));
  CHECK(t->CheckContents().ok());
  // Deleting with a wrong idea of the old item is reported.
  PrimaryKey kb = t->KeyFromItem(MakeItem("b", 1, "")).value();
  CHECK(t->Delete(kb, MakeItem("b", 1, "")).IsInvalidArgument());
  CHECK(t->Delete(kb, std::nullopt).ok());
  REQUIRE(t->Delete(ka, a2).ok());
  CHECK(t->description().item_count == 0);
  CHECK(t->description().size_bytes == 0);
  CHECK(t->CheckContents().ok());
  // A caller passing the wrong old item makes the counts drift: Check sees it.
  REQUIRE(t->Put(ka, a, std::nullopt).ok());
  REQUIRE(t->Put(ka, a, std::nullopt).ok());
  Status s = t->CheckContents();
  CHECK(s.IsCorruption());
  CHECK(s.message().find("catalog counts 2 items") != std::string::npos);
}

TEST_CASE("KeyItem and DecodeKey invert KeyFromItem") {
  Fixture f;
  REQUIRE(f.catalog.Create(Description("Tbl", true)).ok());
  Table t = Table::Open(&f.catalog, "Tbl").value();
  Item item = MakeItem(std::string("p\0q", 3), -5, "v");  // a NUL inside the key
  PrimaryKey k = t.KeyFromItem(item).value();
  Item key_item = t.KeyItem(k);
  CHECK(key_item.size() == 2);
  CHECK(t.KeyFromKeyMap(key_item)->encoded == k.encoded);
  Result<PrimaryKey> d = t.DecodeKey(k.encoded);
  REQUIRE(d.ok());
  CHECK(d->pk == k.pk);
  CHECK(*d->sk == *k.sk);
  CHECK(t.DecodeKey(k.encoded.substr(0, k.encoded.size() - 1)).status().IsCorruption());
  CHECK(t.IsKeyAttribute("pk"));
  CHECK(t.IsKeyAttribute("sk"));
  CHECK(!t.IsKeyAttribute("payload"));
}

TEST_CASE("TableIterator: partitions, sort-key ranges, both directions, SeekAfter, segments") {
  Fixture f;
  REQUIRE(f.catalog.Create(Description("Tbl", true)).ok());
  Table t = Table::Open(&f.catalog, "Tbl").value();
  const std::vector<std::string> partitions = {"a", "b", "c", "d", "e"};
  for (const std::string& p : partitions) {
    for (long long sk = -20; sk <= 20; ++sk) {
      Item item = MakeItem(p, sk, std::string(static_cast<size_t>(sk + 20) * 10, 'x'));
      REQUIRE(t.Put(t.KeyFromItem(item).value(), item, std::nullopt).ok());
    }
  }
  REQUIRE(t.CheckContents().ok());

  auto collect = [&](KeyRange range, bool forward, const std::string* after = nullptr) {
    std::vector<std::string> out;  // "pk/sk"
    TableIterator it = t.NewIterator(std::move(range), forward);
    Status s = after ? it.SeekAfter(*after) : it.SeekToStart();
    for (; s.ok() && it.Valid(); s = it.Next()) {
      PrimaryKey k = it.primary_key().value();
      Item item = it.item().value();
      CHECK(item.Find("pk")->s() == k.pk.s());
      out.push_back(k.pk.s() + "/" + k.sk->n().ToString());
    }
    REQUIRE(s.ok());
    return out;
  };

  // Whole table: every item once, partitions contiguous, forward == reverse of backward.
  std::vector<std::string> all = collect(KeyRange{}, true);
  CHECK(all.size() == partitions.size() * 41);
  std::vector<std::string> back = collect(KeyRange{}, false);
  std::reverse(back.begin(), back.end());
  CHECK(all == back);

  // One partition in sort-key (numeric) order.
  const AttributeValue pk_c = AttributeValue::S("c");
  std::vector<std::string> c = collect(PartitionRange(pk_c), true);
  REQUIRE(c.size() == 41);
  CHECK(c.front() == "c/-20");
  CHECK(c[20] == "c/0");
  CHECK(c.back() == "c/20");
  std::vector<std::string> c_back = collect(PartitionRange(pk_c), false);
  CHECK(c_back.front() == "c/20");
  CHECK(c_back.back() == "c/-20");

  // Sort-key conditions.
  const AttributeValue one = Num(1);
  CHECK(collect(SortKeyRange(pk_c, SortKeyOp::kBetween, Num(-2), &one), true) ==
        std::vector<std::string>{"c/-2", "c/-1", "c/0", "c/1"});
  CHECK(collect(SortKeyRange(pk_c, SortKeyOp::kLt, Num(-18)), true) ==
        std::vector<std::string>{"c/-20", "c/-19"});
  CHECK(collect(SortKeyRange(pk_c, SortKeyOp::kGe, Num(19)), false) ==
        std::vector<std::string>{"c/20", "c/19"});
  CHECK(collect(SortKeyRange(pk_c, SortKeyOp::kEq, Num(7)), false) ==
        std::vector<std::string>{"c/7"});
  CHECK(collect(SortKeyRange(pk_c, SortKeyOp::kGt, Num(20)), true).empty());

  // Continuing after an ExclusiveStartKey, in both directions.
  const AttributeValue seventeen = Num(17);
  const std::string start = TableKey(pk_c, &seventeen);
  CHECK(collect(PartitionRange(pk_c), true, &start) ==
        std::vector<std::string>{"c/18", "c/19", "c/20"});
  CHECK(collect(PartitionRange(pk_c), false, &start).front() == "c/16");
  CHECK(collect(PartitionRange(pk_c), false, &start).size() == 37);
  // A start key outside the range: forward before it starts at the range start,
  // backward beyond its end starts at the range's last key.
  const std::string before_all(1, '\0');
  CHECK(collect(PartitionRange(pk_c), true, &before_all).size() == 41);
  const std::string after_all(8, '\xFF');
  CHECK(collect(PartitionRange(pk_c), false, &after_all).front() == "c/20");
  // Resuming the whole table after each key visits the rest exactly.
  std::vector<std::string> resumed;
  std::string last;
  for (size_t i = 0; i < all.size(); ++i) {
    TableIterator it = t.NewIterator(KeyRange{}, true);
    REQUIRE((i == 0 ? it.SeekToStart() : it.SeekAfter(last)).ok());
    REQUIRE(it.Valid());
    last = std::string(it.key());
    PrimaryKey k = it.primary_key().value();
    resumed.push_back(k.pk.s() + "/" + k.sk->n().ToString());
  }
  CHECK(resumed == all);

  // Scan segments partition the table.
  for (uint32_t total : {1u, 2u, 3u, 7u}) {
    std::multiset<std::string> seen;
    for (uint32_t segment = 0; segment < total; ++segment) {
      for (const std::string& k : collect(ScanSegmentRange(segment, total), true)) seen.insert(k);
    }
    CHECK(seen == std::multiset<std::string>(all.begin(), all.end()));
  }
}

}  // namespace
}  // namespace pd

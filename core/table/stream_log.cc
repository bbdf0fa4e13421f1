// Stream records and the change feed (formats and contract in
// table/stream_log.h).
#include "table/stream_log.h"

#include <chrono>
#include <utility>

#include "btree/btree.h"
#include "btree/cursor.h"
#include "table/catalog.h"
#include "util/byte_reader.h"
#include "util/coding.h"
#include "value/item_codec.h"

namespace pd {
namespace {

constexpr uint8_t kEntryVersion = 1;
constexpr uint8_t kRecordVersion = 1;
constexpr uint8_t kFlagService = 1;
constexpr char kCounterKey[] = "N";
constexpr char kStreamPrefix = 'S';
constexpr char kRecordPrefix = 'R';

void PutFixed64(std::string* dst, uint64_t v) {
  uint8_t buf[8];
  EncodeFixed64(buf, v);
  dst->append(reinterpret_cast<const char*>(buf), 8);
}

void PutStr(std::string* dst, std::string_view s) {
  PutVarint64(dst, s.size());
  dst->append(s);
}

char TypeByte(AttributeType t) {
  return t == AttributeType::kN ? 'N' : t == AttributeType::kB ? 'B' : 'S';
}

// Reads an entry or record front to back; every failure is Corruption.
// A key attribute: its type byte ('S', 'N', 'B') and its name.
Status ReadKey(ByteReader* r, const char* field, KeyAttribute* out) {
  uint8_t t = 0;
  PD_TRY(r->Byte(field, &t));
  if (t != 'S' && t != 'N' && t != 'B') return r->Bad("bad key type in ", field);
  out->type = t == 'N' ? AttributeType::kN : t == 'B' ? AttributeType::kB : AttributeType::kS;
  return r->String(field, &out->name);
}

std::string EncodeStream(const StreamInfo& s) {
  std::string out(1, static_cast<char>(kEntryVersion));
  PutStr(&out, s.table_name);
  out.push_back(static_cast<char>(s.view_type));
  PutFixed64(&out, static_cast<uint64_t>(s.created_ms));
  PutFixed64(&out, static_cast<uint64_t>(s.disabled_ms));
  PutFixed64(&out, s.start_seq);
  PutFixed64(&out, s.trimmed_through);
  out.push_back(TypeByte(s.hash_key.type));
  PutStr(&out, s.hash_key.name);
  out.push_back(s.range_key ? 1 : 0);
  if (s.range_key) {
    out.push_back(TypeByte(s.range_key->type));
    PutStr(&out, s.range_key->name);
  }
  return out;
}

Result<StreamInfo> DecodeStream(std::string_view arn, std::string_view bytes) {
  ByteReader r("stream entry", bytes);
  StreamInfo s;
  s.arn = std::string(arn);
  uint8_t version = 0, view = 0, has_range = 0;
  uint64_t created = 0, disabled = 0;
  PD_TRY(r.Byte("version", &version));
  if (version != kEntryVersion) return r.Bad("unknown format version in ", "version");
  PD_TRY(r.String("table name", &s.table_name));
  PD_TRY(r.Byte("view type", &view, static_cast<uint8_t>(StreamViewType::kNewAndOldImages)));
  s.view_type = static_cast<StreamViewType>(view);
  PD_TRY(r.Fixed64("created", &created));
  PD_TRY(r.Fixed64("disabled", &disabled));
  s.created_ms = static_cast<int64_t>(created);
  s.disabled_ms = static_cast<int64_t>(disabled);
  PD_TRY(r.Fixed64("start sequence", &s.start_seq));
  PD_TRY(r.Fixed64("trimmed through", &s.trimmed_through));
  PD_TRY(ReadKey(&r, "hash key", &s.hash_key));
  PD_TRY(r.Byte("has range", &has_range, 1));
  if (has_range == 1) {
    KeyAttribute range;
    PD_TRY(ReadKey(&r, "range key", &range));
    s.range_key = std::move(range);
  }
  if (!r.done()) return r.Bad("trailing bytes after ", "range key");
  return s;
}

Result<StreamRecord> DecodeRecord(std::string_view bytes) {
  ByteReader r("stream record", bytes);
  StreamRecord rec;
  uint8_t version = 0, event = 0, flags = 0;
  uint64_t created = 0;
  PD_TRY(r.Byte("version", &version));
  if (version != kRecordVersion) return r.Bad("unknown format version in ", "version");
  PD_TRY(r.Byte("event", &event, static_cast<uint8_t>(StreamEvent::kRemove)));
  if (event < static_cast<uint8_t>(StreamEvent::kInsert)) return r.Bad("bad value of ", "event");
  rec.event = static_cast<StreamEvent>(event);
  PD_TRY(r.Byte("flags", &flags));
  if ((flags & ~kFlagService) != 0) return r.Bad("bad value of ", "flags");
  rec.by_service = (flags & kFlagService) != 0;
  PD_TRY(r.Fixed64("created", &created));
  rec.created_ms = static_cast<int64_t>(created);
  PD_TRY(r.Varint("size bytes", &rec.size_bytes));
  std::string bytes_of;
  PD_TRY(r.String("keys", &bytes_of));
  Result<Item> keys = DecodeItem(bytes_of);
  if (!keys.ok()) return r.Bad("bad item in ", "keys");
  rec.keys = std::move(keys).value();
  for (std::optional<Item>* image : {&rec.new_image, &rec.old_image}) {
    const char* field = image == &rec.new_image ? "new image" : "old image";
    uint8_t has = 0;
    PD_TRY(r.Byte(field, &has, 1));
    if (has == 1) {
      PD_TRY(r.String(field, &bytes_of));
      Result<Item> item = DecodeItem(bytes_of);
      if (!item.ok()) return r.Bad("bad item in ", field);
      *image = std::move(item).value();
    }
  }
  if (!r.done()) return r.Bad("trailing bytes after ", "old image");
  return rec;
}

std::string StreamKey(std::string_view arn) {
  std::string key(1, kStreamPrefix);
  key.append(arn);
  return key;
}

std::string RecordKey(std::string_view arn, uint64_t seq) {
  std::string key(1, kRecordPrefix);
  key.append(arn);
  key.push_back('\0');
  uint8_t buf[8];
  EncodeBigEndian64(buf, seq);
  key.append(reinterpret_cast<const char*>(buf), 8);
  return key;
}

bool Wants(StreamViewType view, bool new_image) {
  if (view == StreamViewType::kNewAndOldImages) return true;
  return new_image ? view == StreamViewType::kNewImage : view == StreamViewType::kOldImage;
}

// The record of one change, with the images `view` asks for.
StreamRecord MakeRecord(const TableDescription& table, const std::optional<Item>& old,
                        const Item* new_item, StreamViewType view, bool service, int64_t now_ms) {
  StreamRecord rec;
  rec.event = !old                  ? StreamEvent::kInsert
              : new_item != nullptr ? StreamEvent::kModify
                                    : StreamEvent::kRemove;
  rec.by_service = service && new_item == nullptr;
  rec.created_ms = now_ms;
  const Item& any = new_item != nullptr ? *new_item : *old;
  for (const KeyAttribute* k : {&table.hash_key, table.range_key ? &*table.range_key : nullptr}) {
    if (k == nullptr) continue;
    if (const AttributeValue* v = any.Find(k->name)) rec.keys.Set(k->name, *v);
  }
  rec.size_bytes = ItemSize(rec.keys);
  if (new_item != nullptr && Wants(view, true)) {
    rec.new_image = *new_item;
    rec.size_bytes += ItemSize(*new_item);
  }
  if (old && Wants(view, false)) {
    rec.old_image = *old;
    rec.size_bytes += ItemSize(*old);
  }
  return rec;
}

std::string EncodeRecord(const StreamRecord& rec) {
  std::string out(1, static_cast<char>(kRecordVersion));
  out.push_back(static_cast<char>(rec.event));
  out.push_back(static_cast<char>(rec.by_service ? kFlagService : 0));
  PutFixed64(&out, static_cast<uint64_t>(rec.created_ms));
  PutVarint64(&out, rec.size_bytes);
  std::string item;
  EncodeItem(rec.keys, &item);
  PutStr(&out, item);
  for (const std::optional<Item>* image : {&rec.new_image, &rec.old_image}) {
    out.push_back(*image ? 1 : 0);
    if (*image) {
      item.clear();
      EncodeItem(**image, &item);
      PutStr(&out, item);
    }
  }
  return out;
}

}  // namespace

int64_t ChangeLog::NowMs() const {
  if (clock_) return clock_();
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::vector<FeedChange> ChangeLog::TakeFeed() {
  std::vector<FeedChange> out = std::move(feed_);
  feed_.clear();
  feed_mark_ = 0;
  return out;
}

Status ChangeLog::EnsureTree() {
  if (root() != 0) return Status::OK();
  Result<uint32_t> created = BTree::Create(pager_);
  if (!created.ok()) return created.status();
  pager_->set_root(kStreamRootSlot, *created);
  std::string first;
  PutFixed64(&first, 1);
  return BTree(pager_, *created).Put(kCounterKey, first);
}

Result<uint64_t> ChangeLog::NextSequenceNumber() const {
  if (root() == 0) return uint64_t{1};
  std::string v;
  Status s = BTree(pager_, root()).Get(kCounterKey, &v);
  if (!s.ok()) return s.IsNotFound() ? Status::Corruption("streams: no sequence counter") : s;
  if (v.size() != 8) return Status::Corruption("streams: bad sequence counter");
  const uint64_t next = DecodeFixed64(reinterpret_cast<const uint8_t*>(v.data()));
  return next == 0 ? uint64_t{1} : next;
}

Result<uint64_t> ChangeLog::TakeSequenceNumber() {
  Result<uint64_t> next = NextSequenceNumber();
  if (!next.ok()) return next;
  std::string v;
  PutFixed64(&v, *next + 1);
  Status s = BTree(pager_, root()).Put(kCounterKey, v);
  if (!s.ok()) return s;
  return *next;
}

Status ChangeLog::Record(const TableDescription& table, const std::optional<Item>& old,
                         const Item* new_item) {
  if (!old && new_item == nullptr) return Status::OK();                      // nothing was deleted
  if (old && new_item != nullptr && *old == *new_item) return Status::OK();  // nothing changed
  const int64_t now = NowMs();
  std::optional<uint64_t> seq;
  if (table.stream.enabled && table.stream.label_ms != 0) {
    Status s = EnsureTree();
    if (!s.ok()) return s;
    Result<uint64_t> taken = TakeSequenceNumber();
    if (!taken.ok()) return taken.status();
    seq = *taken;
    const StreamRecord rec =
        MakeRecord(table, old, new_item, table.stream.view_type, service_deletes_, now);
    // Each stream's records are a run (prefix and ARN): it grows at its end.
    const std::string arn = table.StreamArn();
    s = BTree(pager_, root())
            .Put(RecordKey(arn, *seq), EncodeRecord(rec), static_cast<uint32_t>(arn.size() + 2));
    if (!s.ok()) return s;
  }
  if (feed_enabled_) {
    FeedChange change;
    change.table_name = table.name;
    if (seq) {
      change.stream_arn = table.StreamArn();
      change.seq = seq;
    } else {
      change.feed_number = ++feed_counter_;
    }
    change.record =
        MakeRecord(table, old, new_item, StreamViewType::kNewAndOldImages, service_deletes_, now);
    feed_.push_back(std::move(change));
  }
  return Status::OK();
}

Status ChangeLog::CreateStream(const TableDescription& table) {
  Status s = EnsureTree();
  if (!s.ok()) return s;
  Result<uint64_t> next = NextSequenceNumber();
  if (!next.ok()) return next.status();
  StreamInfo info;
  info.arn = table.StreamArn();
  info.table_name = table.name;
  info.view_type = table.stream.view_type;
  info.created_ms = table.stream.label_ms;
  info.start_seq = *next;
  info.hash_key = table.hash_key;
  info.range_key = table.range_key;
  return BTree(pager_, root()).Put(StreamKey(info.arn), EncodeStream(info));
}

Status ChangeLog::DisableStream(const std::string& arn, int64_t now_ms) {
  Result<StreamInfo> info = Stream(arn);
  if (!info.ok()) return info.status().IsNotFound() ? Status::OK() : info.status();
  if (info->disabled_ms != 0) return Status::OK();
  info->disabled_ms = now_ms == 0 ? 1 : now_ms;
  return BTree(pager_, root()).Put(StreamKey(arn), EncodeStream(*info));
}

Result<std::vector<StreamInfo>> ChangeLog::Streams(std::optional<std::string> table_name) const {
  std::vector<StreamInfo> out;
  if (root() == 0) return out;
  Cursor c(pager_, root());
  Status s;
  for (s = c.Seek(std::string(1, kStreamPrefix)); s.ok() && c.Valid(); s = c.Next()) {
    std::string_view key = c.key();
    if (key.empty() || key[0] != kStreamPrefix) break;
    Result<std::string_view> v = c.value();
    if (!v.ok()) return v.status();
    Result<StreamInfo> info = DecodeStream(key.substr(1), *v);
    if (!info.ok()) return info.status();
    if (!table_name || info->table_name == *table_name) out.push_back(std::move(info).value());
  }
  if (!s.ok()) return s;
  return out;
}

Result<StreamInfo> ChangeLog::Stream(std::string_view arn) const {
  if (root() == 0) return Status::NotFound("no such stream");
  std::string v;
  Status s = BTree(pager_, root()).Get(StreamKey(arn), &v);
  if (!s.ok()) return s;
  return DecodeStream(arn, v);
}

Result<std::optional<std::pair<uint64_t, uint64_t>>> ChangeLog::RecordRange(
    const StreamInfo& info) const {
  std::optional<std::pair<uint64_t, uint64_t>> none;
  if (root() == 0) return none;
  const std::string lo = RecordKey(info.arn, 0);
  const std::string hi = RecordKey(info.arn, UINT64_MAX);
  Cursor c(pager_, root());
  Status s = c.Seek(lo);
  if (!s.ok()) return s;
  if (!c.Valid() || c.key() > std::string_view(hi)) return none;
  const uint64_t first =
      DecodeBigEndian64(reinterpret_cast<const uint8_t*>(c.key().data()) + c.key().size() - 8);
  s = c.SeekForPrev(hi);
  if (!s.ok()) return s;
  if (!c.Valid() || c.key() < std::string_view(lo)) return none;
  const uint64_t last =
      DecodeBigEndian64(reinterpret_cast<const uint8_t*>(c.key().data()) + c.key().size() - 8);
  return std::optional<std::pair<uint64_t, uint64_t>>({first, last});
}

Result<StreamRecordPage> ChangeLog::Read(const StreamInfo& info, uint64_t from_seq,
                                         uint32_t limit) const {
  StreamRecordPage page;
  page.next_seq = from_seq;
  if (root() == 0) return page;
  const std::string hi = RecordKey(info.arn, UINT64_MAX);
  Cursor c(pager_, root());
  Status s;
  for (s = c.Seek(RecordKey(info.arn, from_seq)); s.ok() && c.Valid(); s = c.Next()) {
    if (page.records.size() >= limit || c.key() > std::string_view(hi)) break;
    const uint64_t seq =
        DecodeBigEndian64(reinterpret_cast<const uint8_t*>(c.key().data()) + c.key().size() - 8);
    Result<std::string_view> v = c.value();
    if (!v.ok()) return v.status();
    Result<StreamRecord> rec = DecodeRecord(*v);
    if (!rec.ok()) return rec.status();
    page.records.emplace_back(seq, std::move(rec).value());
    page.next_seq = seq + 1;
  }
  if (!s.ok()) return s;
  return page;
}

Status ChangeLog::Trim(int64_t now_ms, uint32_t max_deletes, uint32_t* deleted, bool* more) {
  *deleted = 0;
  *more = false;
  if (root() == 0) return Status::OK();
  Result<std::vector<StreamInfo>> streams = Streams(std::nullopt);
  if (!streams.ok()) return streams.status();
  BTree tree(pager_, root());
  for (StreamInfo& info : *streams) {
    const bool purge = info.disabled_ms != 0 && now_ms - info.disabled_ms >= kStreamRetentionMs;
    // Collect first (writes invalidate cursors), then delete.
    std::vector<std::pair<std::string, uint64_t>> doomed;  // (key, seq)
    const std::string hi = RecordKey(info.arn, UINT64_MAX);
    Cursor c(pager_, root());
    Status s;
    for (s = c.Seek(RecordKey(info.arn, 0)); s.ok() && c.Valid(); s = c.Next()) {
      if (c.key() > std::string_view(hi)) break;
      if (*deleted + doomed.size() >= max_deletes) {
        *more = true;
        break;
      }
      if (!purge) {
        Result<std::string_view> v = c.value();
        if (!v.ok()) return v.status();
        if (v->size() < 11) return Status::Corruption("streams: bad stream record");
        const int64_t created =
            static_cast<int64_t>(DecodeFixed64(reinterpret_cast<const uint8_t*>(v->data()) + 3));
        if (now_ms - created < kStreamRetentionMs) break;
      }
      doomed.emplace_back(
          std::string(c.key()),
          DecodeBigEndian64(reinterpret_cast<const uint8_t*>(c.key().data()) + c.key().size() - 8));
    }
    if (!s.ok()) return s;
    for (const auto& [key, seq] : doomed) {
      s = tree.Delete(key);
      if (!s.ok()) return s;
      ++*deleted;
      if (seq > info.trimmed_through) info.trimmed_through = seq;
    }
    if (purge && !*more) {
      s = tree.Delete(StreamKey(info.arn));
      if (!s.ok()) return s;
      ++*deleted;
    } else if (!doomed.empty()) {
      s = tree.Put(StreamKey(info.arn), EncodeStream(info));
      if (!s.ok()) return s;
    }
    if (*more) break;
  }
  return Status::OK();
}

Status ChangeLog::CheckContents() const {
  if (root() == 0) return Status::OK();
  Result<uint64_t> next = NextSequenceNumber();
  if (!next.ok()) return next.status();
  Result<std::vector<StreamInfo>> streams = Streams(std::nullopt);
  if (!streams.ok()) return streams.status();
  Cursor c(pager_, root());
  Status s;
  for (s = c.SeekToFirst(); s.ok() && c.Valid(); s = c.Next()) {
    std::string_view key = c.key();
    if (key == kCounterKey || (!key.empty() && key[0] == kStreamPrefix)) continue;
    if (key.size() < 10 || key[0] != kRecordPrefix || key[key.size() - 9] != '\0') {
      return Status::Corruption("streams: unexpected key in the streams tree");
    }
    const std::string_view arn = key.substr(1, key.size() - 10);
    bool known = false;
    for (const StreamInfo& info : *streams) known = known || info.arn == arn;
    if (!known) return Status::Corruption("streams: record of an unknown stream");
    const uint64_t seq =
        DecodeBigEndian64(reinterpret_cast<const uint8_t*>(key.data()) + key.size() - 8);
    if (seq == 0 || seq >= *next)
      return Status::Corruption("streams: sequence number out of range");
    Result<std::string_view> v = c.value();
    if (!v.ok()) return v.status();
    Result<StreamRecord> rec = DecodeRecord(*v);
    if (!rec.ok()) return rec.status();
  }
  return s;
}

Status RecordItemChange(Catalog* catalog, const TableDescription& table,
                        const std::optional<Item>& old, const Item* new_item) {
  ChangeLog* log = catalog->change_log();
  if (log == nullptr) return Status::OK();
  return log->Record(table, old, new_item);
}

}  // namespace pd

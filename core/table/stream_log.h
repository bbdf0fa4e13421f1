// ChangeLog: what happens to items, for DynamoDB Streams and for the
// JavaScript change feed (db.subscribe / db.live).
//
// Every item write goes through Table::Put / Table::Delete, and each of them
// makes ONE call here, RecordItemChange(). For a write that changes the item
// (an INSERT, a MODIFY whose new image differs from the old one, a REMOVE of
// an existing item; DynamoDB writes no stream record for a PutItem or
// UpdateItem that leaves the item as it was, nor for a DeleteItem of a
// missing item) it
//   1. appends a stream record to the table's stream when the table has an
//      enabled stream (the streams tree below), in the same pager operation
//      as the item write, so a rolled-back write leaves no record, and
//   2. when the change feed is on, appends the change to the feed of the
//      current operation (memory only); the engine drops it when the
//      operation is rolled back and hands it to JS (Engine::TakeChanges,
//      rendered by api/stream_json.h) when it succeeds. JS delivers it once
//      the commit is durable.
//
// This file keeps the records' bytes and structure (StreamRecord); their
// DynamoDB Streams JSON (the Record shape, event and shard ids, the
// sequence numbers' text) is api/'s: api/stream_json.h.
//
// Streams tree (pager root slot kStreamRootSlot = 3, created by the first
// stream; keys compare as bytes; this file owns the format):
//   "N"                        -> next sequence number: fixed64 (first is 1)
//   "S" arn                    -> stream entry (below), one per stream ever
//                                 created and not yet purged
//   "R" arn 0x00 seq:be64      -> stream record (below); seq increases in
//                                 commit order across the whole database
//
// Stream entry (integers little-endian; str = varint length + bytes):
//   version:u8(=1) table_name:str view_type:u8 created_ms:fixed64
//   disabled_ms:fixed64 (0 = enabled) start_seq:fixed64 (the next sequence
//   number when the stream was created) trimmed_through:fixed64 (highest
//   trimmed sequence number, 0 = none) hash_type:u8('S'|'N'|'B') hash_name:str
//   has_range:u8 [range_type:u8 range_name:str]
// Stream record:
//   version:u8(=1) event:u8 (1 INSERT, 2 MODIFY, 3 REMOVE) flags:u8 (bit 0:
//   deleted by TTL, userIdentity Service) created_ms:fixed64 size_bytes:varint
//   keys:str (EncodeItem) has_new:u8 [new:str] has_old:u8 [old:str]
//   The images present are the ones the stream's view type asks for.
//
// Retention: records older than 24 hours (kStreamRetentionMs) are trimmed by
// Trim() (run by the engine's sweep, bounded per call); a disabled stream
// (DisableStream, or its table deleted) stays readable for 24 hours and is
// then purged with its records.
//
// Handles: ChangeLog is owned by the engine and reached from Table through
// Catalog::change_log(); it holds the pager pointer (not owned). Writes run
// inside a pager operation. Errors: Corruption (damaged entry), OutOfSpace.
#ifndef PD_TABLE_STREAM_LOG_H_
#define PD_TABLE_STREAM_LOG_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "pager/pager.h"
#include "table/root_slots.h"
#include "table/table_description.h"
#include "util/status.h"
#include "value/item.h"

namespace pd {

class Catalog;

constexpr int64_t kStreamRetentionMs = 24LL * 3600 * 1000;  // DynamoDB Streams keeps 24 hours
constexpr int64_t kShardIteratorLifetimeMs = 15LL * 60 * 1000;  // iterators expire after 15 minutes

// A stream as ListStreams / DescribeStream report it.
struct StreamInfo {
  std::string arn;                                       // table ARN + "/stream/" + label
  std::string table_name;                                // the table it belongs (belonged) to
  StreamViewType view_type = StreamViewType::kKeysOnly;  // images recorded
  int64_t created_ms = 0;                                // ms since the epoch; the label's time
  int64_t disabled_ms = 0;                               // when it was disabled, 0 = ENABLED
  uint64_t start_seq = 0;                                // next sequence number at creation
  uint64_t trimmed_through = 0;           // highest trimmed sequence number, 0 = none
  KeyAttribute hash_key;                  // the table's partition key
  std::optional<KeyAttribute> range_key;  // the table's sort key

  std::string Label() const { return StreamLabel(created_ms); }
};

// What happened to an item (a stream record's eventName).
enum class StreamEvent : uint8_t { kInsert = 1, kModify = 2, kRemove = 3 };

// A stream record, decoded (format in the header comment).
struct StreamRecord {
  StreamEvent event = StreamEvent::kInsert;
  bool by_service = false;        // deleted by TTL (userIdentity Service)
  int64_t created_ms = 0;         // ms since the epoch
  uint64_t size_bytes = 0;        // SizeBytes: the keys and the images recorded
  Item keys;                      // the key attributes
  std::optional<Item> new_image;  // as the view type asks
  std::optional<Item> old_image;  // as the view type asks
};

// One page of Read.
struct StreamRecordPage {
  std::vector<std::pair<uint64_t, StreamRecord>> records;  // (sequence number, record)
  uint64_t next_seq = 0;                                   // where the next page starts
};

// One change of the feed (header, 2.): its record holds both images.
struct FeedChange {
  std::string table_name;
  std::string stream_arn;       // the table's stream, when `seq` is set
  std::optional<uint64_t> seq;  // its stream record's sequence number, if it has a stream
  uint64_t feed_number = 0;     // else its number among the feed's records without a stream
  StreamRecord record;
};

class ChangeLog {
 public:
  // REQUIRES: pager outlives the log.
  explicit ChangeLog(Pager* pager) : pager_(pager) {}

  // Milliseconds since the epoch, for record times and trimming.
  void set_clock(std::function<int64_t()> clock) { clock_ = std::move(clock); }
  int64_t NowMs() const;

  // While true, changes are recorded as deleted by the service (TTL).
  void set_service_deletes(bool on) { service_deletes_ = on; }

  // The change feed (header, 2.).
  void set_feed_enabled(bool on) { feed_enabled_ = on; }
  bool feed_enabled() const { return feed_enabled_; }
  // Operation boundaries, called by the engine around every write operation.
  // Everything in memory a call may change (feed, eventID counter, the TTL
  // sweep's flag), to undo a call that page-faulted (engine.cc).
  struct Mark {
    size_t feed = 0;
    uint64_t feed_counter = 0;
    bool service_deletes = false;
  };
  Mark mark() const { return Mark{feed_.size(), feed_counter_, service_deletes_}; }
  void RollbackTo(const Mark& m) {
    feed_.resize(m.feed);
    feed_counter_ = m.feed_counter;
    service_deletes_ = m.service_deletes;
  }
  void BeginOperation() { feed_mark_ = feed_.size(); }
  void RollbackOperation() { feed_.resize(feed_mark_); }
  // The changes of the operations since the last call, oldest first.
  std::vector<FeedChange> TakeFeed();
  bool has_feed() const { return !feed_.empty(); }

  // The one entry point from Table::Put (new_item set) and Table::Delete
  // (new_item null). `old` is the item before the write.
  Status Record(const TableDescription& table, const std::optional<Item>& old,
                const Item* new_item);

  // Registers the stream of `table` (table.stream enabled, label_ms set).
  Status CreateStream(const TableDescription& table);
  // Marks the stream `arn` disabled at now_ms (no-op if absent or disabled).
  Status DisableStream(const std::string& arn, int64_t now_ms);

  // Streams, by ARN order; optionally only those of one table.
  Result<std::vector<StreamInfo>> Streams(std::optional<std::string> table_name) const;
  // NotFound if no stream has that ARN.
  Result<StreamInfo> Stream(std::string_view arn) const;
  // Sequence number the next record will get.
  Result<uint64_t> NextSequenceNumber() const;
  // First and last retained record of a stream (nullopt if it has none).
  Result<std::optional<std::pair<uint64_t, uint64_t>>> RecordRange(const StreamInfo& s) const;
  // Up to `limit` records with seq >= from_seq, and where to go on.
  Result<StreamRecordPage> Read(const StreamInfo& s, uint64_t from_seq, uint32_t limit) const;

  // Deletes records older than kStreamRetentionMs at now_ms and streams
  // disabled longer ago than that, at most max_deletes tree entries per call.
  // *more is set when something is left to trim.
  Status Trim(int64_t now_ms, uint32_t max_deletes, uint32_t* deleted, bool* more);

  // Every entry decodes; every record belongs to a stream entry.
  Status CheckContents() const;
  uint32_t root() const { return pager_->root(kStreamRootSlot); }

 private:
  Status EnsureTree();
  Result<uint64_t> TakeSequenceNumber();

  Pager* pager_;                      // not owned
  std::function<int64_t()> clock_;    // empty = system clock
  bool service_deletes_ = false;      // TTL sweep running: REMOVEs by the service
  bool feed_enabled_ = false;         // collect the change feed
  std::vector<FeedChange> feed_;      // changes of finished + current operations
  size_t feed_mark_ = 0;              // feed_.size() when the operation began
  uint64_t feed_counter_ = 0;         // eventIDs of feed records without a stream
};

// THE hook of Table::Put / Table::Delete: records the change through the
// catalog's change log, if it has one (else OK).
Status RecordItemChange(Catalog* catalog, const TableDescription& table,
                        const std::optional<Item>& old, const Item* new_item);

}  // namespace pd

#endif  // PD_TABLE_STREAM_LOG_H_

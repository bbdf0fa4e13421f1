// TTL sweep: finds items whose time-to-live attribute has passed and
// deletes them, in bounded steps, through Table::Delete (so counts, indexes
// and stream records stay right; the stream marks them as deleted by the
// service: table/stream_log.h).
//
// An item is expired at now_ms when its table has TTL enabled and the item's
// TTL attribute is a number N (epoch seconds) with
//   now_s - 5 years <= N < now_s          (now_s = floor(now_ms / 1000))
// DynamoDB does not delete items whose TTL is more than five years in the
// past, nor items whose attribute is not a number (sets included). Until
// the sweep deletes an expired item, every read returns it.
//
// One step examines at most max_examined items, resuming where the previous
// step stopped (SweepCursor, kept by the caller in memory: a reopened
// database starts over, which is harmless), and deletes at most max_deletes.
// REQUIRES: inside a pager operation (the caller rolls it back on error).
#ifndef PD_TABLE_TTL_SWEEP_H_
#define PD_TABLE_TTL_SWEEP_H_

#include <cstdint>
#include <string>

#include "table/catalog.h"
#include "table/stream_log.h"
#include "util/status.h"

namespace pd {

// Where the sweep goes on.
struct SweepCursor {
  std::string table;     // table being swept; "" = start with the first TTL table
  std::string last_key;  // last examined table key in it; "" = from its start
};

struct SweepResult {
  uint32_t deleted = 0;   // expired items deleted
  uint32_t examined = 0;  // items looked at
  bool more = false;      // the round over all TTL tables is not finished
};

Status SweepExpiredItems(Catalog* catalog, ChangeLog* log, int64_t now_ms, uint32_t max_deletes,
                         uint32_t max_examined, SweepCursor* cursor, SweepResult* result);

}  // namespace pd

#endif  // PD_TABLE_TTL_SWEEP_H_

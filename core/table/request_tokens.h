// RequestTokens: the ClientRequestToken memory of TransactWriteItems, kept
// in the database itself so idempotency survives a reload.
//
// DynamoDB keeps a transaction's client token server-side: for 10 minutes
// after the first request that used it completed (table/limits.h
// kClientRequestTokenWindowMs), the same token with the same request
// succeeds again without applying anything, and the same token with a
// different request is an IdempotentParameterMismatchException. In
// pocketdynamo the database is the server, so the tokens are database
// state: a small B+tree in the pager (root in pager root slot
// kRequestTokenRootSlot) written in the same pager operation as the
// transaction it belongs to. A transaction that is rolled back (cancelled,
// failed, or lost with a commit that did not reach a quorum) takes its token
// with it, and a reopened database remembers every committed token.
//
// Only a fingerprint of the request is kept (its length, FNV-1a 64 and
// CRC32C), not the request itself (up to megabytes): two different requests
// compare equal only if all three collide.
//
// Tree layout (keys compare as bytes; this file owns the format):
//   "T" token                 -> token entry (below)
//   "E" expiry(8) token       -> "" (empty): the expiry index. expiry is
//                               recorded_ms + window as a big-endian uint64 of
//                               the int64 with its sign bit flipped, so the
//                               index is in time order and purging expired
//                               tokens reads only the expired ones.
// Token entry, integers little-endian (util/coding.h):
//   OFFSET SIZE DESCRIPTION
//   0      1    format version (kRequestTokenVersion = 1)
//   1      8    recorded_ms: engine clock when the transaction completed (int64)
//   9      8    request length in bytes (uint64)
//   17     8    FNV-1a 64 of the request bytes
//   25     4    CRC32C of the request bytes
//   29          (end; anything else is Corruption)
// Every "T" entry has exactly one "E" entry with its expiry and vice versa.
//
// "The request" is whatever canonical text the caller fingerprints; the
// TransactWriteItems handler uses the spec-normalized request JSON, dumped
// (nlohmann orders object members by name, so equal requests give equal
// text whatever their member order on the wire).
//
// Handles: RequestTokens is a stateless handle on a pager it does not own
// (the pager must outlive it), valid across rollbacks. Record must run inside
// a pager operation (it writes pages), as every write does. Errors:
// Corruption (a damaged tree or entry), OutOfSpace (pager full).
#ifndef PD_TABLE_REQUEST_TOKENS_H_
#define PD_TABLE_REQUEST_TOKENS_H_

#include <cstdint>
#include <string_view>

#include "pager/pager.h"
#include "table/root_slots.h"
#include "util/status.h"

namespace pd {

constexpr uint8_t kRequestTokenVersion = 1;  // token entry format version (above)

class RequestTokens {
 public:
  // How a token relates to a request.
  enum class Match : uint8_t {
    kUnknown,    // no live entry: the token is new (or its 10 minutes are over)
    kSame,       // live entry for this very request: replay, apply nothing
    kDifferent,  // live entry for another request: IdempotentParameterMismatch
  };

  // REQUIRES: pager outlives the handle.
  explicit RequestTokens(Pager* pager) : pager_(pager) {}

  // Looks `token` up at time now_ms; an entry is live while
  // now_ms < recorded_ms + window_ms.
  Result<Match> Find(std::string_view token, std::string_view request, int64_t now_ms,
                     int64_t window_ms) const;

  // Remembers token -> request as completed at now_ms (replacing an expired
  // entry of the same token), after removing every entry expired at now_ms.
  // REQUIRES: Find(token, ...) is not kSame or kDifferent at now_ms; inside
  // a pager operation.
  Status Record(std::string_view token, std::string_view request, int64_t now_ms,
                int64_t window_ms);

  // Root page of the token tree, 0 while no token was ever recorded. Belongs
  // in the root list given to CheckDatabase (btree/check.h).
  uint32_t root() const { return pager_->root(kRequestTokenRootSlot); }

  // Decodes every entry and checks that "T" and "E" entries pair up as
  // described above. Corruption describing the first problem.
  Status CheckContents() const;

 private:
  Pager* pager_;  // not owned
};

}  // namespace pd

#endif  // PD_TABLE_REQUEST_TOKENS_H_

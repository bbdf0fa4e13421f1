// The ClientRequestToken tree (format and contract in table/request_tokens.h).
#include "table/request_tokens.h"

#include <algorithm>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "btree/btree.h"
#include "btree/cursor.h"
#include "util/coding.h"
#include "util/crc32c.h"

namespace pd {
namespace {

constexpr char kTokenPrefix = 'T';
constexpr char kExpiryPrefix = 'E';
constexpr size_t kEntrySize = 29;  // bytes of a token entry
constexpr size_t kExpirySize = 8;  // bytes of the expiry in an "E" key

struct Entry {
  int64_t recorded_ms = 0;  // engine clock at completion
  uint64_t length = 0;      // request bytes
  uint64_t fnv = 0;         // FNV-1a 64 of the request
  uint32_t crc = 0;         // CRC32C of the request
};

uint64_t Fnv1a64(std::string_view bytes) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return h;
}

Entry Fingerprint(std::string_view request, int64_t now_ms) {
  Entry e;
  e.recorded_ms = now_ms;
  e.length = request.size();
  e.fnv = Fnv1a64(request);
  e.crc = Crc32c(reinterpret_cast<const uint8_t*>(request.data()), request.size());
  return e;
}

std::string EncodeEntry(const Entry& e) {
  uint8_t buf[kEntrySize];
  buf[0] = kRequestTokenVersion;
  EncodeFixed64(buf + 1, static_cast<uint64_t>(e.recorded_ms));
  EncodeFixed64(buf + 9, e.length);
  EncodeFixed64(buf + 17, e.fnv);
  EncodeFixed32(buf + 25, e.crc);
  return std::string(reinterpret_cast<const char*>(buf), kEntrySize);
}

Result<Entry> DecodeEntry(std::string_view token, std::string_view bytes) {
  if (bytes.size() != kEntrySize || static_cast<uint8_t>(bytes[0]) != kRequestTokenVersion) {
    return Status::Corruption("request token '" + std::string(token) + "': bad entry");
  }
  const uint8_t* p = reinterpret_cast<const uint8_t*>(bytes.data());
  Entry e;
  e.recorded_ms = static_cast<int64_t>(DecodeFixed64(p + 1));
  e.length = DecodeFixed64(p + 9);
  e.fnv = DecodeFixed64(p + 17);
  e.crc = DecodeFixed32(p + 25);
  return e;
}

std::string TokenKey(std::string_view token) {
  std::string key(1, kTokenPrefix);
  key.append(token);
  return key;
}

// Order-preserving bytes of an int64: sign bit flipped, big-endian.
std::string ExpiryKey(int64_t expiry_ms, std::string_view token) {
  uint8_t buf[kExpirySize];
  EncodeBigEndian64(buf, static_cast<uint64_t>(expiry_ms) ^ (1ULL << 63));
  std::string key(1, kExpiryPrefix);
  key.append(reinterpret_cast<const char*>(buf), kExpirySize);
  key.append(token);
  return key;
}

int64_t ExpiryOfKey(std::string_view key) {
  const uint8_t* p = reinterpret_cast<const uint8_t*>(key.data()) + 1;
  return static_cast<int64_t>(DecodeBigEndian64(p) ^ (1ULL << 63));
}

// Expiry of an entry, saturating instead of overflowing on absurd clocks.
int64_t Expiry(int64_t recorded_ms, int64_t window_ms) {
  if (recorded_ms > INT64_MAX - window_ms) return INT64_MAX;
  return recorded_ms + window_ms;
}

}  // namespace

Result<RequestTokens::Match> RequestTokens::Find(std::string_view token, std::string_view request,
                                                 int64_t now_ms, int64_t window_ms) const {
  if (root() == 0) return Match::kUnknown;
  std::string value;
  Status s = BTree(pager_, root()).Get(TokenKey(token), &value);
  if (s.IsNotFound()) return Match::kUnknown;
  if (!s.ok()) return s;
  Result<Entry> e = DecodeEntry(token, value);
  if (!e.ok()) return e.status();
  if (now_ms >= Expiry(e->recorded_ms, window_ms)) return Match::kUnknown;
  const Entry now = Fingerprint(request, now_ms);
  const bool same = now.length == e->length && now.fnv == e->fnv && now.crc == e->crc;
  return same ? Match::kSame : Match::kDifferent;
}

Status RequestTokens::Record(std::string_view token, std::string_view request, int64_t now_ms,
                             int64_t window_ms) {
  if (root() == 0) {
    Result<uint32_t> created = BTree::Create(pager_);
    if (!created.ok()) return created.status();
    pager_->set_root(kRequestTokenRootSlot, *created);
  }
  BTree tree(pager_, root());
  // Purge: expiry-index keys are in time order; collect the expired ones
  // first (a write would invalidate the cursor), then delete both entries.
  std::vector<std::string> expired;
  Cursor c = tree.NewCursor();
  Status s;
  for (s = c.Seek(std::string(1, kExpiryPrefix)); s.ok() && c.Valid(); s = c.Next()) {
    std::string_view key = c.key();
    if (key.empty() || key[0] != kExpiryPrefix) break;
    if (key.size() <= kExpirySize) return Status::Corruption("request tokens: short expiry key");
    if (ExpiryOfKey(key) > now_ms) break;
    expired.emplace_back(key);
  }
  if (!s.ok()) return s;
  for (const std::string& key : expired) {
    s = tree.Delete(key);
    if (!s.ok()) return s;
    s = tree.Delete(TokenKey(std::string_view(key).substr(1 + kExpirySize)));
    if (s.IsNotFound()) return Status::Corruption("request tokens: expiry without token entry");
    if (!s.ok()) return s;
  }
  // An entry of this token that is expired but not yet purged (its expiry is
  // after now_ms only if it is live, which the caller excluded; a clock that
  // went backwards can leave one): replace it and its index key.
  std::string old;
  s = tree.Get(TokenKey(token), &old);
  if (s.ok()) {
    Result<Entry> e = DecodeEntry(token, old);
    if (!e.ok()) return e.status();
    s = tree.Delete(ExpiryKey(Expiry(e->recorded_ms, window_ms), token));
    if (s.IsNotFound()) return Status::Corruption("request tokens: token entry without expiry");
    if (!s.ok()) return s;
  } else if (!s.IsNotFound()) {
    return s;
  }
  const Entry e = Fingerprint(request, now_ms);
  s = tree.Put(TokenKey(token), EncodeEntry(e));
  if (!s.ok()) return s;
  return tree.Put(ExpiryKey(Expiry(now_ms, window_ms), token), std::string_view());
}

Status RequestTokens::CheckContents() const {
  if (root() == 0) return Status::OK();
  // Expiry keys (sorted by time) and token entries (sorted by token) are
  // collected separately and matched up.
  std::vector<std::pair<std::string, int64_t>> expiries;  // (token, recorded_ms + window)
  std::vector<std::pair<std::string, int64_t>> tokens;    // (token, recorded_ms)
  Cursor c(pager_, root());
  Status s;
  for (s = c.SeekToFirst(); s.ok() && c.Valid(); s = c.Next()) {
    std::string_view key = c.key();
    if (!key.empty() && key[0] == kExpiryPrefix && key.size() > 1 + kExpirySize) {
      expiries.emplace_back(std::string(key.substr(1 + kExpirySize)), ExpiryOfKey(key));
    } else if (!key.empty() && key[0] == kTokenPrefix && key.size() > 1) {
      Result<std::string_view> v = c.value();
      if (!v.ok()) return v.status();
      Result<Entry> e = DecodeEntry(key.substr(1), *v);
      if (!e.ok()) return e.status();
      tokens.emplace_back(std::string(key.substr(1)), e->recorded_ms);
    } else {
      return Status::Corruption("request tokens: unexpected key in the token tree");
    }
  }
  if (!s.ok()) return s;
  if (expiries.size() != tokens.size()) {
    return Status::Corruption("request tokens: " + std::to_string(tokens.size()) + " tokens but " +
                              std::to_string(expiries.size()) + " expiry keys");
  }
  std::sort(expiries.begin(), expiries.end());
  for (size_t i = 0; i < tokens.size(); ++i) {
    // The window is not stored; an expiry must not precede its recording.
    if (expiries[i].first != tokens[i].first || expiries[i].second < tokens[i].second) {
      return Status::Corruption("request tokens: token '" + tokens[i].first +
                                "' and its expiry key do not match");
    }
  }
  return Status::OK();
}

}  // namespace pd

// The remote table's stream as a pull source of the sync (docs/sync.md
// "Pull from the remote's stream"): which shards to read in which order, and
// what a page of stream records means for the local side. The reading itself
// (GetShardIterator, GetRecords through @aws-sdk/client-dynamodb-streams)
// is in sync.js; these are the parts without I/O.

/** A shard read to its end (its position in the sync state's `rstream` row). */
export const SHARD_DONE = 'done';

/**
 * The shards of a stream to read now, parents before children, from
 * DescribeStream's Shards ([{ ShardId, ParentShardId?, SequenceNumberRange }])
 * and the positions kept (`{ [shardId]: last sequence number applied | SHARD_DONE }`).
 * A shard whose parent is listed and not done waits for it (its records
 * come after the parent's); a parent no longer listed was trimmed and
 * counts as done. Returns { order: shards to read, positions: the
 * positions of listed shards only, lost }: lost is true when a shard with
 * records not yet applied (a position that is not SHARD_DONE) is no longer
 * listed: its remaining records were trimmed, the stream cannot say what
 * changed.
 */
export function shardPlan(shards, positions) {
  const listed = new Map(shards.map((s) => [s.ShardId, s]));
  const kept = {};
  let lost = false;
  for (const [id, position] of Object.entries(positions)) {
    if (listed.has(id)) kept[id] = position;
    else if (position !== SHARD_DONE) lost = true;
  }
  const order = [];
  const placed = new Set();
  const visit = (shard, depth) => {
    if (placed.has(shard.ShardId) || depth > shards.length) return;
    const parent = shard.ParentShardId ? listed.get(shard.ParentShardId) : undefined;
    if (parent !== undefined) visit(parent, depth + 1);
    placed.add(shard.ShardId);
    if (kept[shard.ShardId] !== SHARD_DONE) order.push(shard);
  };
  for (const shard of shards) visit(shard, 0);
  return { order, positions: kept, lost };
}

/**
 * What a page of stream records (in stream order) asks of the local side,
 * one entry per key: { key, removed, image }. removed: the remote item was
 * deleted (a REMOVE record: deleted outright or by TTL) at some point of the
 * page, to be applied before `image`; image: the item as the key's last
 * record left it (SDK form), undefined when that record was a REMOVE, null
 * when the stream carries no new image (KEYS_ONLY or OLD_IMAGE: the item is
 * read from the remote). `canonical(key)` gives a key's identity text.
 */
export function recordChanges(records, canonical) {
  const byKey = new Map();
  for (const record of records) {
    const { Keys, NewImage } = record.dynamodb;
    const text = canonical(Keys);
    let change = byKey.get(text);
    if (change === undefined) {
      change = { key: Keys, removed: false, image: undefined };
      byKey.set(text, change);
    }
    if (record.eventName === 'REMOVE') {
      change.removed = true;
      change.image = undefined;
    } else {
      change.image = NewImage ?? null;
    }
  }
  return [...byKey.values()];
}

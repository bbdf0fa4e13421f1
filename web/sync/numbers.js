// DynamoDB numbers (up to 38 significant digits, as text) as the sync
// compares and steps them: versions (_v) and change times (_t) exactly,
// never through a JS number (which keeps 15-17 digits: two versions past
// 2^53 would compare equal).

// { sign: -1 | 0 | 1, digits (no leading/trailing zeros), point }: value = sign * 0.digits * 10^point.
function parse(text) {
  const m = /^\s*([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?\s*$/.exec(String(text));
  if (m === null || (m[2] === '' && (m[3] ?? '') === '')) throw new TypeError(`not a number: ${JSON.stringify(text)}`);
  let digits = m[2] + (m[3] ?? '');
  let point = m[2].length + Number(m[4] ?? 0);
  const lead = /^0*/.exec(digits)[0].length;
  digits = digits.slice(lead).replace(/0+$/, '');
  point -= lead;
  if (digits === '') return { sign: 0, digits: '', point: 0 };
  return { sign: m[1] === '-' ? -1 : 1, digits, point };
}

/** -1, 0 or 1 as the numbers a and b (DynamoDB N text) compare; exact. */
export function compareN(a, b) {
  const x = parse(a);
  const y = parse(b);
  if (x.sign !== y.sign) return Math.sign(x.sign - y.sign);
  if (x.sign === 0) return 0;
  let r = 0;
  if (x.point !== y.point) {
    r = x.point > y.point ? 1 : -1;
  } else {
    const n = Math.max(x.digits.length, y.digits.length);
    const dx = x.digits.padEnd(n, '0');
    const dy = y.digits.padEnd(n, '0');
    r = dx === dy ? 0 : dx > dy ? 1 : -1;
  }
  return r * x.sign;
}

/** The larger of a and b (N text). */
export function maxN(a, b) {
  return compareN(a, b) >= 0 ? a : b;
}

// The whole part of a number (N text), toward zero, as a BigInt.
function whole(text) {
  const { sign, digits, point } = parse(text);
  if (sign === 0 || point <= 0) return 0n;
  const int = digits.length >= point ? digits.slice(0, point) : digits + '0'.repeat(point - digits.length);
  return BigInt(int) * BigInt(sign);
}

/** The version after `v` (N text): its whole part + 1 (1 for anything below 1), as text. */
export function nextVersion(v) {
  const w = whole(v);
  return String(w < 0n ? 1n : w + 1n);
}

/** The whole part of `t` (N text, ms) minus `ms`, as text. */
export function minusMs(t, ms) {
  return String(whole(t) - BigInt(ms));
}

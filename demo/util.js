// Small helpers shared by the playground's modules: DOM building, value
// formatting and DynamoDB JSON <-> plain JSON conversion for the editor.

/** Creates an element: h('button', { type: 'button', onclick }, 'text', child...). */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'className') el.className = v;
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) if (c !== null && c !== undefined) el.append(c);
  return el;
}

export const $ = (sel) => document.querySelector(sel);

/** Bytes as "1.2 KB". */
export function formatBytes(n) {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

/** An attribute value (DynamoDB JSON) as short readable text for a grid cell. */
export function cellText(av) {
  if (!av) return '';
  const [type, v] = Object.entries(av)[0];
  if (type === 'S' || type === 'N') return String(v);
  if (type === 'BOOL') return String(v);
  if (type === 'NULL') return 'null';
  if (type === 'B') return `<binary ${v.length} b64>`;
  return JSON.stringify(toPlain(av));
}

/** DynamoDB JSON attribute value -> plain JSON (numbers as JS numbers when exact, sets as arrays). */
export function toPlain(av) {
  const [type, v] = Object.entries(av)[0];
  switch (type) {
    case 'S': return v;
    case 'N': return numberOf(v);
    case 'BOOL': return v;
    case 'NULL': return null;
    case 'B': return { $binary: v };
    case 'SS': return { $SS: v };
    case 'NS': return { $NS: v };
    case 'BS': return { $BS: v };
    case 'L': return v.map(toPlain);
    case 'M': return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, toPlain(x)]));
    default: throw new Error(`unknown attribute type ${type}`);
  }
}

function numberOf(text) {
  const n = Number(text);
  return String(n) === text || (Number.isSafeInteger(n) && String(BigInt(text)) === text) ? n : { $N: text };
}

/** Plain JSON -> DynamoDB JSON attribute value (inverse of toPlain). */
export function fromPlain(v) {
  if (v === null) return { NULL: true };
  if (typeof v === 'string') return { S: v };
  if (typeof v === 'number') return { N: String(v) };
  if (typeof v === 'boolean') return { BOOL: v };
  if (Array.isArray(v)) return { L: v.map(fromPlain) };
  if (typeof v === 'object') {
    const keys = Object.keys(v);
    if (keys.length === 1) {
      const k = keys[0];
      if (k === '$binary') return { B: v[k] };
      if (k === '$N') return { N: String(v[k]) };
      if (k === '$SS' || k === '$NS' || k === '$BS') return { [k.slice(1)]: v[k].map(String) };
    }
    return { M: Object.fromEntries(keys.map((k) => [k, fromPlain(v[k])])) };
  }
  throw new Error(`cannot store ${typeof v}`);
}

export const itemToPlain = (item) => Object.fromEntries(Object.entries(item).map(([k, v]) => [k, toPlain(v)]));
export const itemFromPlain = (obj) => {
  if (!obj || typeof obj !== 'object' || Array.isArray(obj)) throw new Error('An item must be a JSON object');
  return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, fromPlain(v)]));
};

/** An error box's content: the error name in bold, then its message. */
export function showError(el, error) {
  el.hidden = false;
  el.replaceChildren(h('b', {}, error.name || 'Error'), error.message || String(error));
}
export function hideError(el) { el.hidden = true; el.replaceChildren(); }

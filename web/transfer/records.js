// RecordReader: splits the text of an import into its items, one at a time,
// whatever size the chunks come in, without holding more than one item and
// the unread rest of a chunk. Two formats, mixed freely, one top-level JSON
// object after another (whitespace, including newlines, between them):
//
//   {"Item": {...}}                      DynamoDB's export to S3 (DYNAMODB_JSON),
//                                        one per line
//   {"Items": [{...}, ...], "Count": 2,  the output of `aws dynamodb scan
//    "ScannedCount": 2, ...}             --output json` (pretty-printed or not;
//                                        several pages may follow each other)
//
//   const reader = new RecordReader();
//   for (const chunk of chunks) for (const r of reader.push(chunk)) use(r.line, r.text);
//   for (const r of reader.end()) use(r.line, r.text);
//
// A record is { line, text }: the 1-based line where the item starts and the
// item's JSON text (an attribute-value map, not parsed here: JSON.parse it).
// The envelope around items is checked here: keys and punctuation of the
// top-level objects, which must hold exactly one of "Item" (an object) or
// "Items" (an array of objects); other members (Count, ScannedCount,
// ConsumedCapacity, NextToken, ...) must be valid JSON and are ignored. The
// inside of an item is only bracket-counted; JSON.parse judges it.
//
// An "Item" record is returned once its whole top-level object has closed
// (so a broken envelope on its line keeps it out); "Items" elements are
// returned as each closes, so a scan page of any size streams.
//
// Errors: at the first problem push() returns the records completed before
// it, and throws RecordError { line, reason } if there are none; every later
// call (push or end) throws that error.

export class RecordError extends Error {
  constructor(line, message) {
    super(`line ${line}: ${message}`);
    this.line = line;
    this.reason = message;
  }
}
Object.defineProperty(RecordError.prototype, 'name', { value: 'RecordError', writable: true, configurable: true });

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;
const COLON = 0x3a;
const COMMA = 0x2c;
const NEWLINE = 0x0a;

function isSpace(c) {
  return c === 0x20 || c === NEWLINE || c === 0x0d || c === 0x09;
}

// Index just past the closing quote of the string whose body starts at i, or
// -1 if s ends first. A quote is closing when an even number of backslashes
// precede it.
function stringEnd(s, i) {
  for (;;) {
    const q = s.indexOf('"', i);
    if (q < 0) return -1;
    let slashes = 0;
    for (let k = q - 1; k >= i && s.charCodeAt(k) === BACKSLASH; k--) slashes++;
    if (slashes % 2 === 0) return q + 1;
    i = q + 1;
  }
}

// What the envelope parser expects next (depth 0: between top-level objects;
// depth 1: inside one; items: inside its "Items" array).
const TOP = 'top';                  // '{' of the next top-level object, or the end
const KEY_OR_CLOSE = 'keyOrClose';  // a member name, or '}' (just after '{')
const KEY = 'key';                  // a member name (after ',')
const COLON_NEXT = 'colon';         // ':' after a member name
const VALUE = 'value';              // a member's value
const COMMA_OR_CLOSE = 'commaOrClose';  // ',' or '}' after a member
const ITEM_OR_END = 'itemOrEnd';    // '{' of an element, or ']' (just after '[')
const ITEM = 'item';                // '{' of an element (after ',')
const ITEM_COMMA_OR_END = 'itemCommaOrEnd';  // ',' or ']' after an element

export class RecordReader {
  #buf = '';          // text not consumed yet
  #pos = 0;           // next index of #buf to read
  #line = 1;          // line of #buf[#pos]
  #state = TOP;
  #key = null;        // name of the member whose value comes next (depth 1)
  #object = null;     // the top-level object being read: { line, item, items, keys: Set }
  #capture = null;    // a value being read: { kind: 'item'|'element'|'other', start, line, depth }
  #started = false;   // the first non-BOM character was seen
  #failed = null;

  /** The line being read (for errors found outside the reader, e.g. bad UTF-8). */
  get line() { return this.#line; }

  /** Reads more text; returns the records completed by it. */
  push(text) {
    if (this.#failed) throw this.#failed;
    if (!this.#started && text.length > 0) {
      this.#started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);  // byte order mark
    }
    // #buf holds only the unread text (and the start of a value being captured): see the end.
    this.#buf += text;
    const out = [];
    try {
      this.#run(out);
    } catch (error) {
      this.#failed = error;
      if (out.length === 0) throw error;
      return out;  // the records before the problem; the next call throws it
    }
    // Keep only what is still needed: the value being captured, or nothing.
    const keepFrom = this.#capture ? this.#capture.start : this.#pos;
    this.#buf = this.#buf.slice(keepFrom);
    if (this.#capture) this.#capture.start = 0;
    this.#pos -= keepFrom;
    return out;
  }

  /** The input ended: returns the last records, or throws if it ended inside a value. */
  end() {
    if (this.#failed) throw this.#failed;
    const out = this.push('');
    if (this.#capture || this.#state !== TOP) {
      const started = this.#object ? this.#object.line : this.#line;
      this.#failed = new RecordError(this.#line, `the input ends inside the JSON object that starts on line ${started}`);
      throw this.#failed;
    }
    return out;
  }

  #fail(message) {
    throw new RecordError(this.#line, message);
  }

  #run(out) {
    const s = this.#buf;
    const n = s.length;
    while (this.#pos < n) {
      if (this.#capture) {
        if (!this.#scanValue(s, out)) return;  // needs more text
        continue;
      }
      const c = s.charCodeAt(this.#pos);
      if (isSpace(c)) {
        if (c === NEWLINE) this.#line++;
        this.#pos++;
        continue;
      }
      if (!this.#envelope(s, c, out)) return;
    }
  }

  // One significant character of the envelope at #pos. Returns false when it
  // needs more text.
  #envelope(s, c, out) {
    switch (this.#state) {
      case TOP:
        if (c !== LBRACE) {
          this.#fail(`expected '{' to start {"Item": {...}} (DynamoDB export) or {"Items": [...]} (scan output), ` +
              `found ${describe(s, this.#pos)}`);
        }
        this.#object = { line: this.#line, item: null, items: false, keys: new Set() };
        this.#state = KEY_OR_CLOSE;
        this.#pos++;
        return true;
      case KEY_OR_CLOSE:
      case KEY: {
        if (c === RBRACE && this.#state === KEY_OR_CLOSE) return this.#closeObject(out);
        if (c !== QUOTE) this.#fail(`expected a member name in quotes, found ${describe(s, this.#pos)}`);
        const end = stringEnd(s, this.#pos + 1);
        if (end < 0) return false;
        let key;
        try {
          key = JSON.parse(s.slice(this.#pos, end));
        } catch (error) {
          this.#fail(`bad member name: ${error.message}`);
        }
        if (this.#object.keys.has(key)) this.#fail(`the member ${JSON.stringify(key)} appears twice`);
        this.#object.keys.add(key);
        this.#key = key;
        this.#pos = end;
        this.#state = COLON_NEXT;
        return true;
      }
      case COLON_NEXT:
        if (c !== COLON) this.#fail(`expected ':' after ${JSON.stringify(this.#key)}, found ${describe(s, this.#pos)}`);
        this.#pos++;
        this.#state = VALUE;
        return true;
      case VALUE:
        if (this.#key === 'Item') {
          if (c !== LBRACE) this.#fail(`"Item" must be a map of attribute values, found ${describe(s, this.#pos)}`);
          this.#capture = { kind: 'item', start: this.#pos, line: this.#line, depth: 0 };
        } else if (this.#key === 'Items') {
          if (c !== LBRACKET) this.#fail(`"Items" must be an array of items, found ${describe(s, this.#pos)}`);
          this.#object.items = true;
          this.#pos++;
          this.#state = ITEM_OR_END;
        } else {
          this.#capture = { kind: 'other', start: this.#pos, line: this.#line, depth: 0, scalar: c !== LBRACE && c !== LBRACKET };
        }
        return true;
      case COMMA_OR_CLOSE:
        if (c === COMMA) {
          this.#pos++;
          this.#state = KEY;
          return true;
        }
        if (c === RBRACE) return this.#closeObject(out);
        if (this.#object.line !== this.#line) {
          // Blame the line the object started on (with one record per line, that is the broken one).
          throw new RecordError(this.#object.line, `the object that starts on this line is not closed: expected ',' or '}', ` +
              `found ${describe(s, this.#pos)} on line ${this.#line}`);
        }
        this.#fail(`expected ',' or '}', found ${describe(s, this.#pos)}`);
        return true;
      case ITEM_OR_END:
      case ITEM:
        if (c === RBRACKET && this.#state === ITEM_OR_END) {
          this.#pos++;
          this.#state = COMMA_OR_CLOSE;
          return true;
        }
        if (c !== LBRACE) this.#fail(`each element of "Items" must be a map of attribute values, found ${describe(s, this.#pos)}`);
        this.#capture = { kind: 'element', start: this.#pos, line: this.#line, depth: 0 };
        return true;
      case ITEM_COMMA_OR_END:
        if (c === COMMA) {
          this.#pos++;
          this.#state = ITEM;
          return true;
        }
        if (c === RBRACKET) {
          this.#pos++;
          this.#state = COMMA_OR_CLOSE;
          return true;
        }
        this.#fail(`expected ',' or ']' in "Items", found ${describe(s, this.#pos)}`);
        return true;
      default:
        throw new Error(`RecordReader: unknown state ${this.#state}`);
    }
  }

  #closeObject(out) {
    const object = this.#object;
    if (object.item === null && !object.items) {
      this.#fail(`the object that starts on line ${object.line} has neither "Item" (DynamoDB export) nor "Items" (scan output)`);
    }
    if (object.item !== null && object.items) {
      this.#fail(`the object that starts on line ${object.line} has both "Item" and "Items"`);
    }
    if (object.item !== null) out.push(object.item);
    this.#object = null;
    this.#pos++;
    this.#state = TOP;
    return true;
  }

  // Advances through the captured value; returns false when it needs more text.
  #scanValue(s, out) {
    const cap = this.#capture;
    const n = s.length;
    let i = this.#pos;
    if (cap.scalar) {
      // A number, true, false or null (or a string): up to the next ',' / '}' / whitespace.
      if (s.charCodeAt(i) === QUOTE && i === cap.start) {
        const end = stringEnd(s, i + 1);
        if (end < 0) return false;
        i = end;
      }
      while (i < n) {
        const c = s.charCodeAt(i);
        if (c === COMMA || c === RBRACE || isSpace(c)) break;
        i++;
      }
      if (i === n) {
        this.#pos = i;
        return false;
      }
      this.#pos = i;
      this.#finishValue(s.slice(cap.start, i), out);
      return true;
    }
    let depth = cap.depth;
    let line = this.#line;
    while (i < n) {
      const c = s.charCodeAt(i);
      if (c === QUOTE) {
        const end = stringEnd(s, i + 1);
        if (end < 0) break;
        // A raw newline inside a string is not JSON; JSON.parse says so. Count it for the lines after.
        for (let k = s.indexOf('\n', i); k >= 0 && k < end; k = s.indexOf('\n', k + 1)) line++;
        i = end;
        continue;
      }
      i++;
      if (c === LBRACE || c === LBRACKET) {
        depth++;
      } else if (c === RBRACE || c === RBRACKET) {
        depth--;
        if (depth === 0) {
          this.#pos = i;
          this.#line = line;
          this.#finishValue(s.slice(cap.start, i), out);
          return true;
        }
      } else if (c === NEWLINE) {
        line++;
      }
    }
    cap.depth = depth;
    this.#line = line;
    this.#pos = i;
    return false;
  }

  #finishValue(text, out) {
    const cap = this.#capture;
    this.#capture = null;
    if (cap.kind === 'element') {
      out.push({ line: cap.line, text });
      this.#state = ITEM_COMMA_OR_END;
      return;
    }
    if (cap.kind === 'item') {
      this.#object.item = { line: cap.line, text };
    } else {
      try {
        JSON.parse(text);
      } catch (error) {
        throw new RecordError(cap.line, `the value of ${JSON.stringify(this.#key)} is not JSON (${error.message})`);
      }
    }
    this.#state = COMMA_OR_CLOSE;
  }
}

function describe(s, i) {
  const c = s[i];
  return c === undefined ? 'the end' : JSON.stringify(s.slice(i, i + 20));
}

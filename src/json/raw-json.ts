/**
 * Strict JSON (RFC 8259) that keeps the text it was given.
 *
 * Token documents must be served back value-for-value: key order (a JS object moves integer-like
 * keys such as "1" to the front), unknown fields and every digit of a number literal (a uint256
 * does not fit a double). So the parser captures the minified source text of the values that are
 * stored, and the rest of the service keeps that text instead of re-serialising a JS object.
 */

export interface JsonProblem {
  path: string;
  message: string;
}

/** Any input that is not acceptable JSON; `details` say where (field path and character offset). */
export class JsonInputError extends Error {
  readonly details: JsonProblem[];

  constructor(details: JsonProblem[]) {
    super(details.map((problem) => `${problem.path}: ${problem.message}`).join("; "));
    this.name = "JsonInputError";
    this.details = details;
  }
}

export interface ParseOptions {
  /** Deepest nesting of objects and arrays accepted; default 64, at most 1000. */
  maxDepth?: number;
  /** Members with this key whose value is an object or array get their raw text captured. */
  captureKey?: string;
}

type PathSegment = string | number;

const DEFAULT_MAX_DEPTH = 64;
// The parser recurses once per level; this bound keeps it far from the call stack limit.
const MAX_DEPTH_LIMIT = 1000;
const DEFAULT_CAPTURE_KEY = "document";
// PRODUCT §3: keys that reach Object.prototype when a consumer merges the value into an object.
const FORBIDDEN_KEYS = new Set(["__proto__", "constructor"]);
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
const ESCAPES = new Map([
  ['"', '"'],
  ["\\", "\\"],
  ["/", "/"],
  ["b", "\b"],
  ["f", "\f"],
  ["n", "\n"],
  ["r", "\r"],
  ["t", "\t"],
]);

const rawTexts = new WeakMap<object, string>();
// `fatal` refuses invalid UTF-8 (RFC 8259 §8.1); the default `ignoreBOM: false` drops a leading
// byte order mark, which §8.1 lets a parser ignore.
const utf8 = new TextDecoder("utf-8", { fatal: true });

/** Decodes UTF-8 strictly (a leading BOM is skipped) and parses the text. */
export function parseJsonBytes(bytes: Uint8Array, options?: ParseOptions): unknown {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw new JsonInputError([{ path: "$", message: "body is not valid UTF-8" }]);
  }
  return parseJsonText(text, options);
}

/** Parses one JSON text; U+FEFF is not whitespace here, so a BOM left in the text is refused. */
export function parseJsonText(text: string, options: ParseOptions = {}): unknown {
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
  if (!Number.isInteger(maxDepth) || maxDepth < 1 || maxDepth > MAX_DEPTH_LIMIT) {
    throw new RangeError(`maxDepth must be an integer from 1 to ${MAX_DEPTH_LIMIT}`);
  }
  return new Parser(text, maxDepth, options.captureKey ?? DEFAULT_CAPTURE_KEY).parseRoot();
}

/** The minified raw text captured for the root value or a `captureKey` value; else undefined. */
export function rawJsonOf(value: unknown): string | undefined {
  return isContainer(value) ? rawTexts.get(value) : undefined;
}

/**
 * Removes whitespace outside strings and keeps every literal exactly as written. Expects valid
 * JSON (parse first): other input is not refused, and its output is unspecified.
 */
export function minifyJson(text: string): string {
  let out = "";
  let runStart = 0;
  let i = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      i = endOfString(text, i);
    } else if (isWhitespace(c)) {
      out += text.slice(runStart, i);
      i = skipWhitespace(text, i);
      runStart = i;
    } else {
      i++;
    }
  }
  return runStart === 0 ? text : out + text.slice(runStart);
}

/**
 * RFC 7396 JSON Merge Patch on raw text: untouched members keep their raw text and order, new
 * members follow in patch order. Both inputs must be valid minified JSON; the result is minified.
 */
export function mergePatchRaw(targetRaw: string, patchRaw: string): string {
  if (!isObjectText(patchRaw)) return patchRaw;

  const members = isObjectText(targetRaw) ? membersOf(targetRaw) : [];
  for (const patch of membersOf(patchRaw)) applyMember(members, patch);

  return `{${members.map((member) => `${member.keyRaw}:${member.valueRaw}`).join(",")}}`;
}

function isContainer(value: unknown): value is object {
  return typeof value === "object" && value !== null;
}

function isWhitespace(c: number): boolean {
  // RFC 8259 §2: the only insignificant whitespace is space, tab, line feed and carriage return.
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

function skipWhitespace(text: string, from: number): number {
  let i = from;
  while (isWhitespace(text.charCodeAt(i))) i++;
  return i;
}

/** Index just past the string literal opening at `open` (or the text length if unterminated). */
function endOfString(text: string, open: number): number {
  let quote = text.indexOf('"', open + 1);
  while (quote !== -1) {
    let before = quote - 1;
    while (text.charCodeAt(before) === 0x5c) before--;
    // An even run of backslashes escapes itself, so the quote closes the string.
    if ((quote - 1 - before) % 2 === 0) return quote + 1;
    quote = text.indexOf('"', quote + 1);
  }
  return text.length;
}

function isHexDigit(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function formatPath(path: readonly PathSegment[]): string {
  if (path.length === 0) return "$";
  let out = "";
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`;
    else if (!IDENTIFIER.test(segment)) out += `[${JSON.stringify(segment)}]`;
    else out += out === "" ? segment : `.${segment}`;
  }
  return out;
}

function describeChar(text: string, offset: number): string {
  const c = text.codePointAt(offset);
  if (c === undefined) return "end of input";
  const code = `U+${c.toString(16).toUpperCase().padStart(4, "0")}`;
  if (c < 0x20 || c === 0x7f) return `character ${code}`;
  const quoted = JSON.stringify(String.fromCodePoint(c));
  // Outside ASCII the code point tells apart look-alikes such as U+00A0 and a space.
  return c > 0x7e ? `character ${quoted} (${code})` : `character ${quoted}`;
}

/** Recursive descent over the string by index; one instance per parse. */
class Parser {
  private pos = 0;
  private depth = 0;
  private readonly path: PathSegment[] = [];

  constructor(
    private readonly text: string,
    private readonly maxDepth: number,
    private readonly captureKey: string,
  ) {}

  parseRoot(): unknown {
    this.pos = skipWhitespace(this.text, 0);
    const start = this.pos;
    const value = this.parseValue();
    this.capture(value, start);

    this.pos = skipWhitespace(this.text, this.pos);
    if (this.pos < this.text.length) this.unexpected("expected the end of input after the value");
    return value;
  }

  private parseValue(): unknown {
    const c = this.text.charCodeAt(this.pos);
    if (c === 0x7b) return this.parseObject();
    if (c === 0x5b) return this.parseArray();
    if (c === 0x22) return this.parseString();
    if (c === 0x2d || isDigit(c)) return this.parseNumber();
    if (c === 0x74) return this.parseLiteral("true", true);
    if (c === 0x66) return this.parseLiteral("false", false);
    if (c === 0x6e) return this.parseLiteral("null", null);
    return this.unexpected("expected a value");
  }

  private parseObject(): Record<string, unknown> {
    this.enter();
    const object: Record<string, unknown> = {};
    this.pos = skipWhitespace(this.text, this.pos + 1);
    if (this.text.charCodeAt(this.pos) !== 0x7d) {
      do {
        this.pos = skipWhitespace(this.text, this.pos);
        this.parseMember(object);
        this.pos = skipWhitespace(this.text, this.pos);
      } while (this.consumeSeparator(0x7d, 'expected "," or "}"'));
    }
    this.pos++;
    this.depth--;
    return object;
  }

  private parseMember(object: Record<string, unknown>): void {
    if (this.text.charCodeAt(this.pos) !== 0x22) this.unexpected("expected a string key");
    const keyStart = this.pos;
    const key = this.parseString();
    this.path.push(key);
    this.checkKey(object, key, keyStart);

    this.pos = skipWhitespace(this.text, this.pos);
    if (this.text.charCodeAt(this.pos) !== 0x3a) this.unexpected('expected ":"');
    this.pos = skipWhitespace(this.text, this.pos + 1);
    const start = this.pos;
    const value = this.parseValue();
    if (key === this.captureKey) this.capture(value, start);

    this.path.pop();
    object[key] = value;
  }

  private checkKey(object: Record<string, unknown>, key: string, offset: number): void {
    if (FORBIDDEN_KEYS.has(key)) this.fail(`key ${JSON.stringify(key)} is not allowed`, offset);
    // RFC 8259 §4: names SHOULD be unique; consumers disagree on which duplicate wins.
    if (Object.hasOwn(object, key)) this.fail(`duplicate key ${JSON.stringify(key)}`, offset);
  }

  private parseArray(): unknown[] {
    this.enter();
    const array: unknown[] = [];
    this.pos = skipWhitespace(this.text, this.pos + 1);
    if (this.text.charCodeAt(this.pos) !== 0x5d) {
      do {
        this.pos = skipWhitespace(this.text, this.pos);
        this.path.push(array.length);
        array.push(this.parseValue());
        this.path.pop();
        this.pos = skipWhitespace(this.text, this.pos);
      } while (this.consumeSeparator(0x5d, 'expected "," or "]"'));
    }
    this.pos++;
    this.depth--;
    return array;
  }

  /** True after a comma; false when the closing bracket is next (left for the caller). */
  private consumeSeparator(close: number, expected: string): boolean {
    const c = this.text.charCodeAt(this.pos);
    if (c === 0x2c) {
      this.pos++;
      return true;
    }
    if (c !== close) this.unexpected(expected);
    return false;
  }

  private enter(): void {
    this.depth++;
    if (this.depth > this.maxDepth) this.fail(`nesting deeper than ${this.maxDepth} levels`);
  }

  private parseString(): string {
    const text = this.text;
    const start = this.pos + 1;
    let i = start;
    // Fast path: most strings hold no escape, control character or surrogate.
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        this.pos = i + 1;
        return text.slice(start, i);
      }
      if (c === 0x5c || c < 0x20 || (c >= 0xd800 && c <= 0xdfff)) break;
      i++;
    }
    return this.parseStringSlowly(start, i);
  }

  private parseStringSlowly(start: number, from: number): string {
    const text = this.text;
    let out = text.slice(start, from);
    let i = from;
    let runStart = from;
    for (;;) {
      const c = text.charCodeAt(i);
      if (c === 0x22) break;
      if (c === 0x5c || c < 0x20 || (c >= 0xd800 && c <= 0xdfff) || i >= text.length) {
        out += text.slice(runStart, i);
        this.pos = i;
        out += this.parseSpecial();
        i = this.pos;
        runStart = i;
      } else {
        i++;
      }
    }
    this.pos = i + 1;
    return out + text.slice(runStart, i);
  }

  /** Decodes the escape, surrogate pair or error at `pos`, leaving `pos` past it. */
  private parseSpecial(): string {
    const c = this.text.charCodeAt(this.pos);
    if (this.pos >= this.text.length) this.fail("unterminated string");
    if (c === 0x5c) return this.parseEscape();
    if (c < 0x20) this.unexpected("control characters must be escaped in strings");
    return this.parseRawSurrogates();
  }

  private parseEscape(): string {
    if (this.pos + 1 >= this.text.length) this.fail("unterminated string");
    const letter = this.text.charAt(this.pos + 1);
    const simple = ESCAPES.get(letter);
    if (simple !== undefined) {
      this.pos += 2;
      return simple;
    }
    if (letter !== "u") this.fail(`invalid escape "\\${letter}"`);
    return this.parseUnicodeEscape();
  }

  private parseUnicodeEscape(): string {
    const offset = this.pos;
    const high = this.unicodeEscapeAt(offset);
    if (high === -1) this.fail('"\\u" needs four hex digits');
    // PostgreSQL's text cannot hold U+0000, and no metadata field has a use for it: refusing it
    // here keeps both databases answering the same.
    if (high === 0) this.fail("U+0000 is not accepted in strings", offset);
    if (high < 0xd800 || high > 0xdfff) {
      this.pos += 6;
      return String.fromCharCode(high);
    }
    const low = this.unicodeEscapeAt(offset + 6);
    // RFC 8259 §8.2 leaves lone surrogates undefined and RFC 7493 §2.1 forbids them: a value that
    // is not valid Unicode cannot be stored as UTF-8 or compared reliably.
    if (high > 0xdbff || low < 0xdc00 || low > 0xdfff) this.fail("lone surrogate escape", offset);
    this.pos += 12;
    return String.fromCharCode(high, low);
  }

  /** The code unit of the `\uXXXX` escape at `at`, or -1 when there is none. */
  private unicodeEscapeAt(at: number): number {
    const text = this.text;
    if (!text.startsWith("\\u", at)) return -1;
    for (let i = at + 2; i < at + 6; i++) {
      if (!isHexDigit(text.charCodeAt(i))) return -1;
    }
    return Number.parseInt(text.slice(at + 2, at + 6), 16);
  }

  private parseRawSurrogates(): string {
    const high = this.text.charCodeAt(this.pos);
    const low = this.text.charCodeAt(this.pos + 1);
    // Only reachable through parseJsonText: decoded UTF-8 never holds a lone surrogate.
    if (high > 0xdbff || !(low >= 0xdc00 && low <= 0xdfff)) this.fail("lone surrogate in string");
    this.pos += 2;
    return this.text.slice(this.pos - 2, this.pos);
  }

  private parseNumber(): number {
    const text = this.text;
    const start = this.pos;
    let i = text.charCodeAt(start) === 0x2d ? start + 1 : start;
    // RFC 8259 §6: int = "0" / digit1-9 *DIGIT, so no leading zeros.
    if (text.charCodeAt(i) === 0x30) {
      i++;
      if (isDigit(text.charCodeAt(i))) this.fail("leading zeros are not allowed", i);
    } else {
      i = this.digits(i);
    }
    if (text.charCodeAt(i) === 0x2e) i = this.digits(i + 1);
    if ((text.charCodeAt(i) | 0x20) === 0x65) {
      i++;
      const sign = text.charCodeAt(i);
      if (sign === 0x2b || sign === 0x2d) i++;
      i = this.digits(i);
    }
    this.pos = i;
    return Number(text.slice(start, i));
  }

  /** Index past one or more digits starting at `from`. */
  private digits(from: number): number {
    let i = from;
    while (isDigit(this.text.charCodeAt(i))) i++;
    if (i === from) {
      this.pos = from;
      this.unexpected("expected a digit");
    }
    return i;
  }

  private parseLiteral<T>(word: string, value: T): T {
    for (let i = 1; i < word.length; i++) {
      if (this.text.charCodeAt(this.pos + i) !== word.charCodeAt(i)) {
        this.pos += i;
        this.unexpected(`expected "${word}"`);
      }
    }
    this.pos += word.length;
    return value;
  }

  private capture(value: unknown, start: number): void {
    if (isContainer(value)) rawTexts.set(value, minifyJson(this.text.slice(start, this.pos)));
  }

  private unexpected(expected: string): never {
    const found = describeChar(this.text, this.pos);
    const prefix = this.pos >= this.text.length ? "unexpected end of input" : `unexpected ${found}`;
    return this.fail(`${prefix}; ${expected}`);
  }

  private fail(message: string, offset = this.pos): never {
    throw new JsonInputError([
      { path: formatPath(this.path), message: `${message} at offset ${offset}` },
    ]);
  }
}

interface RawMember {
  keyRaw: string;
  key: string;
  valueRaw: string;
}

function isObjectText(raw: string): boolean {
  return raw.charCodeAt(0) === 0x7b;
}

/** The members of a minified object text, in order. */
function membersOf(objectRaw: string): RawMember[] {
  const members: RawMember[] = [];
  let i = 1;
  while (i < objectRaw.length - 1) {
    const keyEnd = endOfString(objectRaw, i);
    const keyRaw = objectRaw.slice(i, keyEnd);
    const valueEnd = endOfValue(objectRaw, keyEnd + 1);
    members.push({
      keyRaw,
      key: decodeKey(keyRaw),
      valueRaw: objectRaw.slice(keyEnd + 1, valueEnd),
    });
    i = valueEnd + 1;
  }
  return members;
}

/** Index just past the minified value starting at `start`. */
function endOfValue(raw: string, start: number): number {
  const first = raw.charCodeAt(start);
  if (first === 0x22) return endOfString(raw, start);
  if (first !== 0x7b && first !== 0x5b) return endOfScalar(raw, start);

  let depth = 0;
  let i = start;
  do {
    const c = raw.charCodeAt(i);
    if (c === 0x22) {
      i = endOfString(raw, i);
      continue;
    }
    if (c === 0x7b || c === 0x5b) depth++;
    else if (c === 0x7d || c === 0x5d) depth--;
    i++;
  } while (depth > 0 && i < raw.length);
  return i;
}

function endOfScalar(raw: string, start: number): number {
  let i = start;
  for (;;) {
    const c = raw.charCodeAt(i);
    if (i >= raw.length || c === 0x2c || c === 0x7d || c === 0x5d) return i;
    i++;
  }
}

function decodeKey(keyRaw: string): string {
  if (!keyRaw.includes("\\")) return keyRaw.slice(1, -1);
  // A key with escapes is compared by its decoded name: "\u0061" and "a" are the same member.
  const key = parseJsonText(keyRaw);
  return typeof key === "string" ? key : keyRaw;
}

function applyMember(members: RawMember[], patch: RawMember): void {
  const index = members.findIndex((member) => member.key === patch.key);
  const existing = index === -1 ? undefined : members[index];
  if (patch.valueRaw === "null") {
    if (existing !== undefined) members.splice(index, 1);
  } else if (existing === undefined) {
    // A new member is merged into "no value", which drops nulls nested in the patch (RFC 7396 §2).
    members.push({ ...patch, valueRaw: mergePatchRaw("", patch.valueRaw) });
  } else {
    existing.valueRaw = mergePatchRaw(existing.valueRaw, patch.valueRaw);
  }
}

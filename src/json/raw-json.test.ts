import { describe, expect, it } from "vitest";
import {
  JsonInputError,
  mergePatchRaw,
  minifyJson,
  parseJsonBytes,
  parseJsonText,
  rawJsonOf,
} from "./raw-json.js";

function roundTrip(text: string): string | undefined {
  return rawJsonOf(parseJsonText(text));
}

function problemOf(parse: () => unknown): { path: string; message: string } {
  try {
    parse();
  } catch (error) {
    expect(error).toBeInstanceOf(JsonInputError);
    const details = error instanceof JsonInputError ? error.details : [];
    expect(details).toHaveLength(1);
    const [problem] = details;
    if (problem !== undefined) return problem;
  }
  throw new Error("expected a JsonInputError");
}

function nested(depth: number): string {
  return `${"[".repeat(depth)}${"]".repeat(depth)}`;
}

describe("raw text is kept value-for-value", () => {
  it("keeps the order of integer-like keys", () => {
    expect(roundTrip('{"b":1,"2":2,"1":3}')).toBe('{"b":1,"2":2,"1":3}');
  });

  it("keeps every digit of 2^256-1 as a number literal", () => {
    const max = (2n ** 256n - 1n).toString();
    const value = parseJsonText(`{"supply":${max}}`);

    expect(rawJsonOf(value)).toBe(`{"supply":${max}}`);
    expect(value).toEqual({ supply: Number(max) });
  });

  it("keeps the literal text of 1.0, 1e400 and -0", () => {
    const text = '{"a":1.0,"b":1e400,"c":-0,"d":2.50E-3}';
    const value = parseJsonText(text);

    expect(rawJsonOf(value)).toBe(text);
    expect(value).toEqual({ a: 1, b: Number.POSITIVE_INFINITY, c: -0, d: 0.0025 });
  });

  it('keeps escapes such as \\u20bf and \\" while decoding the value', () => {
    const text = '{"name":"Laser \\u20bfill","joke":"\\"fanta sea.\\"","path":"a\\/b\\\\"}';
    const value = parseJsonText(text);

    expect(rawJsonOf(value)).toBe(text);
    expect(value).toEqual({ name: "Laser \u20bfill", joke: '"fanta sea."', path: "a/b\\" });
  });

  it("decodes escaped surrogate pairs and raw astral characters", () => {
    expect(parseJsonText('["\\ud83d\\ude00","\u{1f600}"]')).toEqual(["\u{1f600}", "\u{1f600}"]);
  });

  it("removes whitespace outside strings only", () => {
    const text = '\n{ "name" : "a  b\\" ,c" ,\r\n\t"list" : [ 1 , { } , [ ] ] }\n';
    expect(roundTrip(text)).toBe('{"name":"a  b\\" ,c","list":[1,{},[]]}');
  });

  it("keeps unknown fields", () => {
    const text = '{"name":"x","custom_fields":{"dna":"382f","edition":1},"votality":0}';
    expect(roundTrip(text)).toBe(text);
  });

  it("gives the same values as JSON.parse", () => {
    const texts = ['{"a":[1,-2.5e3,true,false,null,"\\t\\u0001"]}', '"x"', "0", "[]", "{}"];
    for (const text of texts) expect(parseJsonText(text)).toEqual(JSON.parse(text));
  });
});

describe("captured raw text", () => {
  it("captures the document under a document member", () => {
    const value = parseJsonText('{ "tokenId": "1", "document": { "2": 1, "1": 2 } }');
    const document = (value as { document: unknown }).document;

    expect(rawJsonOf(document)).toBe('{"2":1,"1":2}');
  });

  it("captures each document in an array of {tokenId, document} items", () => {
    const text = '[{"tokenId":"1","document":{"b":1, "a":[2]}},{"tokenId":"2","document":[3, 4]}]';
    const items = parseJsonText(text) as { document: unknown }[];

    expect(items.map((item) => rawJsonOf(item.document))).toEqual(['{"b":1,"a":[2]}', "[3,4]"]);
  });

  it("captures a root value but no other nested value or scalar", () => {
    const value = parseJsonText('{"meta":{"a":1},"document":"text"}') as Record<string, unknown>;

    expect(rawJsonOf(value)).toBe('{"meta":{"a":1},"document":"text"}');
    expect(rawJsonOf(value.meta)).toBeUndefined();
    expect(rawJsonOf(value.document)).toBeUndefined();
    expect(rawJsonOf("text")).toBeUndefined();
    expect(rawJsonOf({ a: 1 })).toBeUndefined();
  });

  it("captures members named by captureKey", () => {
    const value = parseJsonText('{"doc":{ "x":1 },"document":{}}', { captureKey: "doc" });
    const { doc, document } = value as Record<string, unknown>;

    expect(rawJsonOf(doc)).toBe('{"x":1}');
    expect(rawJsonOf(document)).toBeUndefined();
  });

  it("equals minifyJson of the source slice", () => {
    const inner = '{ "n" : 1.50 ,\n "s" : "\\u0041 \\" }" }';
    const value = parseJsonText(`{"document": ${inner} }`) as { document: unknown };

    expect(rawJsonOf(value.document)).toBe(minifyJson(inner));
  });
});

describe("refused input", () => {
  it("refuses duplicate keys, also when spelt differently", () => {
    expect(problemOf(() => parseJsonText('{"a":1,"a":2}'))).toEqual({
      path: "a",
      message: 'duplicate key "a" at offset 7',
    });
    expect(problemOf(() => parseJsonText('{"a":1,"\\u0061":2}')).message).toMatch(/duplicate/);
  });

  it.each([
    ['{"__proto__":{"admin":true}}', "__proto__", 1],
    ['{"constructor":{"prototype":{}}}', "constructor", 1],
    ['{"document":{"attributes":[{"__proto__":1}]}}', "document.attributes[0].__proto__", 28],
    ['[[{"a":{"constructor":1}}]]', "[0][0].a.constructor", 8],
  ])("refuses prototype keys at any depth: %s", (text, path, offset) => {
    const problem = problemOf(() => parseJsonText(text));
    expect(problem.path).toBe(path);
    expect(problem.message).toMatch(new RegExp(`is not allowed at offset ${offset}$`));
  });

  it("accepts nesting of 64 levels and refuses 65", () => {
    expect(parseJsonText(nested(64))).toBeInstanceOf(Array);
    expect(problemOf(() => parseJsonText(nested(65))).message).toBe(
      "nesting deeper than 64 levels at offset 64",
    );
    expect(problemOf(() => parseJsonText('{"a":[[1]]}', { maxDepth: 2 })).message).toMatch(
      /^nesting deeper than 2 levels/,
    );
  });

  it("honours the largest maxDepth without exhausting the stack", () => {
    expect(parseJsonText(nested(1000), { maxDepth: 1000 })).toBeInstanceOf(Array);
    expect(() => parseJsonText("[".repeat(100_000), { maxDepth: 1000 })).toThrow(JsonInputError);
  });

  it("refuses a maxDepth the parser cannot honour", () => {
    expect(() => parseJsonText("[]", { maxDepth: 0 })).toThrow(RangeError);
    expect(() => parseJsonText("[]", { maxDepth: 1001 })).toThrow(RangeError);
  });

  it.each([
    ["a stray 0xff byte", [0x7b, 0xff, 0x7d]],
    ["an overlong encoding of '/'", [0x22, 0xc0, 0xaf, 0x22]],
    ["a UTF-8-encoded surrogate", [0x22, 0xed, 0xa0, 0x80, 0x22]],
    ["a truncated sequence", [0x22, 0xe2, 0x82]],
  ])("refuses invalid UTF-8: %s", (_name, bytes) => {
    expect(problemOf(() => parseJsonBytes(Buffer.from(bytes)))).toEqual({
      path: "$",
      message: "body is not valid UTF-8",
    });
  });

  it("decodes UTF-8 bytes and skips a leading byte order mark", () => {
    const value = parseJsonBytes(Buffer.from('\ufeff{"name": "\u20bf"}', "utf8"));

    expect(value).toEqual({ name: "\u20bf" });
    expect(rawJsonOf(value)).toBe('{"name":"\u20bf"}');
  });

  it("refuses a byte order mark left in text", () => {
    expect(problemOf(() => parseJsonText("\ufeff{}")).message).toMatch(/U\+FEFF/);
  });

  it.each(['{"a":1} x', '{"a":1}{"b":2}', "[1]]", "1 2", '"a" "b"', "null,"])(
    "refuses trailing garbage: %s",
    (text) => {
      expect(problemOf(() => parseJsonText(text)).message).toMatch(/expected the end of input/);
    },
  );

  it("names the path and offset of a syntax error", () => {
    expect(problemOf(() => parseJsonText('{"document":{"attributes":[{"value":tru}]}}'))).toEqual({
      path: "document.attributes[0].value",
      message: 'unexpected character "}"; expected "true" at offset 39',
    });
    expect(problemOf(() => parseJsonText('{"odd key":[1,]}')).path).toBe('["odd key"][1]');
  });

  const broken: [string, string][] = [
    ["empty input", ""],
    ["whitespace only", " \n"],
    ["a lone brace", "{"],
    ["a lone bracket", "["],
    ["a closing brace", "}"],
    ["an unterminated string", '"abc'],
    ["a string ending in a backslash", '"abc\\'],
    ["an unknown escape", '"\\x"'],
    ["a short \\u escape", '"\\u12"'],
    ["a non-hex \\u escape", '"\\u12g4"'],
    ["a lone high surrogate escape", '"\\ud800"'],
    ["a high surrogate before another escape", '"\\ud800\\n"'],
    ["a lone low surrogate escape", '"\\udc00"'],
    ["a lone raw surrogate", '"\ud800"'],
    ["a raw control character", '"a\tb"'],
    ["a raw newline", '"a\nb"'],
    ["single quotes", "{'a':1}"],
    ["an unquoted key", "{a:1}"],
    ["a missing colon", '{"a" 1}'],
    ["a missing value", '{"a":}'],
    ["a trailing comma in an object", '{"a":1,}'],
    ["a trailing comma in an array", "[1,]"],
    ["a leading comma", "[,1]"],
    ["a missing comma", "[1 2]"],
    ["a missing comma between members", '{"a":1 "b":2}'],
    ["a leading zero", "01"],
    ["a negative leading zero", "-01"],
    ["a plus sign", "+1"],
    ["a lone minus", "-"],
    ["a trailing dot", "1."],
    ["a leading dot", ".5"],
    ["an empty exponent", "1e"],
    ["an exponent sign alone", "1e+"],
    ["a hex number", "0x10"],
    ["NaN", "NaN"],
    ["Infinity", "Infinity"],
    ["a misspelt literal", "nul"],
    ["a capitalised literal", "True"],
    ["a comment", '{"a":1 /* no */}'],
    ["a non-breaking space as whitespace", "[\u00a01]"],
    ["a key that is not a string", "{1:2}"],
    ["a mismatched bracket", '{"a":[1}'],
    ["100,000 nested arrays", "[".repeat(100_000)],
    ["100,000 nested objects", '{"a":'.repeat(100_000)],
  ];

  it.each(broken)("refuses %s with a JsonInputError", (_name, text) => {
    const problem = problemOf(() => parseJsonText(text));
    expect(problem.message).toMatch(/ at offset \d+$/);
  });

  // A lone surrogate cannot be encoded as UTF-8 at all, so the byte form skips it.
  const encodable = broken.filter(([name]) => name !== "a lone raw surrogate");

  it.each(encodable)("refuses %s given as bytes", (_name, text) => {
    expect(() => parseJsonBytes(Buffer.from(text, "utf8"))).toThrow(JsonInputError);
  });
});

describe("minifyJson", () => {
  it("keeps strings with spaces, escaped quotes and backslashes", () => {
    const text = '[ "a \\\\" , "b \\" c" , 1.0e+2 ]';
    expect(minifyJson(text)).toBe('["a \\\\","b \\" c",1.0e+2]');
  });

  it("returns minified text unchanged", () => {
    expect(minifyJson('{"a":[1,"x y"]}')).toBe('{"a":[1,"x y"]}');
  });
});

describe("mergePatchRaw", () => {
  // RFC 7396 appendix A, as minified text.
  it.each([
    ['{"a":"b"}', '{"a":"c"}', '{"a":"c"}'],
    ['{"a":"b"}', '{"b":"c"}', '{"a":"b","b":"c"}'],
    ['{"a":"b"}', '{"a":null}', "{}"],
    ['{"a":"b","b":"c"}', '{"a":null}', '{"b":"c"}'],
    ['{"a":["b"]}', '{"a":"c"}', '{"a":"c"}'],
    ['{"a":"c"}', '{"a":["b"]}', '{"a":["b"]}'],
    ['{"a":{"b":"c"}}', '{"a":{"b":"d","c":null}}', '{"a":{"b":"d"}}'],
    ['{"a":[{"b":"c"}]}', '{"a":[1]}', '{"a":[1]}'],
    ['["a","b"]', '["c","d"]', '["c","d"]'],
    ['{"a":"b"}', '["c"]', '["c"]'],
    ['{"a":"foo"}', "null", "null"],
    ['{"a":"foo"}', '"bar"', '"bar"'],
    ['{"e":null}', '{"a":1}', '{"e":null,"a":1}'],
    ["[1,2]", '{"a":"b","c":null}', '{"a":"b"}'],
    ["{}", '{"a":{"bb":{"ccc":null}}}', '{"a":{"bb":{}}}'],
  ])("RFC 7396 appendix A: %s patched with %s", (target, patch, result) => {
    expect(mergePatchRaw(target, patch)).toBe(result);
  });

  it("keeps the digits of an untouched big-number member", () => {
    const big = "115792089237316195423570985008687907853269984665640564039457584007913129639935";
    const target = `{"supply":${big},"name":"a","price":1.10}`;

    expect(mergePatchRaw(target, '{"name":"b"}')).toBe(`{"supply":${big},"name":"b","price":1.10}`);
  });

  it("keeps member order and raw text, appending new members in patch order", () => {
    const target = '{"2":"x","1":{"k":"\\u20bf","n":[1.0]},"s":"a,}\\"b"}';
    const patch = '{"z":1,"1":{"n":null,"m":2},"y":2}';

    expect(mergePatchRaw(target, patch)).toBe(
      '{"2":"x","1":{"k":"\\u20bf","m":2},"s":"a,}\\"b","z":1,"y":2}',
    );
  });

  it("matches members by their decoded names", () => {
    expect(mergePatchRaw('{"\\u0061":1,"b":2}', '{"a":null}')).toBe('{"b":2}');
  });

  it("merges a captured document with a captured patch", () => {
    const stored = rawJsonOf(parseJsonText('{ "name": "x", "attributes": [ ] }')) ?? "";
    const patch = rawJsonOf(parseJsonText('{ "attributes": [ { "value": 1 } ] }')) ?? "";

    expect(mergePatchRaw(stored, patch)).toBe('{"name":"x","attributes":[{"value":1}]}');
  });
});

describe("U+0000", () => {
  it("is refused in values and keys, so that SQLite and PostgreSQL store the same things", () => {
    expect(problemOf(() => parseJsonText('{"name":"a\\u0000b"}')).message).toMatch(/U\+0000/);
    expect(problemOf(() => parseJsonText('{"a\\u0000":1}')).message).toMatch(/U\+0000/);
    expect(parseJsonText('{"name":"a\\u0001b"}')).toEqual({ name: "a\u0001b" });
  });
});

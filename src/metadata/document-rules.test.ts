import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { minifyJson, parseJsonText, rawJsonOf } from "../json/raw-json.js";
import { checkDocument, uriProblem, type Violation } from "./document-rules.js";

const URI_MESSAGE = "must be a URI with scheme https, http, ipfs, ar or data";
const FIXTURES = fileURLToPath(new URL("../../test/fixtures/filthy-peasants/", import.meta.url));

function problems(doc: unknown): Violation[] {
  return checkDocument(doc);
}

describe("checkDocument: the document itself", () => {
  it.each([[[]], [null], ["text"], [1]])("refuses %j as a document", (doc) => {
    expect(problems(doc)).toEqual([{ path: "document", message: "must be a JSON object" }]);
  });

  it("accepts an empty object and unknown fields anywhere", () => {
    expect(problems({})).toEqual([]);
    expect(problems({ votality: 0, custom_fields: { dna: "x" }, attributes: [] })).toEqual([]);
  });

  it("prefixes paths with the base given", () => {
    expect(checkDocument({ name: 1 }, "items[3].document")).toEqual([
      { path: "items[3].document.name", message: "must be a string" },
    ]);
  });

  it("reports every violation, not just the first", () => {
    const doc = { name: 1, image: "javascript:alert(1)", attributes: [{}, { value: null }] };
    expect(problems(doc)).toEqual([
      { path: "document.name", message: "must be a string" },
      { path: "document.image", message: URI_MESSAGE },
      { path: "document.attributes[0].value", message: "is required" },
      { path: "document.attributes[1].value", message: "must be a string, number or boolean" },
    ]);
  });
});

describe("checkDocument: string fields", () => {
  it.each(["name", "description", "image_data"])("%s must be a string when present", (field) => {
    expect(problems({ [field]: "" })).toEqual([]);
    expect(problems({ [field]: "<svg/>" })).toEqual([]);
    for (const value of [null, 1, true, [], {}]) {
      expect(problems({ [field]: value })).toEqual([
        { path: `document.${field}`, message: "must be a string" },
      ]);
    }
  });
});

describe("checkDocument: URI fields", () => {
  it.each(["image", "animation_url", "external_url", "youtube_url"])("checks %s", (field) => {
    expect(problems({ [field]: "ipfs://bafy/1.png" })).toEqual([]);
    expect(problems({ [field]: "file:///etc/passwd" })).toEqual([
      { path: `document.${field}`, message: URI_MESSAGE },
    ]);
  });
});

describe("uriProblem", () => {
  it.each([
    "https://example.com/1.png",
    "http://example.com",
    "HTTPS://EXAMPLE.COM/A.PNG",
    "https://user@example.com:8443/a?b=c#d",
    "https://[::1]/x",
    "ipfs://QmPzFgeXZ7ASRB3ubikVqWne3dDW2AWj6jP1eDUuiiohf7/1.png",
    "IPFS://bafybeia63b5uwzf5ipqcgicy3vujv6ak7czf7juej6mte775p6un7ergri",
    "ar://bNbA3TEQVL60xlgCcqdz4ZPHFZ711cZ3hmkpGttDt_U",
    "data:,hello",
    "data:image/svg+xml;base64,PHN2Zy8+",
    "data:application/json;utf8,{%22name%22:%22x%22}",
  ])("accepts %s", (uri) => {
    expect(uriProblem(uri)).toBeUndefined();
  });

  it.each([
    ["javascript:alert(1)", URI_MESSAGE],
    ["JavaScript:alert(1)", URI_MESSAGE],
    ["vbscript:msgbox(1)", URI_MESSAGE],
    ["file:///etc/passwd", URI_MESSAGE],
    ["ftp://example.com/a", URI_MESSAGE],
    ["/relative/path.png", URI_MESSAGE],
    ["example.com/a.png", URI_MESSAGE],
    ["", URI_MESSAGE],
    [null, URI_MESSAGE],
    [42, URI_MESSAGE],
    ["https://", "must have a host after https://"],
    ["https:example.com", "must have a host after https://"],
    ["http:///path", "must have a host after http://"],
    ["https://exa mple.com", "must not contain whitespace or control characters"],
    [" https://example.com", "must not contain whitespace or control characters"],
    ["https://example.com/\n", "must not contain whitespace or control characters"],
    ["https://example.com/\u0000", "must not contain whitespace or control characters"],
    ["https://example.com/\u00a0", "must not contain whitespace or control characters"],
    ["ipfs://", "must have a content identifier after ipfs://"],
    ["ipfs:Qm123", "must have a content identifier after ipfs://"],
    ["ar://", "must have a content identifier after ar://"],
    ["data:text/plain;base64", "must have a comma before the data (RFC 2397)"],
  ])("refuses %j", (uri, message) => {
    expect(uriProblem(uri)).toBe(message);
  });
});

describe("checkDocument: background_color", () => {
  it.each(["ffffff", "00A1b2"])("accepts %s", (color) => {
    expect(problems({ background_color: color })).toEqual([]);
  });

  it.each(["#ffffff", "fff", "fffffff", "gggggg", "", 0xffffff])("refuses %j", (color) => {
    expect(problems({ background_color: color })).toEqual([
      { path: "document.background_color", message: 'must be six hexadecimal digits without "#"' },
    ]);
  });
});

describe("checkDocument: attributes", () => {
  it.each([
    ["a string trait", { trait_type: "hair", value: "short_black" }],
    ["a numeric string", { trait_type: "head", value: "300" }],
    ["a boolean", { trait_type: "shiny", value: true }],
    ["a value-only attribute", { value: "Cool" }],
    ["a number", { display_type: "number", trait_type: "gen", value: 2 }],
    ["a boost", { display_type: "boost_number", trait_type: "power", value: 40 }],
    ["a percentage", { display_type: "boost_percentage", trait_type: "speed", value: 10.5 }],
    ["a date", { display_type: "date", trait_type: "birthday", value: 1546360800 }],
    ["a max_value", { trait_type: "level", value: 5, max_value: 5 }],
    ["an unknown field", { trait_type: "x", value: 1, frequency: 0.1 }],
  ])("accepts %s", (_name, attribute) => {
    expect(problems({ attributes: [attribute] })).toEqual([]);
  });

  it("accepts a trait type repeated within a token", () => {
    const attributes = [
      { trait_type: "accessory", value: "hat" },
      { trait_type: "accessory", value: "pipe" },
    ];
    expect(problems({ attributes })).toEqual([]);
  });

  it.each([
    ["not an array", { trait_type: "a", value: 1 }, "document.attributes", "must be an array"],
    ["an item not an object", ["hair"], "document.attributes[0]", "must be an object"],
  ])("refuses %s", (_name, attributes, path, message) => {
    expect(problems({ attributes })).toEqual([{ path, message }]);
  });

  const at = (field: string) => `document.attributes[0].${field}`;

  it.each([
    ["a missing value", { trait_type: "a" }, at("value"), "is required"],
    ["a null value", { value: null }, at("value"), "must be a string, number or boolean"],
    ["an object value", { value: {} }, at("value"), "must be a string, number or boolean"],
    ["an array value", { value: [1] }, at("value"), "must be a string, number or boolean"],
    [
      "an infinite value",
      { value: Number.POSITIVE_INFINITY },
      at("value"),
      "must be a finite number",
    ],
    ["a numeric trait_type", { trait_type: 1, value: "x" }, at("trait_type"), "must be a string"],
    ["a null trait_type", { trait_type: null, value: "x" }, at("trait_type"), "must be a string"],
  ])("refuses %s", (_name, attribute, path, message) => {
    expect(problems({ attributes: [attribute] })).toEqual([{ path, message }]);
  });

  it.each([
    ["an unknown display_type", { display_type: "ranking", value: 1 }, at("display_type")],
    ["a capitalised display_type", { display_type: "Number", value: 1 }, at("display_type")],
    ["a non-string display_type", { display_type: 1, value: 1 }, at("display_type")],
  ])("refuses %s", (_name, attribute, path) => {
    expect(problems({ attributes: [attribute] })).toEqual([
      { path, message: "must be one of number, boost_number, boost_percentage, date" },
    ]);
  });

  it.each(["number", "boost_number", "boost_percentage", "date"])(
    "display_type %s needs a numeric value",
    (displayType) => {
      expect(problems({ attributes: [{ display_type: displayType, value: "5" }] })).toEqual([
        { path: at("value"), message: `must be a number for display_type ${displayType}` },
      ]);
    },
  );

  it("reports a value of the wrong type once, not again for its display_type", () => {
    const attributes = [
      { display_type: "number", value: null },
      { display_type: "date", value: Number.POSITIVE_INFINITY },
      { display_type: "boost_number" },
    ];
    expect(problems({ attributes })).toEqual([
      { path: "document.attributes[0].value", message: "must be a string, number or boolean" },
      { path: "document.attributes[1].value", message: "must be a finite number" },
      { path: "document.attributes[2].value", message: "is required" },
    ]);
  });

  it("refuses a millisecond-sized date and accepts negative seconds", () => {
    const dates = [1661107899580, -1e11, 99_999_999_999, -86400].map((value) => ({
      display_type: "date",
      value,
    }));
    expect(problems({ attributes: dates })).toEqual([
      { path: "document.attributes[0].value", message: "must be Unix seconds, not milliseconds" },
      { path: "document.attributes[1].value", message: "must be Unix seconds, not milliseconds" },
    ]);
  });

  it.each([
    ["a string max_value", { value: 1, max_value: "10" }, "must be a number"],
    [
      "a max_value with a string value",
      { value: "1", max_value: 10 },
      "is only allowed with a numeric value",
    ],
    ["a max_value below value", { value: 11, max_value: 10 }, "must not be below value"],
  ])("refuses %s", (_name, attribute, message) => {
    expect(problems({ attributes: [attribute] })).toEqual([{ path: at("max_value"), message }]);
  });

  it("names the index of each bad attribute", () => {
    const attributes = [{ value: "ok" }, { value: "ok" }, { trait_type: "x", value: [] }];
    expect(problems({ attributes })).toEqual([
      { path: "document.attributes[2].value", message: "must be a string, number or boolean" },
    ]);
  });
});

describe("checkDocument: ERC-1155 fields", () => {
  it("accepts decimals, properties and localization", () => {
    const doc = {
      decimals: 0,
      properties: { rich_property: { name: "Name", value: "123" } },
      localization: {
        uri: "ipfs://QmWS1VAdMD353A6SDk9wNyvkT14kyCiZrNDYAad4w1tKqT/{locale}.json",
        default: "en",
        locales: ["en", "es", "fr"],
      },
    };
    expect(problems(doc)).toEqual([]);
  });

  it.each([-1, 1.5, "2", null])("refuses decimals %j", (decimals) => {
    expect(problems({ decimals })).toEqual([
      { path: "document.decimals", message: "must be a non-negative integer" },
    ]);
  });

  it.each([[[]], ["x"], [null]])("refuses properties %j", (properties) => {
    expect(problems({ properties })).toEqual([
      { path: "document.properties", message: "must be an object" },
    ]);
  });

  it("refuses a localization that is not an object", () => {
    expect(problems({ localization: "en" })).toEqual([
      { path: "document.localization", message: "must be an object" },
    ]);
  });

  it("requires uri, default and locales in localization", () => {
    expect(problems({ localization: {} })).toEqual([
      { path: "document.localization.uri", message: "is required" },
      { path: "document.localization.default", message: "is required" },
      { path: "document.localization.locales", message: "is required" },
    ]);
  });

  it("checks the types inside localization", () => {
    const localization = { uri: "ipfs://x/en.json", default: 1, locales: ["en", 2] };
    expect(problems({ localization })).toEqual([
      { path: "document.localization.uri", message: "must be a string containing {locale}" },
      { path: "document.localization.default", message: "must be a string" },
      { path: "document.localization.locales[1]", message: "must be a string" },
    ]);
    expect(problems({ localization: { ...localization, default: "en", locales: "en" } })).toEqual([
      { path: "document.localization.uri", message: "must be a string containing {locale}" },
      { path: "document.localization.locales", message: "must be an array of strings" },
    ]);
  });
});

describe("in-repo filthy-peasants fixtures (MIT, see NOTICE.txt)", () => {
  const files = readdirSync(FIXTURES).filter((name) => name.endsWith(".json"));

  it("holds the twelve token files and the licence notice", () => {
    expect(files).toHaveLength(12);
    expect(readFileSync(`${FIXTURES}NOTICE.txt`, "utf8")).toMatch(/License:\s+MIT/);
  });

  it.each(files)("%s gives no violations and keeps its raw text", (name) => {
    const text = readFileSync(`${FIXTURES}${name}`, "utf8");
    const doc = parseJsonText(text);

    expect(checkDocument(doc)).toEqual([]);
    expect(rawJsonOf(doc)).toBe(minifyJson(text));
  });
});

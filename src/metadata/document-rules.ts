/**
 * The rules a token document must meet so that wallets and marketplaces read it: ERC-721 metadata
 * JSON, ERC-1155 metadata and the OpenSea metadata standard (PRODUCT §4). Unknown fields are
 * always allowed; every problem found is reported, each with its field path.
 */

export interface Violation {
  path: string;
  message: string;
}

type FieldCheck = (value: unknown, path: string, out: Violation[]) => void;

const URI_MESSAGE = "must be a URI with scheme https, http, ipfs, ar or data";
// RFC 3986 §3.1: scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ), compared case-insensitively.
const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]*):/;
// RFC 3986 §2 allows neither whitespace nor control characters anywhere in a URI.
const BLANK_OR_CONTROL = /[\s\p{Cc}]/u;
const HEX_COLOR = /^[0-9A-Fa-f]{6}$/;
// OpenSea metadata standard: an attribute value is a string, a number or a boolean.
const VALUE_TYPES = new Set(["string", "number", "boolean"]);
// OpenSea metadata standard: the display types wallets know; all four show numbers.
const DISPLAY_TYPES = new Set(["number", "boost_number", "boost_percentage", "date"]);
const DISPLAY_TYPE_MESSAGE = "must be one of number, boost_number, boost_percentage, date";
// 1e11 seconds is around the year 5138, while a millisecond timestamp of today is above 1e12.
const MILLISECOND_SIZED = 1e11;

type SchemeRule = (rest: string, scheme: string, value: string) => string | undefined;

const SCHEME_RULES: Record<string, SchemeRule> = {
  https: hostProblem,
  http: hostProblem,
  ipfs: contentProblem,
  ar: contentProblem,
  // RFC 2397: dataurl := "data:" [ mediatype ] [ ";base64" ] "," data
  data: (rest) => (rest.includes(",") ? undefined : "must have a comma before the data (RFC 2397)"),
};

const FIELD_CHECKS: ReadonlyArray<readonly [string, FieldCheck]> = [
  ["name", report(stringProblem)],
  ["description", report(stringProblem)],
  ["image", report(uriProblem)],
  ["image_data", report(stringProblem)],
  ["animation_url", report(uriProblem)],
  ["external_url", report(uriProblem)],
  ["youtube_url", report(uriProblem)],
  ["background_color", report(colorProblem)],
  ["attributes", checkAttributes],
  ["decimals", report(decimalsProblem)],
  ["properties", report(objectProblem)],
  ["localization", checkLocalization],
];

/** Problems with a token document, each with its path under `base`; empty when acceptable. */
export function checkDocument(doc: unknown, base = "document"): Violation[] {
  if (!isRecord(doc)) return [{ path: base, message: "must be a JSON object" }];

  const out: Violation[] = [];
  for (const [field, check] of FIELD_CHECKS) {
    if (Object.hasOwn(doc, field)) check(doc[field], `${base}.${field}`, out);
  }
  return out;
}

/** Why a value is not an acceptable metadata URI, or undefined when it is one. */
export function uriProblem(value: unknown): string | undefined {
  if (typeof value !== "string") return URI_MESSAGE;
  if (BLANK_OR_CONTROL.test(value)) return "must not contain whitespace or control characters";

  const scheme = SCHEME.exec(value)?.[1]?.toLowerCase();
  const rule = scheme === undefined ? undefined : SCHEME_RULES[scheme];
  if (scheme === undefined || rule === undefined) return URI_MESSAGE;
  return rule(value.slice(scheme.length + 1), scheme, value);
}

function hostProblem(rest: string, scheme: string, value: string): string | undefined {
  const message = `must have a host after ${scheme}://`;
  // RFC 3986 §3.2: the authority follows "//" and ends at the first "/", "?" or "#".
  if (!rest.startsWith("//") || /^[/?#]/.test(rest.slice(2))) return message;
  try {
    return new URL(value).hostname === "" ? message : undefined;
  } catch {
    return message;
  }
}

function contentProblem(rest: string, scheme: string): string | undefined {
  // ipfs://<cid>[/path] and ar://<transaction id>: left exactly as given, never rewritten.
  if (rest.startsWith("//") && rest.length > 2) return undefined;
  return `must have a content identifier after ${scheme}://`;
}

function report(problem: (value: unknown) => string | undefined): FieldCheck {
  return (value, path, out) => {
    const message = problem(value);
    if (message !== undefined) out.push({ path, message });
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value);
}

function stringProblem(value: unknown): string | undefined {
  return typeof value === "string" ? undefined : "must be a string";
}

function objectProblem(value: unknown): string | undefined {
  return isRecord(value) ? undefined : "must be an object";
}

function colorProblem(value: unknown): string | undefined {
  if (typeof value === "string" && HEX_COLOR.test(value)) return undefined;
  return 'must be six hexadecimal digits without "#"';
}

function decimalsProblem(value: unknown): string | undefined {
  // ERC-1155 metadata: "decimals" is the number of decimal places for display, an integer >= 0.
  return Number.isInteger(value) && Number(value) >= 0
    ? undefined
    : "must be a non-negative integer";
}

function checkAttributes(value: unknown, path: string, out: Violation[]): void {
  if (!Array.isArray(value)) {
    out.push({ path, message: "must be an array" });
    return;
  }
  for (const [index, attribute] of value.entries()) {
    checkAttribute(attribute, `${path}[${index}]`, out);
  }
}

function checkAttribute(attribute: unknown, path: string, out: Violation[]): void {
  if (!isRecord(attribute)) {
    out.push({ path, message: "must be an object" });
    return;
  }
  // OpenSea: trait_type may be left out for a value-only attribute, and may repeat in a token.
  if (Object.hasOwn(attribute, "trait_type")) {
    report(stringProblem)(attribute.trait_type, `${path}.trait_type`, out);
  }
  checkAttributeValue(attribute, path, out);
  checkDisplayType(attribute, path, out);
  checkMaxValue(attribute, path, out);
}

function checkAttributeValue(
  attribute: Record<string, unknown>,
  path: string,
  out: Violation[],
): void {
  const value = attribute.value;
  if (!Object.hasOwn(attribute, "value")) {
    out.push({ path: `${path}.value`, message: "is required" });
  } else if (typeof value === "number" && !Number.isFinite(value)) {
    out.push({ path: `${path}.value`, message: "must be a finite number" });
  } else if (!VALUE_TYPES.has(typeof value)) {
    out.push({ path: `${path}.value`, message: "must be a string, number or boolean" });
  }
}

function checkDisplayType(
  attribute: Record<string, unknown>,
  path: string,
  out: Violation[],
): void {
  if (!Object.hasOwn(attribute, "display_type")) return;

  const displayType = attribute.display_type;
  if (typeof displayType !== "string" || !DISPLAY_TYPES.has(displayType)) {
    out.push({ path: `${path}.display_type`, message: DISPLAY_TYPE_MESSAGE });
    return;
  }
  const message = displayedValueProblem(displayType, attribute.value);
  if (message !== undefined) out.push({ path: `${path}.value`, message });
}

function displayedValueProblem(displayType: string, value: unknown): string | undefined {
  // Values of the wrong type, missing or not finite already have their own violation.
  if (typeof value === "string" || typeof value === "boolean") {
    return `must be a number for display_type ${displayType}`;
  }
  if (displayType === "date" && isFiniteNumber(value) && Math.abs(value) >= MILLISECOND_SIZED) {
    return "must be Unix seconds, not milliseconds";
  }
  return undefined;
}

function checkMaxValue(attribute: Record<string, unknown>, path: string, out: Violation[]): void {
  if (!Object.hasOwn(attribute, "max_value")) return;

  const max = attribute.max_value;
  const value = attribute.value;
  if (!isFiniteNumber(max)) {
    out.push({ path: `${path}.max_value`, message: "must be a number" });
  } else if (!isFiniteNumber(value)) {
    out.push({ path: `${path}.max_value`, message: "is only allowed with a numeric value" });
  } else if (max < value) {
    out.push({ path: `${path}.max_value`, message: "must not be below value" });
  }
}

function checkLocalization(value: unknown, path: string, out: Violation[]): void {
  if (!isRecord(value)) {
    out.push({ path, message: "must be an object" });
    return;
  }
  // ERC-1155 metadata: the client replaces "{locale}" in uri to fetch a translated document.
  requireField(value, "uri", `${path}.uri`, out, localeUriProblem);
  requireField(value, "default", `${path}.default`, out, stringProblem);
  if (Object.hasOwn(value, "locales")) checkLocales(value.locales, `${path}.locales`, out);
  else out.push({ path: `${path}.locales`, message: "is required" });
}

function requireField(
  object: Record<string, unknown>,
  field: string,
  path: string,
  out: Violation[],
  problem: (value: unknown) => string | undefined,
): void {
  if (Object.hasOwn(object, field)) report(problem)(object[field], path, out);
  else out.push({ path, message: "is required" });
}

function localeUriProblem(value: unknown): string | undefined {
  if (typeof value === "string" && value.includes("{locale}")) return undefined;
  return "must be a string containing {locale}";
}

function checkLocales(value: unknown, path: string, out: Violation[]): void {
  if (!Array.isArray(value)) {
    out.push({ path, message: "must be an array of strings" });
    return;
  }
  for (const [index, locale] of value.entries()) {
    report(stringProblem)(locale, `${path}[${index}]`, out);
  }
}

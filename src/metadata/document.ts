import { createHash } from "node:crypto";
import { invalidDocument } from "../errors.js";
import { checkDocument } from "./document-rules.js";

/** A checked document with what the store derives from it for search and filters. */
export interface PreparedDocument {
  /** Minified JSON as sent: the only form ever stored or served. */
  raw: string;
  /** Strong validator of `raw`. */
  etag: string;
  name: string | null;
  searchText: string;
  traits: { trait_type: string; value: string }[];
}

/** Checks a document against the metadata standards (422 on failure) and derives its fields. */
export function prepareDocument(value: unknown, raw: string, base = "document"): PreparedDocument {
  const violations = checkDocument(value, base);
  if (violations.length > 0) throw invalidDocument(violations);
  const doc = value as Record<string, unknown>;
  const name = typeof doc.name === "string" ? doc.name : null;
  const description = typeof doc.description === "string" ? doc.description : "";
  return {
    raw,
    etag: etagOf(raw),
    name,
    searchText: `${name ?? ""}\n${description}`.toLowerCase(),
    traits: traitsOf(doc.attributes),
  };
}

export function etagOf(raw: string): string {
  return createHash("sha256").update(raw).digest("base64url").slice(0, 27);
}

function traitsOf(attributes: unknown): PreparedDocument["traits"] {
  if (!Array.isArray(attributes)) return [];
  return attributes.map((a: { trait_type?: unknown; value?: unknown }) => ({
    trait_type: typeof a.trait_type === "string" ? a.trait_type : "",
    value: String(a.value),
  }));
}
